"""The write path under attack (issue 13): authentication now reads the token (or the
session), its user, the community in the URL and the user's live membership in one
statement, and the community loader takes them from there. Every way in that was refused
before must still be refused, and a refused write must leave no row.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from conftest import Api, invite_and_join, login
from app.extensions import db
from app.models import ApiToken, Contribution, LoginSession
from app.models.base import utcnow


@pytest.fixture
def period(community):
    response = community.api.post(
        community.url("/periods"),
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def contribute(api, community, period, member_id):
    return api.post(
        community.url(f"/periods/{period}/contributions"),
        json={"member_id": member_id, "amount": "10.00", "date": "2026-01-05"},
    )


def contributions(app):
    with app.app_context():
        return db.session.execute(
            select(func.count()).select_from(Contribution).execution_options(unscoped=True)
        ).scalar_one()


def test_a_revoked_token_cannot_write(app, community, owner, period):
    with app.app_context():
        db.session.execute(update(ApiToken).values(revoked_at=utcnow()))
        db.session.commit()
    assert contribute(community.api, community, period, owner.id).status_code == 401
    assert contributions(app) == 0


def test_a_made_up_token_cannot_write(app, community, owner, period):
    stranger = community.api.as_("levy_not-a-real-token")
    assert contribute(stranger, community, period, owner.id).status_code == 401
    assert contributions(app) == 0


def test_another_communitys_admin_token_finds_nothing(app, community, other_community, owner, period):
    birch_admin = community.api.as_(other_community.admin_token)
    response = contribute(birch_admin, community, period, owner.id)
    assert response.status_code == 404
    assert "maple" not in response.get_data(as_text=True).lower()
    assert contributions(app) == 0
    # ... and the same token still works in its own community
    assert birch_admin.get(other_community.url("/periods")).status_code == 200


def test_a_removed_admin_is_a_stranger_at_once(app, community, owner, period):
    second, token = invite_and_join(
        community.api, community.slug, "Sam Second", "sam@example.org", role="admin"
    )
    sam = community.api.as_(token)
    assert contribute(sam, community, period, owner.id).status_code == 201
    assert community.api.delete(community.url(f"/members/{second['id']}")).status_code == 204
    assert contribute(sam, community, period, owner.id).status_code == 404
    assert sam.get(community.url(f"/periods/{period}/contributions")).status_code == 404
    assert contributions(app) == 1


def test_an_owner_token_cannot_write(app, community, owner, period):
    response = contribute(owner.api, community, period, owner.id)
    assert response.status_code == 403
    assert contributions(app) == 0


def test_an_unknown_community_and_a_foreign_one_answer_alike(community, other_community, owner, period):
    unknown = community.api.post(
        "/api/c/no-such-place/periods/1/contributions",
        json={"member_id": owner.id, "amount": "1.00", "date": "2026-01-05"},
    )
    foreign = community.api.post(
        other_community.url(f"/periods/{period}/contributions"),
        json={"member_id": owner.id, "amount": "1.00", "date": "2026-01-05"},
    )
    assert unknown.status_code == foreign.status_code == 404
    assert unknown.get_json() == foreign.get_json()


def test_a_token_next_to_another_users_session_is_judged_alone(app, client, community, owner, period):
    login(client, "admin@example.org")  # the admin's cookie in this browser
    with app.app_context():
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.user_id != None)  # noqa: E711
            .values(revoked_at=utcnow())
        )
        db.session.commit()
    # a revoked owner token beside a live admin session: refused, not the admin's write
    response = Api(client, owner.token).post(
        community.url(f"/periods/{period}/contributions"),
        json={"member_id": owner.id, "amount": "10.00", "date": "2026-01-05"},
    )
    assert response.status_code == 401
    assert contributions(app) == 0


def test_an_expired_session_cannot_write(app, client, community, owner, period):
    login(client, "admin@example.org")
    cookie_api = Api(client)
    assert contribute(cookie_api, community, period, owner.id).status_code == 201
    with app.app_context():
        days = app.config["SESSION_MAX_AGE_DAYS"]
        db.session.execute(update(LoginSession).values(created_at=utcnow() - timedelta(days=days, minutes=1)))
        db.session.commit()
    assert contribute(cookie_api, community, period, owner.id).status_code == 401
    assert contributions(app) == 1


def test_a_removed_members_session_is_a_stranger(app, client, community, owner, period):
    login(client, "owner@example.org")
    cookie_api = Api(client)
    assert cookie_api.get(community.url(f"/periods/{period}/contributions")).status_code == 200
    assert community.api.delete(community.url(f"/members/{owner.id}")).status_code == 204
    assert cookie_api.get(community.url(f"/periods/{period}/contributions")).status_code == 404
    assert client.get(community.page("/")).status_code == 404
