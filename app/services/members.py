"""Members of the current community: adding (with or without an email), editing, removing.

A member may have no account: no email, or invited but not joined yet. The treasurer keeps
their money all the same. Giving such a member an email sends an invite link.

A removed member keeps every record and balance; only their access ends (app.tenancy never
lets a removed membership in). They cannot be given new records or properties.

The last joined admin of a community can be neither removed nor demoted. Two admins acting
on each other at the same moment must not both succeed, so the check locks the community's
admin rows (``SELECT … FOR UPDATE`` on PostgreSQL) before counting them.
"""

from flask import g
from flask_babel import gettext as _, ngettext
from sqlalchemy import select

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import Member, Property
from app.models.base import utcnow
from app.security import normalize_email
from app.services import accounts, audit

AUDITED = ("name", "email", "role")


def members() -> list[Member]:
    """Everyone, removed members included (they keep their history), by name."""
    return list(db.session.execute(select(Member).order_by(Member.name, Member.id)).scalars())


def add_member(*, name: str, email: str | None = None, role: str = "owner") -> tuple[Member, str | None]:
    """A new member of the current community; with an email, also an invite link (mailed).

    Answers the member and the invite url, or None when the member has no email.
    """
    email = normalize_email(email) or None
    if email:
        _check_email_free(email)
    member = Member(community_id=g.community_id, name=name, email=email, role=role)
    db.session.add(member)
    db.session.flush()
    audit.record("create", "member", member.id, after=audit.snapshot(member, AUDITED))
    url = accounts.send_invite(member) if email else None
    return member, url


def update_member(member: Member, *, name: str, email: str | None, role: str) -> tuple[Member, str | None]:
    """Change a member. A new email (only until they join) sends a fresh invite link."""
    if member.removed:
        raise Conflict(_("This member was removed; their record is kept as it is."))
    before = audit.snapshot(member, AUDITED)
    email = normalize_email(email) or None
    url = None
    if email != member.email:
        if member.user_id:
            raise ValidationFailed(
                _("This member has joined."),
                {
                    "email": [
                        _("This member has joined; their email is their login and only they can change it.")
                    ]
                },
            )
        if email:
            _check_email_free(email, member.id)
    if member.role == "admin" and role != "admin":
        _keep_an_admin(member, _("The last admin cannot become an owner."), "role")
    email_changed = email != member.email
    member.name, member.role, member.email = name, role, email
    if email_changed:
        # The old link must not let anyone in any more; a new address gets a new one.
        member.invite_token_hash, member.invited_at = None, None
        if email:
            url = accounts.send_invite(member)
    audit.record("edit", "member", member.id, before=before, after=audit.snapshot(member, AUDITED))
    return member, url


def remove_member(member: Member) -> None:
    """End a member's access; keep everything they did. Removing twice changes nothing."""
    if member.removed:
        return
    owned = (
        db.session.execute(
            select(Property.label).where(Property.owner_member_id == member.id, Property.active.is_(True))
        )
        .scalars()
        .all()
    )
    if owned:
        # Their shares would have no one to go to: hand the properties over first.
        raise Conflict(
            ngettext(
                "%(name)s still owns %(properties)s. Give it another owner, or mark it inactive, first.",
                "%(name)s still owns %(properties)s. Give them another owner, or mark them inactive, first.",
                len(owned),
                name=member.name,
                properties=", ".join(sorted(owned)),
            )
        )
    if member.role == "admin":
        _keep_an_admin(member, _("The last admin cannot be removed."))
    member.removed_at = utcnow()
    member.invite_token_hash = None
    audit.record(
        "remove", "member", member.id, before=audit.snapshot(member, AUDITED), after={"removed": True}
    )


def usable(member_id: int, field: str, current: int | None = None) -> Member:
    """A member of this community who can be given a record or a property.

    ``current`` is the member the record already has: correcting a removed member's old
    record is fine, giving them a new one is not.
    """
    member = db.session.execute(
        select(Member).where(Member.id == member_id, Member.community_id == g.community_id)
    ).scalar_one_or_none()
    if member is None:
        raise ValidationFailed(_("Unknown member."), {field: [_("No such member in this community.")]})
    if member.removed and member_id != current:
        raise ValidationFailed(
            _("This member was removed."),
            {field: [_("%(name)s was removed from this community.", name=member.name)]},
        )
    return member


def _check_email_free(email: str, member_id: int | None = None) -> None:
    query = select(Member.removed_at).where(Member.email == email)
    if member_id is not None:
        query = query.where(Member.id != member_id)
    taken = db.session.execute(query).first()
    if taken is not None:
        message = (
            _("This email belongs to a removed member.")
            if taken.removed_at
            else _("This email is already a member.")
        )
        raise ValidationFailed(_("Already a member."), {"email": [message]})


def _keep_an_admin(member: Member, message: str, field: str | None = None) -> None:
    """Refuse (409) when ``member`` is the only joined admin left.

    The admin rows are locked first, so a second request doing the same to another admin
    waits for this one, then counts what this one left (READ COMMITTED re-reads the locked
    rows). SQLite has no row locks; its writes are serialized anyway.
    """
    joined_admins = db.session.execute(
        select(Member.id, Member.user_id)
        .where(Member.community_id == g.community_id, Member.role == "admin", Member.removed_at.is_(None))
        .order_by(Member.id)
        .with_for_update()
    ).all()
    others = [row for row in joined_admins if row.user_id is not None and row.id != member.id]
    is_joined_admin = any(row.id == member.id and row.user_id is not None for row in joined_admins)
    if is_joined_admin and not others:
        hint = _("Make another member an admin first, and let them join.")
        raise Conflict(f"{message} {hint}", {field: [message]} if field else None)
