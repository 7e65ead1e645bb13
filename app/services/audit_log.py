"""Reading the audit log: the API's list, and the page's pages in plain words.

The API (``entries``, ``to_json``) answers the stored rows as they are: ids, code words,
machine values. The page (``page``, ``shown``) answers people's words in the reader's
language: the names of members, periods, properties and budget items instead of ids, what
was done as a phrase ("voided an expense"), and each changed field with its value as money,
a date, yes/no or a name; 50 entries a page, filtered by kind, member and period.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _, lazy_gettext
from sqlalchemy import ColumnElement, func, or_, select

from app.errors import ValidationFailed
from app.extensions import db
from app.i18n import date as show_date, money, number
from app.models import AuditEntry, BudgetItem, Member, Period, Property
from app.tenancy import is_id
from app.words import role_name, status_name, strategy_name

PAGE_SIZE = 50


def _filtered(query, entity=None, period_id=None, member_id=None, user_id=None):
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if period_id is not None:
        query = query.where(AuditEntry.period_id == int(period_id))
    if member_id is not None:
        query = query.where(_about_member(int(member_id), user_id))
    return query


def entries(
    entity: str | None = None, period_id: str | int | None = None, limit: int = 500
) -> list[AuditEntry]:
    """The API's list (its shape is part of the contract): newest first, at most ``limit``."""
    if period_id is not None and not is_id(period_id):
        raise ValidationFailed(_("Not a valid filter."), {"period_id": [_("Must be a whole number id.")]})
    query = _filtered(select(AuditEntry), entity, period_id)
    return list(
        db.session.execute(
            query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)
        ).scalars()
    )


def to_json(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.created_at.isoformat(timespec="seconds") + "Z",
        "user_id": entry.user_id,
        "actor": entry.actor,
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "period_id": entry.period_id,
        "before": entry.before,
        "after": entry.after,
    }


# --- the page ------------------------------------------------------------------------------

# Fields of the snapshots that name a member.
MEMBER_KEYS = ("member_id", "paid_by_member_id", "owner_member_id")


def _about_member(member_id: int, user_id: int | None):
    """Entries by or about a member: their own record, records naming them, what they did."""
    conditions: list[ColumnElement[bool]] = [
        (AuditEntry.entity == "member") & (AuditEntry.entity_id == member_id)
    ]
    for key in MEMBER_KEYS:
        conditions.append(AuditEntry.after[key].as_integer() == member_id)
        conditions.append(AuditEntry.before[key].as_integer() == member_id)
    if user_id is not None:
        conditions.append(AuditEntry.user_id == user_id)
    return or_(*conditions)


@dataclass
class AuditPage:
    entries: list[AuditEntry]
    number: int
    pages: int
    total: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page(
    *,
    entity: str | None = None,
    period_id: int | None = None,
    member_id: int | None = None,
    number: int = 1,
    size: int = PAGE_SIZE,
) -> AuditPage:
    """One page of entries, newest first; a page past the last shows the last."""
    user_id = None
    if member_id is not None:
        user_id = db.session.execute(
            select(Member.user_id).where(Member.id == member_id)
        ).scalar_one_or_none()
    total = db.session.execute(
        _filtered(select(func.count(AuditEntry.id)), entity, period_id, member_id, user_id)
    ).scalar_one()
    pages = max(1, math.ceil(total / size))
    number = min(max(1, number), pages)
    query = _filtered(select(AuditEntry), entity, period_id, member_id, user_id)
    rows = list(
        db.session.execute(
            query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
            .offset((number - 1) * size)
            .limit(size)
        ).scalars()
    )
    return AuditPage(rows, number, pages, total)


def kinds() -> list[str]:
    """The kinds of things the log has entries about, for the filter."""
    return list(
        db.session.execute(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity)).scalars()
    )


# Words. Each phrase is whole, so a translation can be a natural sentence of its own.
KINDS = {
    "contribution": lazy_gettext("Contributions"),
    "expense": lazy_gettext("Expenses"),
    "charge": lazy_gettext("Charges"),
    "payout": lazy_gettext("Payouts"),
    "adjustment": lazy_gettext("Adjustments"),
    "budget_item": lazy_gettext("Budget items"),
    "reading": lazy_gettext("Meter readings"),
    "period": lazy_gettext("Periods"),
    "member": lazy_gettext("Members"),
    "property": lazy_gettext("Properties"),
    "settings": lazy_gettext("Settings"),
    "community": lazy_gettext("Community"),
    "reminders": lazy_gettext("Reminders"),
}

ACTIONS = {
    ("create", "contribution"): lazy_gettext("added a contribution"),
    ("edit", "contribution"): lazy_gettext("edited a contribution"),
    ("void", "contribution"): lazy_gettext("voided a contribution"),
    ("import", "contribution"): lazy_gettext("imported contributions"),
    ("create", "expense"): lazy_gettext("added an expense"),
    ("edit", "expense"): lazy_gettext("edited an expense"),
    ("void", "expense"): lazy_gettext("voided an expense"),
    ("create", "charge"): lazy_gettext("added a charge"),
    ("edit", "charge"): lazy_gettext("edited a charge"),
    ("void", "charge"): lazy_gettext("voided a charge"),
    ("create", "payout"): lazy_gettext("added a payout"),
    ("edit", "payout"): lazy_gettext("edited a payout"),
    ("void", "payout"): lazy_gettext("voided a payout"),
    ("create", "adjustment"): lazy_gettext("added an adjustment"),
    ("edit", "adjustment"): lazy_gettext("edited an adjustment"),
    ("void", "adjustment"): lazy_gettext("voided an adjustment"),
    ("create", "budget_item"): lazy_gettext("added a budget item"),
    ("edit", "budget_item"): lazy_gettext("edited a budget item"),
    ("void", "budget_item"): lazy_gettext("voided a budget item"),
    ("create", "reading"): lazy_gettext("added a meter reading"),
    ("edit", "reading"): lazy_gettext("edited a meter reading"),
    ("void", "reading"): lazy_gettext("voided a meter reading"),
    ("create", "period"): lazy_gettext("created the period"),
    ("edit", "period"): lazy_gettext("renamed the period"),
    ("close_requested", "period"): lazy_gettext("started closing the period"),
    ("close", "period"): lazy_gettext("closed the period"),
    ("recompute", "period"): lazy_gettext("recomputed the closed period"),
    ("reopen", "period"): lazy_gettext("reopened the period"),
    ("create", "member"): lazy_gettext("added a member"),
    ("edit", "member"): lazy_gettext("edited a member"),
    ("remove", "member"): lazy_gettext("removed a member"),
    ("join", "member"): lazy_gettext("accepted the invite"),
    ("create", "property"): lazy_gettext("added a property"),
    ("edit", "property"): lazy_gettext("edited a property"),
    ("import", "property"): lazy_gettext("imported properties"),
    ("edit", "settings"): lazy_gettext("changed the settings"),
    ("create", "community"): lazy_gettext("created the community"),
    ("send", "reminders"): lazy_gettext("sent reminders"),
}

FIELDS = {
    "member_id": lazy_gettext("member"),
    "paid_by_member_id": lazy_gettext("paid by"),
    "owner_member_id": lazy_gettext("owner"),
    "amount_cents": lazy_gettext("amount"),
    "budgeted_cost_cents": lazy_gettext("budgeted cost"),
    "date": lazy_gettext("date"),
    "comment": lazy_gettext("comment"),
    "reason": lazy_gettext("reason"),
    "description": lazy_gettext("description"),
    "payment_type": lazy_gettext("category"),
    "vendor": lazy_gettext("vendor"),
    "strategy": lazy_gettext("split"),
    "unit_rate": lazy_gettext("tariff"),
    "property_id": lazy_gettext("property"),
    "budget_item_id": lazy_gettext("budget item"),
    "start_reading": lazy_gettext("start reading"),
    "end_reading": lazy_gettext("end reading"),
    "name": lazy_gettext("name"),
    "start_date": lazy_gettext("start"),
    "end_date": lazy_gettext("end"),
    "status": lazy_gettext("status"),
    "stale": lazy_gettext("figures"),
    "email": lazy_gettext("email"),
    "role": lazy_gettext("role"),
    "label": lazy_gettext("label"),
    "share_weight": lazy_gettext("share weight"),
    "active": lazy_gettext("active"),
    "removed": lazy_gettext("removed"),
    "currency": lazy_gettext("currency"),
    "locale": lazy_gettext("language"),
    "owners_see_balance_sheet": lazy_gettext("owners see the balance sheet"),
    "payment_details": lazy_gettext("payment details"),
    "payee_name": lazy_gettext("payee"),
    "payee_account": lazy_gettext("payee's account"),
    "payee_bank_name": lazy_gettext("bank"),
    "payee_bic": lazy_gettext("BIC"),
    "payee_corr_account": lazy_gettext("correspondent account"),
    "payee_tax_id": lazy_gettext("INN"),
    "payee_tax_reg": lazy_gettext("KPP"),
    "slug": lazy_gettext("web address"),
    "members": lazy_gettext("members"),
    "member_ids": lazy_gettext("members"),
    "created": lazy_gettext("created"),
    "updated": lazy_gettext("updated"),
    "members_created": lazy_gettext("new members"),
    "copy_budget_from": lazy_gettext("budget copied from"),
    "copied_from_period_id": lazy_gettext("copied from"),
}
# Kept in the API, not worth a line on the page: accounts and jobs are machinery.
HIDDEN = frozenset({"user_id", "job_id", "job_ids"})

LANGUAGES = {"en": "English", "ru": "Русский"}
STALE = {
    True: lazy_gettext("out of date: an earlier period changed after this one was closed"),
    False: lazy_gettext("up to date"),
}


@dataclass
class Change:
    label: str
    before: str | None
    after: str | None


@dataclass
class Shown:
    """One entry as the page shows it."""

    id: int
    at: datetime
    who: str
    action: str
    subject: str
    period: str
    changes: list[Change] = field(default_factory=list)


class _Names:
    """The names the entries of a page refer to, each kind fetched once."""

    def __init__(self, entries: list[AuditEntry], currency: str):
        self.currency = currency
        ids: dict[str, set[int]] = {
            "member": set(),
            "period": set(),
            "property": set(),
            "budget_item": set(),
            "user": set(),
        }
        for entry in entries:
            if entry.user_id:
                ids["user"].add(entry.user_id)
            if entry.period_id:
                ids["period"].add(entry.period_id)
            if entry.entity in ("member", "period", "property", "budget_item") and entry.entity_id:
                ids[entry.entity].add(entry.entity_id)
            for values in (entry.before or {}, entry.after or {}):
                for key in MEMBER_KEYS:
                    _add_id(ids["member"], values.get(key))
                for member_id in values.get("member_ids") or []:
                    _add_id(ids["member"], member_id)
                _add_id(ids["property"], values.get("property_id"))
                _add_id(ids["budget_item"], values.get("budget_item_id"))
                _add_id(ids["period"], values.get("copy_budget_from"))
                _add_id(ids["period"], values.get("copied_from_period_id"))
        self.members = self._fetch(Member.id, Member.name, ids["member"])
        self.periods = self._fetch(Period.id, Period.name, ids["period"])
        self.properties = self._fetch(Property.id, Property.label, ids["property"])
        self.budget_items = self._fetch(BudgetItem.id, BudgetItem.payment_type, ids["budget_item"])
        self.users = self._fetch(Member.user_id, Member.name, ids["user"])

    @staticmethod
    def _fetch(key, name, ids) -> dict:
        if not ids:
            return {}
        return dict(db.session.execute(select(key, name).where(key.in_(ids))).all())

    def member(self, member_id) -> str:
        return self.members.get(member_id) or _("member no longer on file")


def _add_id(ids: set, value) -> None:
    if isinstance(value, int) and not isinstance(value, bool):
        ids.add(value)


def shown(entries: list[AuditEntry], currency: str) -> list[Shown]:
    names = _Names(entries, currency)
    return [
        Shown(
            entry.id,
            entry.created_at,
            _who(entry, names),
            _action(entry),
            _subject(entry, names),
            names.periods.get(entry.period_id, ""),
            _changes(entry, names),
        )
        for entry in entries
    ]


def kind_name(entity: str) -> str:
    return str(KINDS.get(entity, entity.replace("_", " ")))


def _who(entry: AuditEntry, names: _Names) -> str:
    if entry.user_id and entry.user_id in names.users:
        return names.users[entry.user_id]
    if entry.actor and entry.actor != "system":
        return entry.actor
    return _("Levy (automatic)")


def _action(entry: AuditEntry) -> str:
    phrase = ACTIONS.get((entry.action, entry.entity))
    if phrase is not None:
        return str(phrase)
    return _("%(action)s: %(kind)s", action=entry.action.replace("_", " "), kind=kind_name(entry.entity))


def _subject(entry: AuditEntry, names: _Names) -> str:
    """What the entry is about, by its name: a member, a property, a period, a budget item,
    a record's member, or a reading's property."""
    values = {**(entry.before or {}), **(entry.after or {})}
    if entry.entity == "member":
        return names.member(entry.entity_id)
    if entry.entity == "property" and entry.entity_id:
        return names.properties.get(entry.entity_id) or values.get("label", "")
    if entry.entity == "period":
        return names.periods.get(entry.entity_id) or values.get("name", "")
    if entry.entity == "budget_item":
        return values.get("payment_type") or names.budget_items.get(entry.entity_id, "")
    if entry.entity == "reading":
        return names.properties.get(values.get("property_id"), "")
    if entry.entity == "community":
        return values.get("name", "")
    for key in MEMBER_KEYS:
        if isinstance(values.get(key), int):
            subject = names.member(values[key])
            if entry.entity == "expense" and values.get("payment_type"):
                return f"{values['payment_type']} · {subject}"
            return subject
    if entry.entity == "expense":
        return values.get("payment_type", "")
    return ""


def _changes(entry: AuditEntry, names: _Names) -> list[Change]:
    """The fields whose value differs; a create lists what it set, a void what it hid."""
    before, after = entry.before or {}, entry.after or {}
    both = bool(entry.before and entry.after)
    keys = [k for k in list(after) + [k for k in before if k not in after] if k not in HIDDEN]
    context = {**before, **after}
    if not both:  # what a create set, or a void hid: the empty fields say nothing
        keys = [k for k in keys if context.get(k) not in (None, "")]
    return [
        Change(
            _label(k, entry.entity),
            _value(k, before[k], context, names) if k in before else None,
            _value(k, after[k], context, names) if k in after else None,
        )
        for k in keys
        if before.get(k) != after.get(k) or not both
    ]


def _label(key: str, entity: str) -> str:
    if key == "name" and entity != "member":
        return _("title")  # of a period, a community: not a person's name
    return str(FIELDS.get(key, key.removesuffix("_cents").replace("_", " ")))


def _value(key: str, value, context: dict, names: _Names) -> str:
    """One stored value as people read it."""
    if value is None or value == "":
        return "—"
    if key == "stale":
        return str(STALE.get(bool(value)))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_cents") and isinstance(value, int):
        return money(value, names.currency)
    if key in MEMBER_KEYS:
        return names.member(value)
    if key == "member_ids" and isinstance(value, list):
        return ", ".join(names.member(v) for v in value)
    if key == "property_id":
        return names.properties.get(value) or _("property no longer on file")
    if key == "budget_item_id":
        return names.budget_items.get(value) or _("budget item no longer on file")
    if key in ("copy_budget_from", "copied_from_period_id"):
        return names.periods.get(value) or _("period no longer on file")
    if key == "strategy":
        return str(strategy_name(value, context.get("unit_rate")))
    if key == "status":
        return str(status_name(value))
    if key == "role":
        return str(role_name(value))
    if key == "locale":
        return LANGUAGES.get(value, value)
    if key in ("date", "start_date", "end_date") and isinstance(value, str):
        try:
            return show_date(value)
        except ValueError:
            return value
    if key in ("share_weight", "unit_rate", "start_reading", "end_reading"):
        try:
            return number(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    if isinstance(value, int):
        return number(value)
    return str(value)
