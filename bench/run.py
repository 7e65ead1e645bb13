"""Levy at scale on PostgreSQL: the balance sheet, a close, and a recompute of later periods.

    .venv/bin/python bench/run.py                  # the figures in bench/README.md
    .venv/bin/python bench/run.py --profile        # also: where one balance sheet spends its time

Builds one community (2,000 properties, 2,000 owners, one admin) with 200,000 records in one
period, with the journal entries and postings the services would have written for each record
(the same ``journal.*_legs`` functions, one JournalEntry per record), inserted in bulk. Then
times, through the real code:

  (a) GET /api/c/<slug>/periods/<id>/balance-sheet via the Flask test client with a bearer
      token, open (live, provisional) and after the close (from the snapshot): median of N
      runs and the SQL statements one request issues;
  (b) the close of that period: the request's checks (``closing.check_closable``) and the
      job's work (``closing.write_close`` + commit), first and again after reopens;
  (c) ten later periods are added and closed; then, per round, period 1 is reopened with a
      correction (200 members pay 100.00 more; late fee 2.5 %) and closed by the job body
      (``closing.run_close_job``), which shifts the unchanged later periods (the fast
      path), and then reopened and closed again with ``full_rewrite=True`` (every later
      period closed again from scratch: the reference); the books after both must be
      identical.

For other scripts (bench/table.py): ``prepare(argv)`` builds everything up to (c) and
returns ``(app, ctx, args, server)``; ``measure_close(app, ctx, rounds)`` and
``measure_recompute(app, ctx, rounds)`` time (b) and (c) as above.

DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/levy_bench) names the database;
it is created if missing and its ``public`` schema is dropped and rebuilt by the migrations on
every run, so never point it at a database you care about.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg
from sqlalchemy import event, func, insert, select, text
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/levy_bench"
PASSWORD = "bench-password-1"
SLUG = "bench"

# payment type, strategy, unit rate (tariff), share of the period's expenses
CATEGORIES = [
    ("Security", "proportional", None, 0.20),
    ("Cleaning", "proportional", None, 0.15),
    ("Insurance", "proportional", None, 0.10),
    ("Garbage", "fixed_fee", None, 0.10),
    ("Gardening", "fixed_fee", None, 0.10),
    ("Water", "usage_based", None, 0.15),
    ("Electricity", "usage_based", Decimal("0.2750"), 0.10),
    ("Repairs", "none", None, 0.10),
]


# --- database --------------------------------------------------------------------------


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def libpq_kwargs(url: str, dbname: str | None = None) -> dict:
    u = make_url(sqlalchemy_url(url))
    kwargs = {
        "host": u.host or "127.0.0.1",
        "port": u.port or 5432,
        "user": u.username,
        "dbname": dbname or u.database,
    }
    if u.password:
        kwargs["password"] = u.password
    return {k: v for k, v in kwargs.items() if v is not None}


def fresh_database(url: str) -> None:
    """Create the database if missing; drop and recreate its public schema."""
    name = make_url(sqlalchemy_url(url)).database
    with psycopg.connect(**libpq_kwargs(url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(**libpq_kwargs(url), autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS public CASCADE")
        conn.execute("CREATE SCHEMA public")


class QueryCounter:
    """Counts statements sent to the database (an executemany counts once)."""

    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args, **kwargs):
        self.count += 1

    @contextmanager
    def counting(self, into: dict, key: str):
        start = self.count
        yield
        into[key] = self.count - start


# --- data ------------------------------------------------------------------------------


def bulk(model, rows: list[dict], chunk: int = 20_000) -> list[int]:
    """Core bulk insert through the session: ``db.session.execute(insert(table), rows)``.

    Ids are reserved from the table's sequence up front and written with the rows, so the
    INSERTs need no RETURNING: SQLAlchemy then batches each chunk into multi-row INSERTs
    ("insertmanyvalues") at ~30 µs a row, where RETURNING in parameter order costs ~4x that.
    On the Table, not the mapped class: the ORM's bulk path groups consecutive rows by the
    keys they set and postings alternate between legs with and without a member, which
    degrades it to a round trip per row. Returns the ids in the order of ``rows``.
    """
    from app.extensions import db

    if not rows:
        return []
    table = model.__table__
    last = db.session.execute(
        text("SELECT setval(s, nextval(s) + :n - 1) FROM pg_get_serial_sequence(:t, 'id') AS s"),
        {"n": len(rows), "t": f'"{table.name}"'},
    ).scalar_one()
    ids = list(range(last - len(rows) + 1, last + 1))
    stmt = insert(table)
    for start in range(0, len(rows), chunk):
        db.session.execute(
            stmt,
            [{**row, "id": id_} for row, id_ in zip(rows[start : start + chunk], ids[start : start + chunk])],
        )
    return ids


POSTING_DEFAULTS = {"member_id": None, "property_id": None, "category": None, "payment_type": None}


def post_records(community_id: int, period_id: int, entity: str, legs_fn, records: list[dict], now) -> int:
    """What records.create posts for each record: one entry, memo "<entity> #<id>", its legs."""
    from app.models import JournalEntry, Posting

    entry_ids = bulk(
        JournalEntry,
        [
            {
                "community_id": community_id,
                "period_id": period_id,
                "date": r["date"],
                "source_type": entity,
                "source_id": r["id"],
                "memo": f"{entity} #{r['id']}",
                "reversal_of_id": None,
                "created_at": now,
            }
            for r in records
        ],
    )
    postings = []
    for entry_id, record in zip(entry_ids, records):
        legs = legs_fn(SimpleNamespace(**record))
        assert sum(leg["amount_cents"] for leg in legs) == 0
        for leg in legs:
            postings.append(
                {
                    **POSTING_DEFAULTS,
                    **leg,
                    "community_id": community_id,
                    "period_id": period_id,
                    "entry_id": entry_id,
                }
            )
    bulk(Posting, postings)
    return len(entry_ids) + len(postings)


def random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def fill_period(rng, community_id, period, owner_ids, property_ids, counts, last_meter, now):
    """Budget items of every strategy, readings, and the period's records with their journal.
    Returns the number of rows written."""
    from app.models import BudgetItem, Contribution, Expense, Reading, ServiceCharge
    from app.services import journal
    from app.services.records import payment_type_key

    written = 0
    total_expenses = counts["expenses"] * 1000_00 // 2
    items = bulk(
        BudgetItem,
        [
            {
                "community_id": community_id,
                "period_id": period.id,
                "payment_type": name,
                "payment_type_key": payment_type_key(name),
                "budgeted_cost_cents": int(total_expenses * part),
                "strategy": strategy,
                "unit_rate": rate,
                "voided_at": None,
                "created_at": now,
            }
            for name, strategy, rate, part in CATEGORIES
        ],
    )
    written += len(items)
    readings = []
    for item_id, (name, strategy, _, _) in zip(items, CATEGORIES):
        if strategy != "usage_based":
            continue
        for property_id in property_ids:
            start = last_meter.get((name, property_id), Decimal("0.000"))
            end = start + Decimal(rng.randrange(0, 400_000)) / 1000
            last_meter[(name, property_id)] = end
            readings.append(
                {
                    "community_id": community_id,
                    "period_id": period.id,
                    "property_id": property_id,
                    "budget_item_id": item_id,
                    "start_reading": start,
                    "end_reading": end,
                    "voided_at": None,
                    "created_at": now,
                }
            )
    bulk(Reading, readings)
    written += len(readings)

    def day():
        return random_day(rng, period.start_date, period.end_date)

    contributions = [
        {
            "community_id": community_id,
            "period_id": period.id,
            "member_id": rng.choice(owner_ids),
            "amount_cents": rng.randrange(10_00, 500_00),
            "date": day(),
            "comment": "",
            "voided_at": None,
            "created_at": now,
        }
        for _ in range(counts["contributions"])
    ]
    weights = [part for *_, part in CATEGORIES]
    expenses = []
    for _ in range(counts["expenses"]):
        name = rng.choices(CATEGORIES, weights)[0][0]
        expenses.append(
            {
                "community_id": community_id,
                "period_id": period.id,
                "amount_cents": rng.randrange(5_00, 2_000_00),
                "date": day(),
                "payment_type": name,
                "payment_type_key": payment_type_key(name),
                "vendor": f"{name} Ltd",
                "description": "",
                "paid_by_member_id": rng.choice(owner_ids) if rng.random() < 0.1 else None,
                "voided_at": None,
                "created_at": now,
            }
        )
    charges = [
        {
            "community_id": community_id,
            "period_id": period.id,
            "member_id": rng.choice(owner_ids),
            "amount_cents": rng.randrange(5_00, 100_00),
            "date": day(),
            "description": "Key",
            "voided_at": None,
            "created_at": now,
        }
        for _ in range(counts["charges"])
    ]
    for model, entity, legs_fn, rows in (
        (Contribution, "contribution", journal.contribution_legs, contributions),
        (Expense, "expense", journal.expense_legs, expenses),
        (ServiceCharge, "charge", journal.charge_legs, charges),
    ):
        for row, id_ in zip(rows, bulk(model, rows)):
            row["id"] = id_
        written += len(rows) + post_records(community_id, period.id, entity, legs_fn, rows, now)
    return written


def quarter(year: int, q: int) -> tuple[str, date, date]:
    start = date(year, 3 * q - 2, 1)
    end = (date(year + (q == 4), (3 * q) % 12 + 1, 1)) - timedelta(days=1)
    return f"{year} Q{q}", start, end


def quarters(first_year: int, n: int):
    year, q = first_year, 1
    for _ in range(n):
        yield quarter(year, q)
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)


def build(app, args, rng) -> dict:
    """The community, its members and properties, period 1 and its records."""
    from app.extensions import db
    from app.models import Community, Member, Period, Property, User
    from app.models.base import utcnow
    from app.security import hash_password, issue_api_token
    from app.tenancy import community_scope

    now = utcnow()
    with app.app_context():
        user = User(
            email="treasurer@bench.example", name="Bench Treasurer", password_hash=hash_password(PASSWORD)
        )
        community = Community(slug=SLUG, name="Bench Gardens", currency="EUR")
        db.session.add_all([user, community])
        db.session.flush()
        cid = community.id
        with community_scope(cid):
            db.session.add(
                Member(
                    community_id=cid,
                    user_id=user.id,
                    name="Bench Treasurer",
                    email=user.email,
                    role="admin",
                    joined_at=now,
                )
            )
            token = issue_api_token(user, "bench")
            owner_ids = bulk(
                Member,
                [
                    {
                        "community_id": cid,
                        "user_id": None,
                        "name": f"Owner {i:04d}",
                        "email": f"owner{i:04d}@bench.example",
                        "role": "owner",
                        "invite_token_hash": None,
                        "invited_at": now,
                        "joined_at": None,
                        "created_at": now,
                    }
                    for i in range(1, args.properties + 1)
                ],
            )
            property_ids = bulk(
                Property,
                [
                    {
                        "community_id": cid,
                        "label": f"Plot {i:04d}",
                        "label_key": f"plot {i:04d}",
                        "share_weight": Decimal(rng.randrange(30_00, 150_00)) / 100,
                        "owner_member_id": owner_id,
                        "active": True,
                        "created_at": now,
                    }
                    for i, owner_id in enumerate(owner_ids, start=1)
                ],
            )
            name, start, end = quarter(2026, 1)
            period = Period(
                community_id=cid, name=name, start_date=start, end_date=end, status="open", stale=False
            )
            db.session.add(period)
            db.session.flush()
            last_meter: dict = {}
            rows = fill_period(
                rng,
                cid,
                period,
                owner_ids,
                property_ids,
                {"contributions": args.contributions, "expenses": args.expenses, "charges": args.charges},
                last_meter,
                now,
            )
            db.session.commit()
            return {
                "community_id": cid,
                "token": token,
                "period_id": period.id,
                "owner_ids": owner_ids,
                "property_ids": property_ids,
                "last_meter": last_meter,
                "rows": rows,
            }


def analyze(url: str) -> None:
    # Autovacuum would get there on its own after a load like this; a benchmark should not
    # measure the planner guessing on empty statistics.
    with psycopg.connect(**libpq_kwargs(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


# --- measurements ----------------------------------------------------------------------


def sheet_timings(app, counter, ctx, runs: int) -> dict:
    client = app.test_client()
    url = f"/api/c/{SLUG}/periods/{ctx['period_id']}/balance-sheet"
    headers = {"Authorization": f"Bearer {ctx['token']}"}
    t = time.perf_counter()
    response = client.get(url, headers=headers)  # warm-up: also notes the token's use
    first = time.perf_counter() - t
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    times, cpu, queries = [], [], {}
    for _ in range(runs):
        with counter.counting(queries, "n"):
            t, c = time.perf_counter(), time.process_time()
            response = client.get(url, headers=headers)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        assert response.status_code == 200
    body = response.get_json()
    return {
        "first": first,
        "median": statistics.median(times),
        "min": min(times),
        "cpu": statistics.median(cpu),
        "max": max(times),
        "queries": queries["n"],
        "rows": len(body["rows"]),
        "bytes": len(response.get_data()),
        "body": body,
    }


def profile_sheet(app, ctx) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("--profile needs pyinstrument: .venv/bin/pip install pyinstrument")
        return
    client = app.test_client()
    url = f"/api/c/{SLUG}/periods/{ctx['period_id']}/balance-sheet"
    profiler = Profiler(interval=0.0005)
    profiler.start()
    client.get(url, headers={"Authorization": f"Bearer {ctx['token']}"})
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def close_timings(app, counter, ctx) -> dict:
    """(b): the request's checks, then the job's work for period 1."""
    from app.extensions import db
    from app.models import Period
    from app.services import closing
    from app.tenancy import community_scope

    result, queries = {}, {}
    with app.app_context(), community_scope(ctx["community_id"]):
        period = db.session.get(Period, ctx["period_id"])
        t = time.perf_counter()
        with counter.counting(queries, "check"):
            closing.check_closable(period)
        result["check"] = time.perf_counter() - t
        period.status = "closing"  # what request_close's compare-and-set does
        db.session.commit()
    with app.app_context(), community_scope(ctx["community_id"]):
        period = db.session.get(Period, ctx["period_id"])
        t = time.perf_counter()
        with counter.counting(queries, "close"):
            closing.write_close(period)
            db.session.commit()
        result["close"] = time.perf_counter() - t
    result["check_queries"], result["close_queries"] = queries["check"], queries["close"]
    return result


def add_later_periods(app, args, rng, ctx) -> list[int]:
    from app.extensions import db
    from app.models import Period
    from app.models.base import utcnow
    from app.tenancy import community_scope

    ids = []
    with app.app_context(), community_scope(ctx["community_id"]):
        for name, start, end in list(quarters(2026, args.later + 1))[1:]:
            period = Period(
                community_id=ctx["community_id"],
                name=name,
                start_date=start,
                end_date=end,
                status="open",
                stale=False,
            )
            db.session.add(period)
            db.session.flush()
            fill_period(
                rng,
                ctx["community_id"],
                period,
                ctx["owner_ids"],
                ctx["property_ids"],
                {
                    "contributions": args.later_contributions,
                    "expenses": args.later_expenses,
                    "charges": args.later_charges,
                },
                ctx["last_meter"],
                utcnow(),
            )
            ids.append(period.id)
        db.session.commit()
    return ids


def close_in_order(app, ctx, period_ids) -> list[float]:
    from app.extensions import db
    from app.models import Period
    from app.services import closing
    from app.tenancy import community_scope

    times = []
    for period_id in period_ids:
        with app.app_context(), community_scope(ctx["community_id"]):
            period = db.session.get(Period, period_id)
            period.status = "closing"
            db.session.commit()
            t = time.perf_counter()
            closing.write_close(period)
            db.session.commit()
            times.append(time.perf_counter() - t)
    return times


def reopen_with_correction(app, ctx, members: int = 200, amount_cents: int = 100_00) -> None:
    """Reopen period 1 (the later periods become stale) and record a correcting payment for
    the first ``members`` owners, as a treasurer fixing a forgotten bank line would."""
    from app.extensions import db
    from app.models import Period
    from app.services import periods, records
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        period = db.session.get(Period, ctx["period_id"])
        periods.reopen(period)
        for member_id in ctx["owner_ids"][:members]:
            records.CONTRIBUTION.create(
                period,
                member_id=member_id,
                amount_cents=amount_cents,
                date=period.end_date,
                comment="correction",
            )
        db.session.commit()


def reopen(app, ctx) -> None:
    from app.extensions import db
    from app.models import Period
    from app.services import periods
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        periods.reopen(db.session.get(Period, ctx["period_id"]))
        db.session.commit()


def close_job(app, ctx, full_rewrite: bool = False, counter=None) -> dict:
    """The close job's body on period 1 (``closing.run_close_job``), which closes it and then
    recomputes every later closed period: the fast path, or with ``full_rewrite`` the
    reference that closes each again from scratch. Returns the time, per period, and the
    statements (SQLAlchemy's; COPY goes to psycopg directly and is not counted)."""
    from app.extensions import db
    from app.models import Job, Period
    from app.services import closing
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        period = db.session.get(Period, ctx["period_id"])
        period.status = "closing"  # what request_close's compare-and-set does
        job = Job(
            community_id=ctx["community_id"],
            kind="close_period",
            status="queued",
            progress=0,
            period_id=period.id,
        )
        db.session.add(job)
        db.session.commit()
        job_id = job.id
    per_period: list[tuple[int, float]] = []
    original_close, original_later = closing.write_close, closing.recompute_later

    def timed_close(period, recompute=False):
        t = time.perf_counter()
        original_close(period, recompute)
        if not recompute:
            per_period.append((period.id, time.perf_counter() - t))

    def timed_later(period, full_rewrite=False):
        t = time.perf_counter()
        original_later(period, full_rewrite)
        per_period.append((period.id, time.perf_counter() - t))

    closing.write_close, closing.recompute_later = timed_close, timed_later
    queries: dict = {}
    try:
        with app.app_context(), community_scope(ctx["community_id"]):
            t = time.perf_counter()
            if counter is not None:
                with counter.counting(queries, "job"):
                    closing.run_close_job(job_id, full_rewrite=full_rewrite)
            else:
                closing.run_close_job(job_id, full_rewrite=full_rewrite)
            took = time.perf_counter() - t
            job = db.session.get(Job, job_id)
            assert job.status == "succeeded", (job.status, job.error)
            statuses = db.session.execute(select(Period.status, Period.stale)).all()
            assert all(s == "closed" and not stale for s, stale in statuses), statuses
    finally:
        closing.write_close, closing.recompute_later = original_close, original_later
    first = next(s for pid, s in per_period if pid == ctx["period_id"])
    return {
        "job": took,
        "first": first,
        "queries": queries.get("job"),
        "later": [s for pid, s in per_period if pid != ctx["period_id"]],
    }


def books(app, ctx) -> dict:
    """What the balance checks compare: every snapshot row, the standing late fees, the
    postings summed per period, account and member, and each period's fund."""
    from app.extensions import db
    from app.models import BalanceSnapshot, Period, Posting, ServiceCharge
    from app.services import balances
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        snapshots = sorted(
            db.session.execute(
                select(
                    BalanceSnapshot.period_id,
                    BalanceSnapshot.member_id,
                    BalanceSnapshot.opening,
                    BalanceSnapshot.contributions,
                    BalanceSnapshot.paid_expenses,
                    BalanceSnapshot.allocated,
                    BalanceSnapshot.usage,
                    BalanceSnapshot.service_charges,
                    BalanceSnapshot.payouts,
                    BalanceSnapshot.adjustments,
                    BalanceSnapshot.closing,
                )
            ).all()
        )
        fees = sorted(
            db.session.execute(
                select(
                    ServiceCharge.period_id,
                    ServiceCharge.member_id,
                    ServiceCharge.amount_cents,
                    ServiceCharge.overdue_cents,
                ).where(ServiceCharge.kind == "late_fee", ServiceCharge.voided_at.is_(None))
            ).all()
        )
        postings = sorted(
            db.session.execute(
                select(
                    Posting.period_id, Posting.account, Posting.category, func.sum(Posting.amount_cents)
                ).group_by(Posting.period_id, Posting.account, Posting.category)
            ).all()
        )
        funds = [
            balances.fund_cash(p) for p in db.session.scalars(select(Period).order_by(Period.start_date))
        ]
    return {"snapshots": snapshots, "fees": fees, "postings": postings, "funds": funds}


def measure_recompute(app, ctx, rounds: int = 1, counter=None, corrected: int = 200, log=print) -> dict:
    """Issue 13's first row: "close + recompute of 10 later periods (job)", the fast path
    against its reference (every later period closed again from scratch), in the same run.

    Each round: reopen period 1 with a correction (``corrected`` members pay 100.00 more),
    run the close job (fast path, timed); then reopen period 1 without any change and run
    the job with ``full_rewrite=True`` (timed). The books after both must be identical
    (snapshots, late fees, postings per account, fund) — the balance check. Returns the
    times of every round."""
    result: dict = {"fast": [], "full": [], "fast_runs": [], "full_runs": []}
    for round_ in range(1, rounds + 1):
        reopen_with_correction(app, ctx, corrected)
        fast = close_job(app, ctx, full_rewrite=False, counter=counter)
        after_fast = books(app, ctx)
        reopen(app, ctx)
        full = close_job(app, ctx, full_rewrite=True, counter=counter)
        after_full = books(app, ctx)
        for part in after_fast:
            assert after_fast[part] == after_full[part], f"fast path and full rewrite: {part}"
        result["fast"].append(fast["job"])
        result["full"].append(full["job"])
        result["fast_runs"].append(fast)
        result["full_runs"].append(full)
        log(
            f"  round {round_}: fast path {ms(fast['job'])} (period 1 {ms(fast['first'])}, "
            f"later {ms(sum(fast['later']))}), full rewrite {ms(full['job'])} (period 1 "
            f"{ms(full['first'])}, later {ms(sum(full['later']))}); books identical"
        )
    return result


def measure_close(app, ctx, rounds: int = 3, counter=None, log=print) -> dict:
    """Issue 13's second row: the close of one period (period 1: 200,000 records, 2,000
    members), the job's work and its commit (``closing.write_close``), after a reopen."""
    from app.extensions import db
    from app.models import Period
    from app.services import closing
    from app.tenancy import community_scope

    times, queries = [], {}
    for _ in range(rounds):
        reopen(app, ctx)
        with app.app_context(), community_scope(ctx["community_id"]):
            period = db.session.get(Period, ctx["period_id"])
            period.status = "closing"
            db.session.commit()
        with app.app_context(), community_scope(ctx["community_id"]):
            period = db.session.get(Period, ctx["period_id"])
            t = time.perf_counter()
            if counter is not None:
                with counter.counting(queries, "close"):
                    closing.write_close(period)
                    db.session.commit()
            else:
                closing.write_close(period)
                db.session.commit()
            times.append(time.perf_counter() - t)
        log(f"  close of period 1: {ms(times[-1])}")
    return {"times": times, "median": statistics.median(times), "queries": queries.get("close")}


def prepare(argv=(), url: str | None = None, log=print):
    """Everything before the measurements of issue 13's first two rows: a fresh schema, the
    community of 2,000 properties with 200,000 records in period 1 (late fee 2.5 %), 10 later
    periods, every period closed in order. Returns (app, ctx, args, server)."""
    args = parser().parse_args(list(argv))
    url = url or os.environ.get("DATABASE_URL", DEFAULT_URL)
    app, server = make_app(url, args.writes)
    rng = random.Random(args.seed)
    log(
        f"Loading {args.contributions + args.expenses + args.charges:,} records over "
        f"{args.properties:,} properties ..."
    )
    ctx = build(app, args, rng)
    set_late_fee(app, ctx, Decimal(args.late_fee))
    later_ids = add_later_periods(app, args, rng, ctx)
    analyze(url)
    log("Closing every period in order ...")
    close_in_order(app, ctx, [ctx["period_id"], *later_ids])
    analyze(url)
    ctx["later_ids"] = later_ids
    return app, ctx, args, server


def set_late_fee(app, ctx, percent: Decimal) -> None:
    from app.extensions import db
    from app.models import Community

    with app.app_context():
        db.session.get(Community, ctx["community_id"]).late_fee_percent = percent
        db.session.commit()


def compare_writes(app, ctx, rounds: int) -> dict:
    """The close of period 1 again (derived rows replaced) and the whole recompute job, with
    each write path in turn: alternating, so a change in the machine's load hits both."""
    from app.extensions import db
    from app.models import Job, Period
    from app.services import closing, periods
    from app.tenancy import community_scope

    times = {("close", m): [] for m in ("values", "copy")}
    times.update({("recompute", m): [] for m in ("values", "copy")})
    for _ in range(rounds):
        for mode in ("values", "copy"):
            app.config["BULK_WRITES"] = mode
            with app.app_context(), community_scope(ctx["community_id"]):
                period = db.session.get(Period, ctx["period_id"])
                t = time.perf_counter()
                closing.write_close(period, recompute=True)
                db.session.commit()
                times[("close", mode)].append(time.perf_counter() - t)
            with app.app_context(), community_scope(ctx["community_id"]):
                period = db.session.get(Period, ctx["period_id"])
                periods.reopen(period)
                period.status = "closing"
                job = Job(
                    community_id=ctx["community_id"],
                    kind="close_period",
                    status="queued",
                    progress=0,
                    period_id=period.id,
                )
                db.session.add(job)
                db.session.commit()
                t = time.perf_counter()
                closing.run_close_job(job.id)
                times[("recompute", mode)].append(time.perf_counter() - t)
                assert db.session.get(Job, job.id).status == "succeeded"
            print(
                f"  {mode}: close {ms(times[('close', mode)][-1])}, close + recompute "
                f"{ms(times[('recompute', mode)][-1])}",
                flush=True,
            )
    med = {k: statistics.median(v) for k, v in times.items()}
    return {
        "close of period 1 (work + commit)": (med[("close", "values")], med[("close", "copy")]),
        "close + recompute of later periods": (med[("recompute", "values")], med[("recompute", "copy")]),
    }


def check_ledger(app, ctx) -> list[str]:
    """The journal balances and every closed period's snapshot carries the previous one."""
    from app.extensions import db
    from app.models import BalanceSnapshot, Period, Posting
    from app.tenancy import community_scope

    notes = []
    with app.app_context(), community_scope(ctx["community_id"]):
        total = db.session.scalar(select(func.coalesce(func.sum(Posting.amount_cents), 0)))
        assert total == 0, f"postings sum to {total}"
        notes.append("journal sums to 0.00")
        previous: dict[int, int] = {}
        for period in db.session.scalars(select(Period).order_by(Period.start_date)):
            rows = db.session.scalars(
                select(BalanceSnapshot).where(BalanceSnapshot.period_id == period.id)
            ).all()
            for s in rows:
                assert s.opening == previous.get(s.member_id, 0), (period.name, s.member_id)
                assert s.closing == (
                    s.opening + s.contributions + s.paid_expenses - s.allocated - s.usage - s.service_charges
                )
            previous = {s.member_id: s.closing for s in rows}
        notes.append("each snapshot opens with the previous closing")
        postings = db.session.scalar(select(func.count()).select_from(Posting))
        notes.append(f"{postings:,} postings in the journal")
    return notes


# --- report ----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(a) for a, _ in rows)
    right = max(32, *(len(b) for _, b in rows))
    line = "+" + "-" * (width + 2) + "+" + "-" * (right + 2) + "+"
    out = [line]
    for a, b in rows:
        out.append(f"| {a:<{width}} | {b:<{right}} |")
    out.append(line)
    return "\n".join(out)


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--properties", type=int, default=2000)
    parser.add_argument("--contributions", type=int, default=150_000)
    parser.add_argument("--expenses", type=int, default=40_000)
    parser.add_argument("--charges", type=int, default=10_000)
    parser.add_argument("--later", type=int, default=10, help="later periods for (c)")
    parser.add_argument("--later-contributions", type=int, default=3000)
    parser.add_argument("--later-expenses", type=int, default=800)
    parser.add_argument("--later-charges", type=int, default=200)
    parser.add_argument("--late-fee", default="2.5", help="the community's late_fee_percent")
    parser.add_argument("--runs", type=int, default=5, help="balance sheet requests to time")
    parser.add_argument("--close-rounds", type=int, default=3, help="re-closes of period 1 to time for (b)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="(c) rounds: a correction closed by the fast path, then the same "
        "books closed again by the full rewrite",
    )
    parser.add_argument(
        "--corrected", type=int, default=200, help="members who get a correcting payment in period 1 for (c)"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--writes",
        choices=("copy", "values"),
        default="copy",
        help="bulk write path (app/services/bulk.py): COPY, or the multi-row INSERTs of the previous code",
    )
    parser.add_argument(
        "--compare",
        type=int,
        default=0,
        metavar="N",
        help="also re-close period 1 and rerun the recompute N times with each "
        "write path, alternately, and print the medians and their ratio",
    )
    parser.add_argument(
        "--profile", action="store_true", help="print a pyinstrument profile of one open-period balance sheet"
    )
    return parser


def make_app(url: str, writes: str = "copy"):
    """A fresh schema in ``url`` (dropped and rebuilt by the migrations) and the app on it.
    Returns (app, PostgreSQL's version)."""
    logging.getLogger("levy.money").setLevel(logging.WARNING)
    fresh_database(url)

    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url),
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SUPPRESS_SEND": True,
            # Nothing here queues a task, but never send one to a real broker from a benchmark.
            "CELERY": {
                "task_always_eager": True,
                "task_eager_propagates": True,
                "broker_url": "memory://",
                "task_ignore_result": True,
            },
        }
    )
    app.config["BULK_WRITES"] = writes
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
        server = db.session.execute(text("SHOW server_version")).scalar_one()
    return app, server


def main(argv=None) -> int:
    args = parser().parse_args(argv)
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    app, server = make_app(url, args.writes)
    from app.extensions import db

    with app.app_context():
        counter = QueryCounter(db.engine)
    load_at_start = os.getloadavg()[0]
    rng = random.Random(args.seed)

    print(
        f"Loading {args.contributions + args.expenses + args.charges:,} records over "
        f"{args.properties:,} properties ...",
        flush=True,
    )
    t = time.perf_counter()
    ctx = build(app, args, rng)
    set_late_fee(app, ctx, Decimal(args.late_fee))
    load_time = time.perf_counter() - t
    analyze(url)
    print(f"  {ctx['rows']:,} rows in {load_time:.1f} s", flush=True)

    print("(a) balance sheet of the open period ...", flush=True)
    open_sheet = sheet_timings(app, counter, ctx, args.runs)
    if args.profile:
        profile_sheet(app, ctx)
    print("(b) close ...", flush=True)
    close = close_timings(app, counter, ctx)
    closed_sheet = sheet_timings(app, counter, ctx, args.runs)
    for part in ("rows", "totals", "budget", "fund"):
        assert closed_sheet["body"][part] == open_sheet["body"][part], (
            f"the closed sheet's {part} differ from the live sheet's"
        )

    print(f"(c) {args.later} later periods, closed in order ...", flush=True)
    later_ids = add_later_periods(app, args, rng, ctx)
    analyze(url)
    later_close = close_in_order(app, ctx, later_ids)
    print(f"(b) period 1 closed again, {args.close_rounds} times ...", flush=True)
    reclose = measure_close(app, ctx, args.close_rounds, counter, log=lambda line: print(line, flush=True))
    print(
        f"(c) a correction in period 1, closed by the fast path and by the full rewrite, "
        f"{args.rounds} rounds ...",
        flush=True,
    )
    recompute = measure_recompute(
        app, ctx, args.rounds, counter, args.corrected, log=lambda line: print(line, flush=True)
    )
    compared = compare_writes(app, ctx, args.compare) if args.compare else None
    app.config["BULK_WRITES"] = args.writes
    notes = check_ledger(app, ctx)
    fast, full = statistics.median(recompute["fast"]), statistics.median(recompute["full"])
    fast_run, full_run = recompute["fast_runs"][-1], recompute["full_runs"][-1]

    per_later = args.later_contributions + args.later_expenses + args.later_charges
    print()
    print(
        f"Levy bench — {date.today()} — {platform.node()} — Python {platform.python_version()}"
        f" — PostgreSQL {server} — {os.cpu_count()} CPUs — load average at start "
        f"{load_at_start:.1f}, at end {os.getloadavg()[0]:.1f}"
    )
    print(
        f"1 community, {args.properties:,} properties / owners + 1 admin, period 1: "
        f"{args.contributions:,} contributions, {args.expenses:,} expenses, "
        f"{args.charges:,} service charges, {len(CATEGORIES)} budget items, "
        f"{2 * args.properties:,} readings; late fee {args.late_fee} %"
    )
    print(
        table(
            [
                ("load (bulk insert, incl. journal)", f"{ctx['rows']:,} rows, {load_time:.1f} s"),
                ("(a) sheet, open period: median", f"{ms(open_sheet['median'])} (of {args.runs})"),
                (
                    "    min / max / first request",
                    f"{ms(open_sheet['min'])} / {ms(open_sheet['max'])} / {ms(open_sheet['first'])}",
                ),
                ("    of it Python CPU (median)", ms(open_sheet["cpu"])),
                ("    SQL statements per request", str(open_sheet["queries"])),
                (
                    "    rows / response size",
                    f"{open_sheet['rows']:,} / {open_sheet['bytes'] / 1024:,.0f} KiB",
                ),
                ("(b) close request checks", f"{ms(close['check'])}, {close['check_queries']} statements"),
                (
                    "    first close: work + commit",
                    f"{ms(close['close'])}, {close['close_queries']} statements",
                ),
                (
                    f"    re-close after reopen (median of {args.close_rounds})",
                    f"{ms(reclose['median'])}, {reclose['queries']} statements",
                ),
                ("(a) sheet, closed period: median", f"{ms(closed_sheet['median'])} (of {args.runs})"),
                ("    min / of it Python CPU", f"{ms(closed_sheet['min'])} / {ms(closed_sheet['cpu'])}"),
                ("    SQL statements per request", str(closed_sheet["queries"])),
                (
                    f"later periods: {args.later} x {per_later:,} records",
                    f"closed one by one: {ms(statistics.mean(later_close))} each",
                ),
                (
                    f"(c) close job + recompute, fast path (median of {args.rounds})",
                    f"{ms(fast)}, {fast_run['queries']} statements",
                ),
                (
                    "    of which period 1 / later periods",
                    f"{ms(fast_run['first'])} / {ms(sum(fast_run['later']))} "
                    f"({ms(statistics.mean(fast_run['later']))} each)",
                ),
                (
                    f"    full rewrite, the reference (median of {args.rounds})",
                    f"{ms(full)}, {full_run['queries']} statements",
                ),
                (
                    "    of which period 1 / later periods",
                    f"{ms(full_run['first'])} / {ms(sum(full_run['later']))} "
                    f"({ms(statistics.mean(full_run['later']))} each)",
                ),
                ("    full rewrite / fast path", f"{full / fast:.1f}x"),
            ]
        )
    )
    if compared:
        print(
            f"Write paths compared in this run, alternately, {args.compare} times each "
            "(median; values = the previous multi-row INSERTs, copy = COPY):"
        )
        print(
            table(
                [(what, f"values {ms(v)} / copy {ms(c)} = {v / c:.2f}x") for what, (v, c) in compared.items()]
            )
        )
    for note in notes:
        print(f"check: {note}")
    print("check: the closed sheet's rows, totals, budget and fund equal the live sheet's")
    print(
        f"check: after each of {args.rounds} rounds the fast path's books (snapshots, late "
        "fees, postings per account, funds) equal the full rewrite's"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
