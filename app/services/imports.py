"""Imports (SPEC §6): properties with their owners, and a period's contributions, from a file.

Both run in two steps over the same code: ``plan`` reads the file and decides, row by row,
what would be written (created, updated, or an error on its line) without writing; a real
import writes the plan only when no row is in error, in the caller's one transaction, with
multi-row INSERTs (5,000 rows in seconds). A dry run is the plan alone.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.importing import FileError, contribution_rows, name_key, property_rows, read_table
from app.models import Contribution, Member, Period, Property
from app.models.tenancy import label_key
from app.services import accounts, audit, bulk, journal
from app.services.periods import ensure_writable


@dataclass
class RowResult:
    line: int
    status: str  # created, updated or error
    errors: list[str]
    # The row as it will be written, for the preview page.
    shown: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    rows: list[RowResult]
    written: bool = False
    # Members created by a property import that have an email: (member, invite link).
    invites: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.status != "error" for r in self.rows)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def line_errors(self) -> dict[str, list[str]]:
        return {f"line {r.line}": r.errors for r in self.rows if r.errors}


def _rows(reader, content: bytes):
    """The file's rows; a file that cannot be read at all is a 400 naming ``file``."""
    try:
        return reader(read_table(content))
    except FileError as error:
        raise ValidationFailed(str(error), {"file": [str(error)]}) from None


class _Members:
    """The community's members by email and by name, for finding the one a row names."""

    def __init__(self):
        self.all = list(db.session.execute(select(Member)).scalars())
        self.by_email = {m.email: m for m in self.all if m.email}
        self.by_name: dict[str, list[Member]] = defaultdict(list)
        for m in self.all:
            if not _removed(m):
                self.by_name[name_key(m.name)].append(m)

    def named(self, name: str, header: str, errors: list[str]) -> Member | None:
        found = self.by_name.get(name_key(name), [])
        if len(found) > 1:
            errors.append(
                f"{header}: "
                + _("%(num)d members are named %(name)s; give their email.", num=len(found), name=name)
            )
            return None
        return found[0] if found else None


def _removed(member: Member) -> bool:
    return getattr(member, "removed_at", None) is not None


# --- properties --------------------------------------------------------------------------


def import_properties(content: bytes, *, dry_run: bool) -> ImportResult:
    """Properties found by label are updated, the others created; owners are found by
    email, then by name, else created as members (with the row's email, if any)."""
    rows = _rows(property_rows, content)
    members = _Members()
    existing = {name_key(p.label): p for p in db.session.execute(select(Property)).scalars()}
    labels: dict[str, int] = {}
    new_by_email: dict[str, dict] = {}
    new_by_name: dict[str, dict] = {}
    plan: list[tuple[Any, Member | dict, Property | None]] = []  # dict: a member to create
    result = ImportResult([])
    for row in rows:
        errors = list(row.errors)
        owner = None
        if not errors:
            key = name_key(row.label)
            if key in labels:
                errors.append(
                    f"{row.header('label')}: "
                    + _("%(label)s is also on line %(line)d.", label=row.label, line=labels[key])
                )
            labels.setdefault(key, row.line)
            owner = _owner(row, members, new_by_email, new_by_name, errors)
        prop = existing.get(name_key(row.label)) if row.label else None
        status = "error" if errors else ("updated" if prop else "created")
        shown = {
            "label": row.label,
            "share_weight": row.share_weight,
            "active": row.active,
            "owner": (owner["name"] if isinstance(owner, dict) else owner.name) if owner else row.owner,
            "new_owner": isinstance(owner, dict),
            "email": row.email,
        }
        result.rows.append(RowResult(row.line, status, errors, shown))
        if owner is not None:  # else the row has errors, and nothing is written
            plan.append((row, owner, prop))
    if dry_run or not result.ok:
        return result

    pending = list({id(o): o for _, o, _ in plan if isinstance(o, dict)}.values())
    created_members = _create_members(pending, result)
    new_properties = []
    for row, owner, prop in plan:
        owner_id = created_members[id(owner)].id if isinstance(owner, dict) else owner.id
        values = dict(
            label=row.label, share_weight=row.share_weight, owner_member_id=owner_id, active=row.active
        )
        if prop is None:
            # Written in bulk, so the key the model's @validates would set is set here.
            new_properties.append(
                {**values, "community_id": g.community_id, "label_key": label_key(row.label)}
            )
        else:
            # The label found it (ignoring case and spacing); it stays as it was written.
            del values["label"]
            for name, value in values.items():
                setattr(prop, name, value)
    bulk.insert_rows(Property, new_properties)
    db.session.flush()
    audit.record(
        "import",
        "property",
        None,
        after={
            "created": result.count("created"),
            "updated": result.count("updated"),
            "members_created": len(pending),
        },
    )
    result.written = True
    return result


def _owner(row, members: _Members, new_by_email: dict, new_by_name: dict, errors: list[str]):
    """The member a row names: an existing one, or a dict describing one to create."""
    header = row.header("owner") or row.header("email")
    if row.email and row.email in members.by_email:
        member = members.by_email[row.email]
        if _removed(member):
            errors.append(
                f"{row.header('email')}: " + _("%(email)s belongs to a removed member.", email=row.email)
            )
            return None
        return member
    if row.owner:
        named = members.named(row.owner, row.header("owner"), errors)
        if named is not None or errors:
            return named
    new = (new_by_email.get(row.email) if row.email else None) or (
        new_by_name.get(name_key(row.owner)) if row.owner else None
    )
    if new is None:
        if not row.owner:
            errors.append(
                f"{header}: " + _("No member has the email %(email)s; add the owner's name.", email=row.email)
            )
            return None
        new = {"name": row.owner, "email": row.email}
    if row.email and not new["email"]:
        new["email"] = row.email
    if new["email"]:
        new_by_email[new["email"]] = new
    new_by_name.setdefault(name_key(new["name"]), new)
    return new


def _create_members(pending: list[dict], result: ImportResult) -> dict[int, Member]:
    """Members without an account, as the import names them; those with an email get an
    invite link, mailed like any member's (``accounts.send_invite``)."""
    created = {
        id(new): Member(community_id=g.community_id, name=new["name"], email=new["email"], role="owner")
        for new in pending
    }
    db.session.add_all(created.values())
    db.session.flush()
    # Without this, each invite's user lookup would first flush the previous member's
    # invite (one UPDATE per member); the invites are flushed together at the end.
    with db.session.no_autoflush:
        for member in created.values():
            if member.email:
                result.invites.append((member, accounts.send_invite(member)))
    db.session.flush()
    return created


# --- contributions -----------------------------------------------------------------------


def import_contributions(period: Period, content: bytes, *, dry_run: bool) -> ImportResult:
    """Contributions of one open period; a row names its member (name or email) or a
    property (its owner). Never creates members."""
    ensure_writable(period)
    rows = _rows(contribution_rows, content)
    members = _Members()
    properties = {name_key(p.label): p for p in db.session.execute(select(Property)).scalars()}
    by_id = {m.id: m for m in members.all}
    result = ImportResult([])
    plan: list[tuple[Any, Member]] = []
    for row in rows:
        errors = list(row.errors)
        member = None
        if not errors:
            if row.date and not period.contains(row.date):
                errors.append(
                    f"{row.header('date')}: "
                    + _(
                        "%(date)s is outside the period (%(start)s – %(end)s).",
                        date=f"{row.date:%Y-%m-%d}",
                        start=period.start_date,
                        end=period.end_date,
                    )
                )
            member = _payer(row, members, properties, by_id, errors)
        status = "error" if errors else "created"
        shown = {
            "date": row.date,
            "amount_cents": row.amount_cents,
            "comment": row.comment,
            "member": member.name if member else (row.member or row.property),
            "property": row.property,
        }
        result.rows.append(RowResult(row.line, status, errors, shown))
        if member is not None:  # else the row has errors, and nothing is written
            plan.append((row, member))
    if dry_run or not result.ok:
        return result

    values = [
        {
            "community_id": g.community_id,
            "period_id": period.id,
            "member_id": m.id,
            "amount_cents": row.amount_cents,
            "date": row.date,
            "comment": row.comment,
        }
        for row, m in plan
    ]
    ids = bulk.insert_rows(Contribution, values, ids=True)
    records = [SimpleNamespace(id=i, **v) for i, v in zip(ids, values)]
    journal.post_records(period.id, "contribution", records, journal.contribution_legs)
    total = sum(v["amount_cents"] for v in values)
    audit.record(
        "import",
        "contribution",
        None,
        period_id=period.id,
        after={"created": len(values), "amount_cents": total},
        amount_cents=total,
    )
    result.written = True
    return result


def _payer(row, members: _Members, properties: dict, by_id: dict, errors: list[str]):
    member = None
    if row.member:
        member = members.by_email.get(row.member.lower())
        if member is None:
            member = members.named(row.member, row.header("member"), errors)
            if member is None and not errors:
                errors.append(f"{row.header('member')}: " + _("No member named %(name)s.", name=row.member))
        elif _removed(member):
            errors.append(f"{row.header('member')}: " + _("%(name)s is a removed member.", name=row.member))
            return None
    if row.property:
        prop = properties.get(name_key(row.property))
        if prop is None:
            errors.append(f"{row.header('property')}: " + _("No property %(label)s.", label=row.property))
        elif member is None and not errors:
            member = by_id[prop.owner_member_id]
        elif member is not None and member.id != prop.owner_member_id:
            errors.append(
                f"{row.header('property')}: "
                + _(
                    "%(label)s belongs to %(owner)s, not %(name)s.",
                    label=prop.label,
                    owner=by_id[prop.owner_member_id].name,
                    name=member.name,
                )
            )
    return None if errors else member
