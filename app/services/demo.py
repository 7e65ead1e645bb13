"""The demo community `flask demo` loads: enough to click through every page."""

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Community
from app.services import accounts, community, demo_records, members
from app.tenancy import community_scope

SLUG = "maple-court"
ADMIN_EMAIL = "treasurer@example.org"


def load(password: str) -> list[str]:
    """Sign up the demo community and fill it; the caller commits."""
    if db.session.execute(select(Community.id).where(Community.slug == SLUG)).first():
        return [f"The demo community already exists: log in as {ADMIN_EMAIL}."]
    _, maple, _ = accounts.sign_up(
        community_name="Maple Court HOA",
        slug=SLUG,
        name="Tina Treasurer",
        email=ADMIN_EMAIL,
        password=password,
        currency="EUR",
    )
    maple.payment_details = (
        "IBAN DE89 3704 0044 0532 0130 00, Maple Court HOA.\n"
        "Reference: {name}, member {member_id}, {properties}"
    )
    with community_scope(maple.id):
        owners = []
        for name, email in [
            ("Anna Owner", "anna@example.org"),
            ("Ben Brown", "ben@example.org"),
            ("Chloe Chen", "chloe@example.org"),
        ]:
            member, _ = members.add_member(name=name, email=email, role="owner")
            accounts.accept_invite_for_demo(member, password)
            owners.append(member)
        for label, weight, owner in [
            ("Unit 1", "72.5", owners[0]),
            ("Unit 2", "64", owners[1]),
            ("Unit 3", "88.25", owners[2]),
            ("Garage 7", "12", owners[0]),
        ]:
            community.create_property(label=label, share_weight=Decimal(weight), owner_member_id=owner.id)
        extra = demo_records.load(owners)
    return [
        f"Demo community '{maple.name}' loaded at /c/{SLUG}/",
        f"Admin:  {ADMIN_EMAIL} / {password}",
        f"Owners: anna@example.org, ben@example.org, chloe@example.org / {password}",
        *extra,
    ]
