"""Properties and settings of the current community (members: app.services.members)."""

import re
from decimal import Decimal

from flask import g
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import tenancy
from app.errors import ValidationFailed
from app.extensions import db
from app.models import Property
from app.models.tenancy import label_key
from app.services import audit
from app.services.members import usable

PROPERTY_FIELDS = ("label", "share_weight", "owner_member_id", "active")
SETTINGS_FIELDS = (
    "name",
    "currency",
    "locale",
    "owners_see_balance_sheet",
    "payment_details",
    "late_fee_percent",
    "payee_name",
    "payee_account",
    "payee_bank_name",
    "payee_bic",
    "payee_corr_account",
    "payee_tax_id",
    "payee_tax_reg",
)
_DIGITS = re.compile(r"(\d+)")


def natural_key(label: str) -> tuple:
    """Sort labels as people do: "Plot 2" before "Plot 10", "Участок 2" before "Участок 10".

    Splitting on digit runs alternates text and numbers, so like is always compared with like.
    """
    parts = _DIGITS.split(label_key(label))
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def in_label_order(props) -> list[Property]:
    return sorted(props, key=lambda p: (natural_key(p.label), p.id))


def properties() -> list[Property]:
    return in_label_order(db.session.execute(select(Property)).scalars())


def property_by_label(label: str) -> Property | None:
    """The property with this label, ignoring case and spacing (imports update by label)."""
    return db.session.execute(
        select(Property).where(Property.label_key == label_key(label))
    ).scalar_one_or_none()


def _check_owner(owner_member_id: int, prop: Property | None, active: bool) -> None:
    # A removed member keeps the inactive properties they had, but gets no new one and no
    # active one: their shares would go to someone who can no longer see them.
    current = prop.owner_member_id if prop is not None and not (active and not prop.active) else None
    usable(owner_member_id, "owner_member_id", current=current)


def _check_label(label: str, prop: Property | None = None) -> None:
    query = select(Property.label).where(Property.label_key == label_key(label))
    if prop is not None:
        query = query.where(Property.id != prop.id)
    same = db.session.execute(query).scalar_one_or_none()
    if same is not None:
        raise ValidationFailed(
            _("Labels must be unique."),
            {"label": [_("There is already a property labelled \u201c%(label)s\u201d.", label=same)]},
        )


def _flush_unique(label: str) -> None:
    """Flush; a label taken at the same moment by another request is the same 400."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise ValidationFailed(
            _("Labels must be unique."),
            {"label": [_("There is already a property labelled \u201c%(label)s\u201d.", label=label)]},
        ) from None


def create_property(*, label, share_weight, owner_member_id, active=True) -> Property:
    _check_owner(owner_member_id, None, active)
    _check_label(label)
    prop = Property(
        community_id=g.community_id,
        label=label,
        share_weight=share_weight,
        owner_member_id=owner_member_id,
        active=active,
    )
    db.session.add(prop)
    _flush_unique(label)
    audit.record("create", "property", prop.id, after=audit.snapshot(prop, PROPERTY_FIELDS))
    return prop


def update_property(prop: Property, **changes) -> Property:
    before = audit.snapshot(prop, PROPERTY_FIELDS)
    _check_owner(
        changes.get("owner_member_id", prop.owner_member_id), prop, changes.get("active", prop.active)
    )
    if "label" in changes:
        _check_label(changes["label"], prop)
    for name, value in changes.items():
        setattr(prop, name, value)
    _flush_unique(prop.label)
    audit.record("edit", "property", prop.id, before=before, after=audit.snapshot(prop, PROPERTY_FIELDS))
    return prop


def update_settings(**changes):
    community = tenancy.community_row()
    before = audit.snapshot(community, SETTINGS_FIELDS)
    for name, value in changes.items():
        if name == "late_fee_percent":
            value = value if value is not None else Decimal(0)  # empty: off
        setattr(community, name, value if value is not None else "")
    audit.record(
        "edit", "settings", community.id, before=before, after=audit.snapshot(community, SETTINGS_FIELDS)
    )
    return community
