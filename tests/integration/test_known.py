"""app.known: a login's rows as plain values, the ORM row only when a caller needs more."""

import pytest

from app.extensions import db
from app.known import Known, record
from app.models import Member, User
from tests.helpers import statements_sent


def statements():
    return statements_sent(db.engine)


def known_member(community):
    return Known(
        Member,
        {
            "id": community.admin_member_id,
            "community_id": community.id,
            "user_id": None,
            "name": "Фёдор Кузьмич",  # what the login read took, even if the row says otherwise
            "email": "admin@example.org",
            "role": "admin",
            "removed_at": None,
        },
    )


def test_known_columns_and_the_models_properties_need_no_read(community, scoped):
    with scoped(community.id):
        member = known_member(community)
        with statements() as seen:
            assert member.name == "Фёдор Кузьмич"
            assert member.is_admin is True  # Member.is_admin, computed from the known role
            assert member.removed is False
        assert seen == []


def test_anything_else_reads_the_row_once(community, scoped):
    with scoped(community.id):
        member = known_member(community)
        with statements() as seen:
            assert member.joined_at is not None  # not taken by the read: the ORM row's
            assert member.invited_at is None or member.invited_at <= member.joined_at
        assert len(seen) == 1
        assert record(member) is db.session.get(Member, community.admin_member_id)
        assert record(record(member)) is record(member)  # an ORM row is its own record


def test_a_known_row_cannot_be_changed(community, scoped):
    with scoped(community.id):
        member = known_member(community)
        with pytest.raises(AttributeError, match="read-only"):
            member.role = "owner"
        assert member.role == "admin"
        assert db.session.get(Member, community.admin_member_id).role == "admin"


def test_a_known_user_is_a_flask_login_user(app, community):
    with app.app_context():
        user = Known(User, {"id": 7, "email": "anna@snt.example", "name": "Анна", "locale": "ru"})
        assert user.is_authenticated and user.is_active and not user.is_anonymous
        assert user.get_id() == "7"
