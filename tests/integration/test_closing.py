"""SPEC §3 closing on Celery (eager here): the request's checks, the job, carry-forward.

The world, built through the API (amounts by hand, same numbers as
tests/unit/test_carry_forward.py):

    member      property  share_weight
    Ada Admin   —         —             (the admin; pays in 20.00)
    Bea Brown   Plot 1    3             pays in 50.00
    Cyd Clark   Plot 2    2             paid the Security invoice 100.01 out of pocket
    Dan Drake   Plot 3    2             has a 2.50 service charge

Q1 2026 (Jan–Mar), budget items and the fund-paid or member-paid expenses:
    Security  proportional      100.01 (paid by Cyd)   → 4287 / 2857 / 2857
    Garbage   fixed_fee           1.00 (fund)          → 34 / 33 / 33
    Water     usage_based @1.5   50.00 (fund)          → tariff: Plot 2 12.345 → 18.52
    Power     usage_based         9.99 (fund)          → consumption 10 : 0 : 30 → 250 / 0 / 749

    closing = opening + contributions + paid − allocated − usage − charges
    Ada:   0 + 2000                          =  2000  →  "20.00"
    Bea:   0 + 5000 − (4287+34+250 = 4571)   =   429  →   "4.29"
    Cyd:   0 + 10001 − (2857+33 = 2890) − 1852 = 5259 →  "52.59"
    Dan:   0 − (2857+33+749 = 3639) − 250    = −3889  → "-38.89"
    totals: contributions 7000, paid 10001, allocated 11100, usage 1852, charges 250,
            closing 2000 + 429 + 5259 − 3889 = 3799
    fund cash: 7000 in − (100 + 5000 + 999) fund-paid = 901 → "9.01"
"""

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import BalanceSnapshot, JournalEntry, Job, Period, Posting
from app.money import format_money
from tests.conftest import login
from tests.helpers import ApiWorld, ok

Q1_CLOSING = {"Ada Admin": "20.00", "Bea Brown": "4.29", "Cyd Clark": "52.59", "Dan Drake": "-38.89"}


class World(ApiWorld):
    """Ids of the community built by ``build``."""

    def expense(self, period_id, payment_type, amount, day, paid_by=None):
        return self.post(
            f"/periods/{period_id}/expenses",
            payment_type=payment_type,
            amount=amount,
            date=day,
            vendor="Vendor",
            paid_by_member_id=paid_by,
        )["id"]

    def reading(self, period_id, property_id, item_id, start, end):
        return self.post(
            f"/periods/{period_id}/readings",
            property_id=property_id,
            budget_item_id=item_id,
            start_reading=start,
            end_reading=end,
        )["id"]

    def close(self, period_id, status=202):
        return ok(self.api.post(self.url(f"/periods/{period_id}/close")), status)

    def job(self, job_id):
        return ok(self.api.get(self.url(f"/jobs/{job_id}")))

    def get_period(self, period_id):
        return ok(self.api.get(self.url(f"/periods/{period_id}")))


def build(community) -> World:
    w = World(community)
    w.bea = w.member("Bea Brown", "bea@example.org")
    w.cyd = w.member("Cyd Clark", "cyd@example.org")
    w.dan = w.member("Dan Drake", "dan@example.org")
    w.p1 = w.prop("Plot 1", "3", w.bea)
    w.p2 = w.prop("Plot 2", "2", w.cyd)
    w.p3 = w.prop("Plot 3", "2", w.dan)
    w.q1 = w.period("Q1", "2026-01-01", "2026-03-31")
    w.security = w.item(w.q1, "Security", "proportional")
    w.item(w.q1, "Garbage", "fixed_fee", "1.00")
    w.water = w.item(w.q1, "Water", "usage_based", "50.00", unit_rate="1.5")
    w.power = w.item(w.q1, "Power", "usage_based", "10.00")
    w.security_expense = w.expense(w.q1, "Security", "100.01", "2026-01-15", paid_by=w.cyd)
    w.expense(w.q1, "Garbage", "1.00", "2026-02-01")
    w.expense(w.q1, "Water", "50.00", "2026-03-01")
    w.expense(w.q1, "Power", "9.99", "2026-03-02")
    w.reading(w.q1, w.p2, w.water, "0", "12.345")
    w.reading(w.q1, w.p1, w.power, "0", "10")
    w.reading(w.q1, w.p3, w.power, "5", "35")
    w.ada_contribution = w.contribution(w.q1, w.admin, "20.00", "2026-01-05")
    w.contribution(w.q1, w.bea, "50.00", "2026-01-06")
    w.charge(w.q1, w.dan, "2.50", "2026-02-10")
    return w


def by_name(sheet, column="closing"):
    return {row["name"]: row[column] for row in sheet["rows"]}


def by_member(sheet, column):
    return {row["member_id"]: row[column] for row in sheet["rows"]}


def assert_q1_final(w, sheet):
    assert sheet["period"]["status"] == "closed"
    assert sheet["provisional"] is False
    assert sheet["stale"] is False
    assert [r["name"] for r in sheet["rows"]] == ["Ada Admin", "Bea Brown", "Cyd Clark", "Dan Drake"]
    rows = {r["name"]: r for r in sheet["rows"]}
    assert rows["Ada Admin"] == {
        "member_id": w.admin,
        "name": "Ada Admin",
        "opening": "0.00",
        "contributions": "20.00",
        "paid_expenses": "0.00",
        "allocated": "0.00",
        "usage": "0.00",
        "service_charges": "0.00",
        "payouts": "0.00",
        "adjustments": "0.00",
        "closing": "20.00",
    }
    assert rows["Bea Brown"] == {
        "member_id": w.bea,
        "name": "Bea Brown",
        "opening": "0.00",
        "contributions": "50.00",
        "paid_expenses": "0.00",
        "allocated": "45.71",
        "usage": "0.00",
        "service_charges": "0.00",
        "payouts": "0.00",
        "adjustments": "0.00",
        "closing": "4.29",
    }
    assert rows["Cyd Clark"] == {
        "member_id": w.cyd,
        "name": "Cyd Clark",
        "opening": "0.00",
        "contributions": "0.00",
        "paid_expenses": "100.01",
        "allocated": "28.90",
        "usage": "18.52",
        "service_charges": "0.00",
        "payouts": "0.00",
        "adjustments": "0.00",
        "closing": "52.59",
    }
    assert rows["Dan Drake"] == {
        "member_id": w.dan,
        "name": "Dan Drake",
        "opening": "0.00",
        "contributions": "0.00",
        "paid_expenses": "0.00",
        "allocated": "36.39",
        "usage": "0.00",
        "service_charges": "2.50",
        "payouts": "0.00",
        "adjustments": "0.00",
        "closing": "-38.89",
    }
    assert sheet["totals"] == {
        "opening": "0.00",
        "contributions": "70.00",
        "paid_expenses": "100.01",
        "allocated": "111.00",
        "usage": "18.52",
        "service_charges": "2.50",
        "payouts": "0.00",
        "adjustments": "0.00",
        "closing": "37.99",
    }
    assert sheet["fund"] == {"cash": "9.01"}
    assert sheet["unassigned"] == []


@pytest.fixture
def world(community):
    return build(community)


@pytest.fixture
def no_worker(monkeypatch):
    """The Celery task is queued but never runs: the period stays `closing`."""
    import app.tasks

    queued = []
    monkeypatch.setattr(app.tasks.close_period, "delay", lambda *args: queued.append(args))
    return queued


# --- closing ---------------------------------------------------------------------------------


def test_close_answers_202_and_the_job_produces_the_final_sheet(world):
    w = world
    provisional = w.sheet(w.q1)
    assert provisional["provisional"] is True
    assert by_name(provisional) == Q1_CLOSING  # the live view already splits the same way

    answer = w.close(w.q1)
    assert set(answer) == {"period", "job_id"}
    assert answer["period"]["id"] == w.q1
    assert isinstance(answer["job_id"], int)
    # Eager Celery: the job ran inside the request, so the period is already closed.
    assert answer["period"]["status"] in ("closing", "closed")

    job = w.job(answer["job_id"])
    assert job["id"] == answer["job_id"]
    assert job["kind"] == "close_period"
    assert job["status"] == "succeeded"
    assert job["progress"] == 100
    assert job["error"] is None
    assert w.get_period(w.q1)["status"] == "closed"
    assert_q1_final(w, w.sheet(w.q1))


def test_balance_sheet_csv_of_a_closed_period(world):
    w = world
    w.close(w.q1)
    response = w.api.get(w.url(f"/periods/{w.q1}/balance-sheet?format=csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).strip().splitlines()
    assert lines[0] == (
        "member_id,name,opening,contributions,paid_expenses,allocated,usage,"
        "service_charges,payouts,adjustments,closing"
    )
    assert lines[1:] == [
        f"{w.admin},Ada Admin,0.00,20.00,0.00,0.00,0.00,0.00,0.00,0.00,20.00",
        f"{w.bea},Bea Brown,0.00,50.00,0.00,45.71,0.00,0.00,0.00,0.00,4.29",
        f"{w.cyd},Cyd Clark,0.00,0.00,100.01,28.90,18.52,0.00,0.00,0.00,52.59",
        f"{w.dan},Dan Drake,0.00,0.00,0.00,36.39,0.00,2.50,0.00,0.00,-38.89",
        ",Total,0.00,70.00,100.01,111.00,18.52,2.50,0.00,0.00,37.99",
    ]


def test_the_closed_sheet_is_read_from_its_snapshot(world, scoped):
    w = world
    w.close(w.q1)
    # Tamper with the snapshot directly: the sheet must show what the snapshot says.
    with scoped(w.community.id):
        db.session.execute(
            update(BalanceSnapshot)
            .where(BalanceSnapshot.period_id == w.q1, BalanceSnapshot.member_id == w.admin)
            .values(contributions=2001, closing=2001)
        )
        db.session.commit()
    assert by_name(w.sheet(w.q1))["Ada Admin"] == "20.01"


def test_job_of_another_community_is_not_found(world, other_community):
    w = world
    job_id = w.close(w.q1)["job_id"]
    response = other_community.api.get(other_community.url(f"/jobs/{job_id}"))
    assert response.status_code == 404


def test_owner_cannot_close(world, owner):
    response = owner.api.post(world.url(f"/periods/{world.q1}/close"))
    assert response.status_code == 403
    assert world.get_period(world.q1)["status"] == "open"


# --- refusals --------------------------------------------------------------------------------


def _refusal(w, period_id):
    body = w.close(period_id, 409)
    assert body["error"]["code"] == "conflict"
    return body["error"]


def test_unassigned_category_is_refused_by_name(world):
    w = world
    w.expense(w.q1, "Snow removal", "12.00", "2026-01-20")
    error = _refusal(w, w.q1)
    assert "Snow removal" in error["message"]
    assert "Snow removal" in error["fields"]
    assert w.get_period(w.q1)["status"] == "open"
    assert w.sheet(w.q1)["unassigned"][0]["payment_type"] == "Snow removal"


def test_usage_based_without_consumption_is_refused_by_name(world):
    w = world
    w.item(w.q1, "Heating", "usage_based", "30.00")
    w.expense(w.q1, "Heating", "30.00", "2026-02-20")
    error = _refusal(w, w.q1)
    assert "Heating" in error["message"]
    assert list(error["fields"]) == ["Heating"]
    assert w.get_period(w.q1)["status"] == "open"


def test_usage_based_with_zero_consumption_readings_is_refused(world):
    w = world
    heating = w.item(w.q1, "Heating", "usage_based", "30.00")
    w.expense(w.q1, "Heating", "30.00", "2026-02-20")
    w.reading(w.q1, w.p1, heating, "7", "7")
    error = _refusal(w, w.q1)
    assert "Heating" in error["message"]


def test_proportional_with_no_active_properties_is_refused_by_name(community):
    w = World(community)
    bea = w.member("Bea Brown", "bea@example.org")
    w.prop("Plot 1", "3", bea, active=False)
    q1 = w.period("Q1", "2026-01-01", "2026-03-31")
    w.item(q1, "Security", "proportional")
    w.expense(q1, "Security", "100.00", "2026-01-15")
    error = _refusal(w, q1)
    assert "Security" in error["message"]
    assert list(error["fields"]) == ["Security"]
    assert w.get_period(q1)["status"] == "open"


def test_every_category_at_fault_is_named_in_one_refusal(community):
    w = World(community)
    bea = w.member("Bea Brown", "bea@example.org")
    w.prop("Plot 1", "3", bea, active=False)
    q1 = w.period("Q1", "2026-01-01", "2026-03-31")
    w.item(q1, "Security", "proportional")
    w.item(q1, "Heating", "usage_based")
    w.expense(q1, "Security", "100.00", "2026-01-15")
    w.expense(q1, "Heating", "40.00", "2026-01-16")
    w.expense(q1, "Snow removal", "12.00", "2026-01-17")
    error = _refusal(w, q1)
    for name in ("Security", "Heating", "Snow removal"):
        assert name in error["message"]
    assert set(error["fields"]) == {"Security", "Heating", "Snow removal"}


def test_closing_a_closed_period_is_409(world):
    w = world
    w.close(w.q1)
    error = _refusal(w, w.q1)
    assert "closed" in error["message"]


def test_writes_into_a_closed_period_are_409(world):
    w = world
    w.close(w.q1)
    assert (
        w.api.post(
            w.url(f"/periods/{w.q1}/contributions"),
            json={"member_id": w.bea, "amount": "1.00", "date": "2026-01-07"},
        ).status_code
        == 409
    )
    assert (
        w.api.post(
            w.url(f"/periods/{w.q1}/expenses"),
            json={"payment_type": "Security", "amount": "1.00", "date": "2026-01-07"},
        ).status_code
        == 409
    )
    assert (
        w.api.post(
            w.url(f"/periods/{w.q1}/charges"),
            json={"member_id": w.bea, "amount": "1.00", "date": "2026-01-07", "description": "x"},
        ).status_code
        == 409
    )
    assert (
        w.api.post(
            w.url(f"/periods/{w.q1}/budget-items"),
            json={"payment_type": "Gas", "budgeted_cost": "1.00", "strategy": "fixed_fee"},
        ).status_code
        == 409
    )
    assert w.api.patch(w.url(f"/expenses/{w.security_expense}"), json={"amount": "1.00"}).status_code == 409
    assert w.api.delete(w.url(f"/contributions/{w.ada_contribution}")).status_code == 409
    assert_q1_final(w, w.sheet(w.q1))


# --- concurrency: compare-and-set --------------------------------------------------------------


def test_second_close_while_the_first_is_queued_is_409(world, no_worker):
    w = world
    first = w.close(w.q1)
    assert first["period"]["status"] == "closing"
    assert len(no_worker) == 1
    job = w.job(first["job_id"])
    assert (job["status"], job["progress"]) == ("queued", 0)

    error = _refusal(w, w.q1)
    assert "being closed" in error["message"]
    assert len(no_worker) == 1  # nothing else was queued
    # While closing: records are frozen and it cannot be reopened.
    assert (
        w.api.post(
            w.url(f"/periods/{w.q1}/contributions"),
            json={"member_id": w.bea, "amount": "1.00", "date": "2026-01-07"},
        ).status_code
        == 409
    )
    assert w.api.patch(w.url(f"/periods/{w.q1}"), json={"status": "open"}).status_code == 409
    assert w.get_period(w.q1)["status"] == "closing"


def test_compare_and_set_refuses_a_request_that_read_open_before_another_moved_it(world, no_worker, scoped):
    """Two requests both read `open`; the first one's UPDATE wins, the second's matches no row."""
    from app.errors import Conflict
    from app.services import closing

    w = world
    with scoped(w.community.id):
        stale_view = db.session.get(Period, w.q1)
        assert stale_view.status == "open"
        # The other request commits its compare-and-set first, on its own connection.
        with db.engine.begin() as other:
            other.execute(
                update(Period.__table__).where(Period.__table__.c.id == w.q1).values(status="closing")
            )
        assert stale_view.status == "open"  # this request still believes it is open
        with pytest.raises(Conflict):
            closing.request_close(stale_view)
        db.session.rollback()
        assert db.session.execute(select(func.count()).select_from(Job)).scalar_one() == 0
    assert no_worker == []


# --- idempotency -------------------------------------------------------------------------------


def ledger_state(period_id):
    snapshot = sorted(
        (
            s.member_id,
            s.opening,
            s.contributions,
            s.paid_expenses,
            s.allocated,
            s.usage,
            s.service_charges,
            s.closing,
        )
        for s in db.session.execute(
            select(BalanceSnapshot).where(BalanceSnapshot.period_id == period_id)
        ).scalars()
    )
    postings = sorted(
        (
            p.account,
            p.member_id or 0,
            p.property_id or 0,
            p.category or "",
            p.payment_type or "",
            p.amount_cents,
        )
        for p in db.session.execute(select(Posting).where(Posting.period_id == period_id)).scalars()
    )
    entries = sorted(
        db.session.execute(
            select(JournalEntry.source_type, func.count())
            .where(JournalEntry.period_id == period_id)
            .group_by(JournalEntry.source_type)
        ).all()
    )
    return snapshot, postings, entries


def test_closing_twice_gives_the_same_rows(world, scoped):
    from app.services import closing

    w = world
    w.close(w.q1)
    with scoped(w.community.id):
        first = ledger_state(w.q1)
        assert len(first[0]) == 4
        assert ("allocation", 3) in first[2] and ("usage", 1) in first[2]

        closing.write_close(db.session.get(Period, w.q1))
        db.session.commit()
        assert ledger_state(w.q1) == first

        closing.write_close(db.session.get(Period, w.q1))
        db.session.commit()
        assert ledger_state(w.q1) == first

        # The task body again, on a re-created job (a duplicate delivery of the close).
        job = Job(
            community_id=w.community.id, kind="close_period", status="queued", progress=0, period_id=w.q1
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        closing.run_close_job(job_id)
        db.session.expire_all()
        assert db.session.get(Job, job_id).status == "succeeded"
        assert ledger_state(w.q1) == first
        # A delivery of a job that already succeeded does nothing.
        closing.run_close_job(job_id)
        assert ledger_state(w.q1) == first
    assert_q1_final(w, w.sheet(w.q1))


# --- failure -----------------------------------------------------------------------------------


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, nothing catches it."""


def _derived_and_snapshot_counts(period_id):
    snapshots = db.session.execute(
        select(func.count()).select_from(BalanceSnapshot).where(BalanceSnapshot.period_id == period_id)
    ).scalar_one()
    derived = db.session.execute(
        select(func.count())
        .select_from(JournalEntry)
        .where(JournalEntry.period_id == period_id, JournalEntry.source_type.in_(("allocation", "usage")))
    ).scalar_one()
    postings = db.session.execute(
        select(func.count())
        .select_from(Posting)
        .join(JournalEntry, JournalEntry.id == Posting.entry_id)
        .where(Posting.period_id == period_id, JournalEntry.source_type.in_(("allocation", "usage")))
    ).scalar_one()
    return snapshots, derived, postings


def test_a_failed_job_reopens_the_period_and_records_the_error(world, scoped, monkeypatch):
    from app.services import balances

    w = world

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    # write_close has already written the allocation postings and lines when this runs.
    monkeypatch.setattr(balances, "opening_balances", broken)
    response = w.api.post(w.url(f"/periods/{w.q1}/close"))
    assert response.status_code == 202, response.get_data(as_text=True)[:500]
    job = w.job(response.get_json()["job_id"])
    assert job["status"] == "failed"
    assert "disk on fire" in job["error"]
    assert w.get_period(w.q1)["status"] == "open"
    with scoped(w.community.id):
        assert _derived_and_snapshot_counts(w.q1) == (0, 0, 0)
    monkeypatch.undo()
    # Once the cause is gone the period closes normally.
    w.close(w.q1)
    assert_q1_final(w, w.sheet(w.q1))


def test_a_worker_dying_mid_close_leaves_closing_and_a_redelivery_finishes(
    world, scoped, monkeypatch, no_worker
):
    import app.tasks
    from app.services import balances

    w = world
    job_id = w.close(w.q1)["job_id"]
    assert no_worker == [(job_id, w.community.id)]

    real = balances.opening_balances

    def dies(*args, **kwargs):
        raise WorkerKilled()

    monkeypatch.setattr(balances, "opening_balances", dies)
    with scoped(w.community.id), pytest.raises(WorkerKilled):
        app.tasks.close_period.apply(args=(job_id, w.community.id))
    # The process is gone: its transaction never committed.
    assert w.get_period(w.q1)["status"] == "closing"
    assert w.job(job_id)["status"] in ("queued", "running")
    with scoped(w.community.id):
        assert _derived_and_snapshot_counts(w.q1) == (0, 0, 0)

    monkeypatch.setattr(balances, "opening_balances", real)
    app.tasks.close_period.apply(args=(job_id, w.community.id))  # acks_late: redelivered
    job = w.job(job_id)
    assert (job["status"], job["progress"], job["error"]) == ("succeeded", 100, None)
    assert_q1_final(w, w.sheet(w.q1))


# --- carry-forward and downstream recompute ---------------------------------------------------


def add_q2(w):
    """Q2: Security 5.00 (fund) over 3:2:2: 214.29 → 214, 142.86 → 143 twice, Σ 500.
    Bea pays in 10.00, Dan 40.00, Ada has a 0.99 charge.
      Ada: 2000 − 99          = 1901
      Bea: 429 + 1000 − 214   = 1215
      Cyd: 5259 − 143         = 5116
      Dan: −3889 + 4000 − 143 =  −32
    """
    w.q2 = w.period("Q2", "2026-04-01", "2026-06-30")
    w.item(w.q2, "Security", "proportional", "5.00")
    w.expense(w.q2, "Security", "5.00", "2026-04-10")
    w.contribution(w.q2, w.bea, "10.00", "2026-04-11")
    w.contribution(w.q2, w.dan, "40.00", "2026-04-12")
    w.charge(w.q2, w.admin, "0.99", "2026-05-01")


def test_carry_forward_and_recompute_after_a_correction(world):
    w = world
    add_q2(w)
    assert w.close(w.q1)
    q2_live = w.sheet(w.q2)
    assert q2_live["provisional"] is True  # Q2 itself is still open
    assert by_member(q2_live, "opening") == {w.admin: "20.00", w.bea: "4.29", w.cyd: "52.59", w.dan: "-38.89"}
    w.close(w.q2)
    q2 = w.sheet(w.q2)
    assert q2["provisional"] is False and q2["stale"] is False
    assert by_member(q2, "opening") == {w.admin: "20.00", w.bea: "4.29", w.cyd: "52.59", w.dan: "-38.89"}
    assert by_member(q2, "closing") == {w.admin: "19.01", w.bea: "12.15", w.cyd: "51.16", w.dan: "-0.32"}

    # Reopen Q1 for a correction: Q2 is stale (still closed) until Q1 is closed again.
    reopened = ok(w.api.patch(w.url(f"/periods/{w.q1}"), json={"status": "open"}))
    assert reopened["status"] == "open"
    assert w.get_period(w.q2)["stale"] is True
    assert w.get_period(w.q2)["status"] == "closed"
    stale = w.sheet(w.q2)
    assert stale["stale"] is True and stale["provisional"] is True
    assert by_member(stale, "closing") == by_member(q2, "closing")  # the old snapshot
    assert w.sheet(w.q1)["provisional"] is True

    # The correction: Ada's 20.00 was entered by mistake, Bea's 12.34 was forgotten.
    assert w.api.delete(w.url(f"/contributions/{w.ada_contribution}")).status_code == 204
    w.contribution(w.q1, w.bea, "12.34", "2026-03-30")
    answer = w.close(w.q1)
    job = w.job(answer["job_id"])
    assert (job["status"], job["progress"]) == ("succeeded", 100)

    q1 = w.sheet(w.q1)
    assert q1["provisional"] is False
    q1_closing = by_member(q1, "closing")
    assert q1_closing[w.bea] == "16.63"  # 429 + 1234
    assert q1_closing.get(w.admin, "0.00") == "0.00"  # 2000 − 2000
    assert (q1_closing[w.cyd], q1_closing[w.dan]) == ("52.59", "-38.89")

    period2 = w.get_period(w.q2)
    assert (period2["status"], period2["stale"]) == ("closed", False)
    recomputed = w.sheet(w.q2)
    assert recomputed["stale"] is False and recomputed["provisional"] is False
    # Exactly the correction, member by member: Ada −20.00, Bea +12.34, the others unchanged.
    assert by_member(recomputed, "opening") == {
        w.admin: "0.00",
        w.bea: "16.63",
        w.cyd: "52.59",
        w.dan: "-38.89",
    }
    assert by_member(recomputed, "closing") == {
        w.admin: "-0.99",
        w.bea: "24.49",
        w.cyd: "51.16",
        w.dan: "-0.32",
    }
    for column in ("contributions", "paid_expenses", "allocated", "usage", "service_charges"):
        assert by_member(recomputed, column) == by_member(q2, column)


def test_q2_cannot_be_reclosed_while_stale_only_by_closing_q1(world):
    w = world
    add_q2(w)
    w.close(w.q1)
    w.close(w.q2)
    ok(w.api.patch(w.url(f"/periods/{w.q1}"), json={"status": "open"}))
    # Q2 is closed (stale): a close request for it is a conflict, not a silent recompute.
    _refusal(w, w.q2)
    # Q2's records stay frozen while it is closed, stale or not.
    assert (
        w.api.post(
            w.url(f"/periods/{w.q2}/contributions"),
            json={"member_id": w.bea, "amount": "1.00", "date": "2026-04-20"},
        ).status_code
        == 409
    )


# --- the web page (htmx) -----------------------------------------------------------------------


def _page_client(w):
    client = w.community.client
    login(client, "admin@example.org")
    return client


def _partial(response):
    text = response.get_data(as_text=True)
    assert "<html" not in text.lower(), "a partial, not a full page"
    return text


def test_web_close_with_htmx_turns_into_the_final_sheet(world):
    w = world
    client = _page_client(w)
    response = client.post(w.community.page(f"/periods/{w.q1}/close"), headers={"HX-Request": "true"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = _partial(response)
    assert "hx-trigger" not in text  # eager: already done
    with_job = w.job(_latest_job(w))
    assert with_job["status"] == "succeeded"

    page = client.get(w.community.page(f"/jobs/{with_job['id']}"), headers={"HX-Request": "true"})
    assert page.status_code == 200
    html = _partial(page)
    assert f'id="job-{with_job["id"]}"' in html
    assert "hx-trigger" not in html
    assert "Closed." in html
    for cents in (2000, 429, 5259, -3889, 3799):
        assert format_money(cents, "EUR") in html
    for name in Q1_CLOSING:
        assert name in html

    full = client.get(w.community.page(f"/jobs/{with_job['id']}"))
    assert full.status_code == 200
    assert format_money(-3889, "EUR") in full.get_data(as_text=True)


def _latest_job(w):
    """The newest job of the community (the page answers HTML, not the job id)."""
    from app.tenancy import community_scope

    with w.community.client.application.app_context(), community_scope(w.community.id):
        job_id = db.session.execute(select(func.max(Job.id))).scalar_one()
        db.session.remove()
    return job_id


def test_web_close_with_a_queued_job_polls_every_second(world, no_worker):
    w = world
    client = _page_client(w)
    response = client.post(w.community.page(f"/periods/{w.q1}/close"), headers={"HX-Request": "true"})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    text = _partial(response)
    assert 'hx-trigger="every 1s"' in text
    job_id = _latest_job(w)
    assert f'hx-get="/c/{w.community.slug}/jobs/{job_id}"' in text
    assert "<progress" in text

    again = client.get(w.community.page(f"/jobs/{job_id}"), headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in _partial(again)


def test_web_close_refused_shows_the_categories(world):
    w = world
    w.expense(w.q1, "Snow removal", "12.00", "2026-01-20")
    client = _page_client(w)
    response = client.post(w.community.page(f"/periods/{w.q1}/close"), headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "Snow removal" in _partial(response)
