"""SPEC §5 "Retries are safe", written as the attacks (issue 9, item 10).

A client that retries a POST after an error must never record money twice: the same
Idempotency-Key with the same body answers the first answer again and writes nothing.
"""

import threading

import pytest
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import Contribution, IdempotentRequest, JournalEntry, Posting, User
from app.tenancy import unscoped
from app.models.base import utcnow

BODY = {"member_id": None, "amount": "125.50", "date": "2026-02-01", "comment": "Q1"}


@pytest.fixture
def period(community):
    answer = community.api.post(
        community.url("/periods"),
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


def contribute(community, period, key, body=None, api=None):
    body = body or {**BODY, "member_id": community.admin_member_id}
    return (api or community.api).post(
        community.url(f"/periods/{period}/contributions"), json=body, headers={"Idempotency-Key": key}
    )


def contributions(community, period):
    answer = community.api.get(community.url(f"/periods/{period}/contributions"))
    assert answer.status_code == 200
    return answer.get_json()


def test_a_retried_contribution_is_recorded_once_and_answered_the_same(community, period):
    first = contribute(community, period, "pay-2026-02-01-a")
    again = contribute(community, period, "pay-2026-02-01-a")
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Content-Type"] == "application/json"
    assert [c["id"] for c in contributions(community, period)] == [first.get_json()["id"]]
    sheet = community.api.get(community.url(f"/periods/{period}/balance-sheet")).get_json()
    assert sheet["totals"]["contributions"] == "125.50"


def test_without_a_key_each_post_is_a_new_record(community, period):
    body = {**BODY, "member_id": community.admin_member_id}
    url = community.url(f"/periods/{period}/contributions")
    assert community.api.post(url, json=body).status_code == 201
    assert community.api.post(url, json=body).status_code == 201
    assert len(contributions(community, period)) == 2


def test_the_same_key_with_another_body_is_a_409_and_writes_nothing(community, period):
    assert contribute(community, period, "k1").status_code == 201
    other = contribute(
        community, period, "k1", {**BODY, "member_id": community.admin_member_id, "amount": "999.00"}
    )
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    assert other.get_json()["error"]["message"] == ("This Idempotency-Key was used for a different request.")
    in_russian = community.api.post(
        community.url(f"/periods/{period}/contributions"),
        json={**BODY, "member_id": community.admin_member_id, "amount": "1.00"},
        headers={"Idempotency-Key": "k1", "Accept-Language": "ru"},
    )
    assert in_russian.get_json()["error"]["message"] == (
        "Этот Idempotency-Key уже использован для другого запроса."
    )
    # the same body to another path is another request too
    moved = community.api.post(
        community.url("/periods"),
        headers={"Idempotency-Key": "k1"},
        json={"name": "Q2", "start_date": "2026-04-01", "end_date": "2026-06-30"},
    )
    assert moved.status_code == 409
    assert [c["amount"] for c in contributions(community, period)] == ["125.50"]
    assert len(community.api.get(community.url("/periods")).get_json()) == 1


def test_keys_are_per_user(community, other_community, period):
    mine = contribute(community, period, "shared-key")
    other_period = other_community.api.post(
        other_community.url("/periods"),
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    ).get_json()["id"]
    theirs = contribute(other_community, other_period, "shared-key")
    assert mine.status_code == theirs.status_code == 201
    assert theirs.get_json()["id"] != mine.get_json()["id"]
    assert "Idempotent-Replayed" not in theirs.headers
    # Another user's key never replays my answer into their community, nor theirs into mine.
    assert len(contributions(community, period)) == 1
    assert len(contributions(other_community, other_period)) == 1


@pytest.mark.parametrize("key", ["", "a" * 201, "two words", "tab\there", "caf\u00e9"])
def test_a_malformed_key_is_a_400_naming_the_header(community, period, key):
    answer = contribute(community, period, key)
    assert answer.status_code == 400, answer.get_json()
    assert "Idempotency-Key" in answer.get_json()["error"]["fields"]
    assert contributions(community, period) == []


def test_the_longest_key_is_accepted(community, period):
    key = "~" + "x" * 198 + "!"
    assert contribute(community, period, key).status_code == 201
    assert contribute(community, period, key).status_code == 201
    assert len(contributions(community, period)) == 1


def test_the_answer_lost_on_the_way_is_answered_again(app, community, period):
    """The first request committed; the client saw an error (its connection dropped, a proxy
    answered 502); the retry gets the original 201 and nothing more is written."""
    lost = contribute(community, period, "dropped")
    assert lost.status_code == 201  # ... the client never saw this
    retry = contribute(community, period, "dropped")
    assert (retry.status_code, retry.get_json()) == (201, lost.get_json())
    assert len(contributions(community, period)) == 1


def test_a_request_that_wrote_and_died_before_answering_is_never_run_again(app, community, period):
    """The web worker was killed between the view's commit and storing its answer: the key's
    row says processing but committed (that flag commits with the view's writes). After its
    lease, a retry is refused with 409, never recorded a second time."""
    assert contribute(community, period, "killed").status_code == 201
    with app.app_context():
        row = db.session.execute(select(IdempotentRequest)).scalar_one()
        assert row.committed  # set by the view's own commit
        db.session.execute(
            update(IdempotentRequest).values(
                status="processing", response_status=None, response_body=None, locked_until=utcnow()
            )
        )
        db.session.commit()
    retry = contribute(community, period, "killed")
    assert retry.status_code == 409
    assert retry.get_json()["error"]["code"] == "idempotency_outcome_unknown"
    assert len(contributions(community, period)) == 1


def test_a_request_that_died_before_writing_can_be_retried(app, community, period):
    """A claim abandoned before any commit (its worker died early) is taken over once its
    lease is over: the retry runs and records one contribution."""
    with app.app_context():
        user_id = db.session.execute(select(User.id)).scalar_one()
    assert contribute(community, period, "early").status_code == 201
    with app.app_context(), unscoped():
        db.session.execute(
            update(IdempotentRequest).values(
                status="processing",
                committed=False,
                response_status=None,
                response_body=None,
                locked_until=utcnow(),
            )
        )
        # ... and the record it made never happened
        entries = select(JournalEntry.id).where(JournalEntry.source_type == "contribution")
        db.session.execute(delete(Posting).where(Posting.entry_id.in_(entries)))
        db.session.execute(delete(JournalEntry).where(JournalEntry.source_type == "contribution"))
        db.session.execute(delete(Contribution))
        db.session.commit()
    assert user_id
    retry = contribute(community, period, "early")
    assert retry.status_code == 201
    assert len(contributions(community, period)) == 1


def test_a_server_error_releases_the_key(community, period, monkeypatch):
    from app.services import journal, one_write

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is on fire")

    with monkeypatch.context() as patched:
        patched.setattr(journal, "post", broken)  # the ORM path (SQLite)
        patched.setattr(one_write, "write", broken)  # the one-statement write (PostgreSQL)
        failed = contribute(community, period, "flaky")
    assert failed.status_code == 500
    retry = contribute(community, period, "flaky")
    assert retry.status_code == 201
    assert len(contributions(community, period)) == 1


def test_a_refusal_is_the_answer_too(community, period):
    bad = {**BODY, "member_id": community.admin_member_id, "amount": "-5"}
    first = contribute(community, period, "refused", bad)
    assert first.status_code == 400
    again = contribute(community, period, "refused", bad)
    assert (again.status_code, again.get_json()) == (400, first.get_json())
    assert again.headers["Idempotent-Replayed"] == "true"


def test_anonymous_requests_are_not_recorded(client):
    from tests.conftest import PASSWORD

    body = {
        "community_name": "Oak",
        "slug": "oak",
        "name": "Ann",
        "email": "ann@example.org",
        "password": PASSWORD,
    }
    assert client.post("/api/signup", json=body, headers={"Idempotency-Key": "signup-1"}).status_code == 201
    again = client.post("/api/signup", json=body, headers={"Idempotency-Key": "signup-1"})
    # No user to keep the key for: the sign-up runs again and is refused (the slug is taken).
    assert again.status_code in (400, 409)
    assert "Idempotent-Replayed" not in again.headers


def test_a_day_old_key_is_forgotten(app, community, period):
    assert contribute(community, period, "yesterday").status_code == 201
    with app.app_context():
        from datetime import timedelta

        db.session.execute(
            update(IdempotentRequest).values(created_at=utcnow() - timedelta(hours=24, minutes=1))
        )
        db.session.commit()
    assert "Idempotent-Replayed" not in contribute(community, period, "yesterday").headers
    assert len(contributions(community, period)) == 2


def test_concurrent_duplicates_write_once(app, community, period):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite serializes writers; the race needs PostgreSQL")
    barrier = threading.Barrier(6)
    answers = []

    def send():
        client = app.test_client()
        barrier.wait()
        response = client.post(
            community.url(f"/periods/{period}/contributions"),
            json={**BODY, "member_id": community.admin_member_id},
            headers={"Authorization": f"Bearer {community.admin_token}", "Idempotency-Key": "race"},
        )
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    created = {body["id"] for status, body in answers if status == 201}
    assert len(answers) == 6
    assert len(created) == 1, answers
    assert all(status in (201, 409) for status, _ in answers), answers
    assert len(contributions(community, period)) == 1


def test_the_openapi_document_offers_the_header_on_every_post(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    posts = [
        operation for methods in paths.values() for method, operation in methods.items() if method == "post"
    ]
    assert posts
    for operation in posts:
        header = [p for p in operation["parameters"] if p["in"] == "header"]
        assert [p["name"] for p in header] == ["Idempotency-Key"], operation["operationId"]
        assert "409" in operation["responses"]
