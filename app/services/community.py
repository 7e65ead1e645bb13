"""Members, properties and settings of the current community."""
from flask import g
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import Member, Property
from app.security import normalize_email
from app.services import audit

PROPERTY_FIELDS = ("label", "share_weight", "owner_member_id", "active")
SETTINGS_FIELDS = ("name", "currency", "owners_see_balance_sheet", "payment_details",
                   "payee_name", "payee_account", "payee_bank_name", "payee_bic",
                   "payee_corr_account", "payee_tax_id", "payee_tax_reg")


def members() -> list[Member]:
    return list(db.session.execute(select(Member).order_by(Member.name, Member.id)).scalars())


def properties() -> list[Property]:
    return list(db.session.execute(select(Property).order_by(Property.label, Property.id)).scalars())


def _check_member(member_id: int, field: str) -> Member:
    member = db.session.execute(
        select(Member).where(Member.id == member_id, Member.community_id == g.community_id)
    ).scalar_one_or_none()
    if member is None:
        raise ValidationFailed("Unknown member.", {field: ["No such member in this community."]})
    return member


def update_member(member: Member, *, name, email, role) -> Member:
    before = audit.snapshot(member, ("name", "email", "role"))
    if role != "admin" and member.role == "admin" and _admin_count() == 1:
        raise ValidationFailed("A community needs an admin.",
                               {"role": ["The last admin cannot become an owner."]})
    email = normalize_email(email)
    if email != member.email:
        if member.user_id:
            raise ValidationFailed("This member has joined.", {"email": [
                "This member has joined; their email is their login and only they can change it."]})
        if db.session.execute(select(Member.id).where(Member.email == email,
                                                      Member.id != member.id)).first():
            raise ValidationFailed("Already a member.", {"email": ["This email is already a member."]})
    member.name, member.role, member.email = name, role, email
    audit.record("edit", "member", member.id, before=before,
                 after=audit.snapshot(member, ("name", "email", "role")))
    return member


def _admin_count() -> int:
    return len(db.session.execute(select(Member.id).where(Member.role == "admin")).all())


def create_property(*, label, share_weight, owner_member_id, active=True) -> Property:
    _check_member(owner_member_id, "owner_member_id")
    prop = Property(community_id=g.community_id, label=label, share_weight=share_weight,
                    owner_member_id=owner_member_id, active=active)
    db.session.add(prop)
    db.session.flush()
    audit.record("create", "property", prop.id, after=audit.snapshot(prop, PROPERTY_FIELDS))
    return prop


def update_property(prop: Property, **changes) -> Property:
    before = audit.snapshot(prop, PROPERTY_FIELDS)
    if "owner_member_id" in changes:
        _check_member(changes["owner_member_id"], "owner_member_id")
    for name, value in changes.items():
        setattr(prop, name, value)
    db.session.flush()
    audit.record("edit", "property", prop.id, before=before,
                 after=audit.snapshot(prop, PROPERTY_FIELDS))
    return prop


def update_settings(**changes):
    community = g.community
    before = audit.snapshot(community, SETTINGS_FIELDS)
    for name, value in changes.items():
        setattr(community, name, value if value is not None else "")
    audit.record("edit", "settings", community.id, before=before,
                 after=audit.snapshot(community, SETTINGS_FIELDS))
    return community
