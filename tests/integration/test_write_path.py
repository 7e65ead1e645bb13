"""Issue 13, the write path: a recorded contribution costs few SQL statements, and the
one-statement write of PostgreSQL (app/services/one_write.py) leaves exactly the rows the
ORM path leaves.

The statement counts are asserted exactly, so a change that adds a round trip to every
write fails here and has to say why.
"""

from datetime import date

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, JournalEntry, Posting
from app.services import records
from tests.conftest import TEST_DATABASE_URL, invite_and_join
from tests.helpers import error_fields, ok, statements_sent

ON_POSTGRES = bool(TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql"))


def counted(app):
    with app.app_context():
        return statements_sent(db.engine)


@pytest.fixture
def period(community):
    response = community.api.post(
        community.url("/periods"),
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def contribute(community, period, member_id, amount="25.00"):
    response = community.api.post(
        community.url(f"/periods/{period}/contributions"),
        json={"member_id": member_id, "amount": amount, "date": "2026-01-05"},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_contribution_post_reads_each_row_once(app, community, owner, period):
    contribute(community, period, owner.id)  # the token's "last used" is noted once
    with counted(app) as statements:
        answer = contribute(community, period, owner.id, "12.34")
    assert answer["amount"] == "12.34" and answer["member_id"] == owner.id
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    if ON_POSTGRES:
        # token + user + community + membership in one read; then one statement checks the
        # period and the member and writes the record, its entry, both postings, the audit row
        assert len(reads) == 1, statements
        assert len(statements) == 2, statements
    else:
        # SQLite: the login's read, the period, the member; one INSERT per row
        assert len(reads) == 3, statements
        assert len(statements) == 8, statements


def _rows(app, community_id, record_id, kind):
    """What a recorded row left, without ids and timestamps (which differ by nature)."""
    from app.tenancy import community_scope

    with app.app_context(), community_scope(community_id):
        record = db.session.get(kind.model, record_id)
        entry = db.session.execute(
            select(JournalEntry).where(
                JournalEntry.source_type == kind.entity, JournalEntry.source_id == record_id
            )
        ).scalar_one()
        postings = db.session.execute(
            select(Posting).where(Posting.entry_id == entry.id).order_by(Posting.id)
        ).scalars()
        audit = db.session.execute(
            select(AuditEntry).where(AuditEntry.entity == kind.entity, AuditEntry.entity_id == record_id)
        ).scalar_one()
        memo = entry.memo.replace(str(record_id), "<id>")
        result = {
            "record": {
                c: getattr(record, c)
                for c in kind.model.__table__.columns.keys()  # noqa: SIM118
                if c not in ("id", "created_at")
            },
            "entry": (
                entry.community_id,
                entry.period_id,
                entry.date,
                entry.source_type,
                memo,
                entry.reversal_of_id,
            ),
            "postings": [
                (
                    p.community_id,
                    p.period_id,
                    p.account,
                    p.member_id,
                    p.property_id,
                    p.category,
                    p.payment_type,
                    p.amount_cents,
                )
                for p in postings
            ],
            "audit": (
                audit.community_id,
                audit.user_id,
                audit.actor,
                audit.action,
                audit.period_id,
                audit.before,
                audit.after,
            ),
        }
        return result, record.created_at is not None


@pytest.mark.skipif(not ON_POSTGRES, reason="the one-statement write is PostgreSQL's")
@pytest.mark.parametrize(
    "kind, path, body",
    [
        (records.CONTRIBUTION, "contributions", {"amount": "25.00", "comment": "cash"}),
        (records.EXPENSE, "expenses", {"amount": "80.10", "payment_type": " Water  Pump", "vendor": "Acme"}),
        (records.EXPENSE, "expenses", {"amount": "9.99", "payment_type": "Fuel", "paid_by": True}),
        (records.CHARGE, "charges", {"amount": "15.00", "description": "Key copy"}),
        (records.PAYOUT, "payouts", {"amount": "5.00", "comment": "refund"}),
        (records.ADJUSTMENT, "adjustments", {"amount": "-3.50", "reason": "rounding"}),
    ],
)
def test_the_one_statement_write_leaves_the_rows_of_the_orm_path(
    app, community, owner, period, monkeypatch, kind, path, body
):
    body = dict(body, date="2026-02-10")
    if body.pop("paid_by", False):
        body["paid_by_member_id"] = owner.id
    elif kind is not records.EXPENSE:
        body["member_id"] = owner.id
    made = {}
    for mode in ("orm", "one"):
        monkeypatch.setitem(app.config, "RECORD_WRITES", mode)
        response = community.api.post(community.url(f"/periods/{period}/{path}"), json=body)
        assert response.status_code == 201, response.get_json()
        answer = response.get_json()
        made[mode] = (
            _rows(app, community.id, answer["id"], kind),
            {k: v for k, v in answer.items() if k != "id"},
        )
    assert made["one"] == made["orm"]
    (rows, has_time), _answer = made["one"]
    assert has_time and len(rows["postings"]) == 2
    assert sum(p[-1] for p in rows["postings"]) == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="the one-statement write is PostgreSQL's")
def test_a_refused_write_leaves_nothing(app, community, owner, period):
    """An unbalanced entry is refused before the statement runs."""
    from app.services import one_write
    from app.models import Contribution
    from app.tenancy import community_scope

    with app.test_request_context(), community_scope(community.id):
        row = Contribution(
            community_id=community.id,
            period_id=period,
            member_id=owner.id,
            amount_cents=100,
            date=date(2026, 1, 2),
        )
        with pytest.raises(ValueError):
            one_write.write(
                row,
                "contribution",
                [{"account": "Assets:Fund", "amount_cents": 100}],
                {
                    "community_id": community.id,
                    "user_id": None,
                    "actor": "system",
                    "action": "create",
                    "entity": "contribution",
                    "period_id": period,
                    "before": None,
                    "after": {},
                },
            )
        db.session.rollback()
        assert db.session.execute(select(Contribution)).first() is None


def _contribution_count(app, community_id):
    from app.models import Contribution
    from app.tenancy import community_scope

    with app.app_context(), community_scope(community_id):
        return len(db.session.execute(select(Contribution.id)).all())


def test_a_write_the_checks_refuse_says_why_and_writes_nothing(app, community, owner, other_community):
    """The checks the one statement makes on PostgreSQL (period, date, members) refuse with
    the same answers as the ordinary path, and leave nothing behind."""
    api, url = community.api, community.url

    def period(api, url, name, start, end):
        return ok(api.post(url("/periods"), json={"name": name, "start_date": start, "end_date": end}), 201)

    q1 = period(api, url, "Q1", "2026-01-01", "2026-03-31")
    closed = period(api, url, "Q0", "2025-10-01", "2025-12-31")
    ok(api.post(url(f"/periods/{closed['id']}/close")), 202)
    theirs = period(other_community.api, other_community.url, "Their Q1", "2026-01-01", "2026-03-31")
    their_admin = other_community.admin_member_id
    gone = invite_and_join(api, community.slug, "Гена Ушедший", "gena@example.org")[0]["id"]
    assert api.delete(url(f"/members/{gone}")).status_code == 204

    def post(period_id, **body):
        body = {"member_id": owner.id, "amount": "10.00", "date": "2026-01-05", **body}
        return api.post(url(f"/periods/{period_id}/contributions"), json=body)

    before = _contribution_count(app, community.id)
    assert post(theirs["id"]).status_code == 404  # another community's period
    assert post(theirs["id"], amount="oops").status_code == 404  # ... whatever the body
    assert post(2**62).status_code == 404
    assert post(closed["id"], date="2025-11-01").status_code == 409  # closed
    assert error_fields(post(q1["id"], date="2026-04-01")) == {"date"}  # outside the period
    assert error_fields(post(q1["id"], member_id=gone)) == {"member_id"}  # removed
    assert error_fields(post(q1["id"], member_id=their_admin)) == {"member_id"}  # not ours
    assert error_fields(post(q1["id"], member_id=10**17)) == {"member_id"}  # nobody
    assert _contribution_count(app, community.id) == before
    ok(post(q1["id"]), 201)
    assert _contribution_count(app, community.id) == before + 1
