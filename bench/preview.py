"""The correction preview at scale on PostgreSQL: 2,000 members × 10 later closed periods.

    .venv/bin/python bench/preview.py            # the figures in bench/README.md

Builds the community of ``bench/run.py`` (its data builder: 2,000 properties and owners,
period 1 with 200,000 records, 10 later quarters with 4,000 records each), with a late fee
of 2.5 %, closes every period in order, reopens period 1 and records a correction (a
payment for 200 members), then times ``GET /api/c/bench/periods/<id>/recompute-preview``
through the Flask test client with a bearer token (first request and median of N). Then it
closes period 1 again through the close job (which recomputes the 10 later periods) and
checks that every member's closing in every period is what the preview said.

Same database rules as run.py: DATABASE_URL (default
postgresql://postgres@127.0.0.1:5432/levy_bench); its ``public`` schema is dropped.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as data  # bench/run.py: the data builder


def setup(args):
    url = os.environ.get("DATABASE_URL", data.DEFAULT_URL)
    app, server = data.make_app(url)  # bench/run.py's: a fresh schema, migrated
    return app, url, server


def set_percent(app, ctx, percent: Decimal) -> None:
    from app.extensions import db
    from app.models import Community

    with app.app_context():
        db.session.get(Community, ctx["community_id"]).late_fee_percent = percent
        db.session.commit()


def reopen_with_correction(app, ctx, members: int) -> None:
    """Reopen period 1 and record a payment of 100.00 for the first ``members`` owners."""
    from app.extensions import db
    from app.models import Period
    from app.services import periods, records
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        period = db.session.get(Period, ctx["period_id"])
        periods.reopen(period)
        for member_id in ctx["owner_ids"][:members]:
            records.CONTRIBUTION.create(
                period, member_id=member_id, amount_cents=100_00, date=period.end_date, comment="correction"
            )
        db.session.commit()


def time_preview(app, ctx, runs: int) -> dict:
    client = app.test_client()
    url = f"/api/c/{data.SLUG}/periods/{ctx['period_id']}/recompute-preview"
    headers = {"Authorization": f"Bearer {ctx['token']}"}
    t = time.perf_counter()
    response = client.get(url, headers=headers)
    first = time.perf_counter() - t
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        response = client.get(url, headers=headers)
        times.append(time.perf_counter() - t)
        assert response.status_code == 200
    return {
        "first": first,
        "median": statistics.median(times),
        "max": max(times),
        "body": response.get_json(),
    }


def close_again_and_compare(app, ctx, preview: dict) -> tuple[float, int]:
    """The real close job on period 1; every closing must be what the preview said."""
    from app.extensions import db
    from app.models import BalanceSnapshot, Job, Period
    from app.services import closing
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        before = {p["id"]: {} for p in preview["periods"]}
        for period_id, member_id, closing_cents in db.session.execute(
            data.select(BalanceSnapshot.period_id, BalanceSnapshot.member_id, BalanceSnapshot.closing)
        ):
            if period_id in before:
                before[period_id][member_id] = closing_cents
        period = db.session.get(Period, ctx["period_id"])
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
        took = time.perf_counter() - t
        checked = 0
        for entry in preview["periods"]:
            changed = {r["member_id"]: r["closing_after"] for r in entry["rows"]}
            after = dict(
                db.session.execute(
                    data.select(BalanceSnapshot.member_id, BalanceSnapshot.closing).where(
                        BalanceSnapshot.period_id == entry["id"]
                    )
                ).all()
            )
            for member_id in set(after) | set(before[entry["id"]]):
                expected = changed.get(member_id)
                got = data_cents(after.get(member_id, 0))
                if expected is None:
                    expected = data_cents(before[entry["id"]].get(member_id, 0))
                assert got == expected, (entry["name"], member_id, got, expected)
                checked += 1
    return took, checked


def data_cents(cents: int) -> str:
    from app.money import format_cents

    return format_cents(cents)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--properties", type=int, default=2000)
    parser.add_argument("--contributions", type=int, default=150_000)
    parser.add_argument("--expenses", type=int, default=40_000)
    parser.add_argument("--charges", type=int, default=10_000)
    parser.add_argument("--later", type=int, default=10)
    parser.add_argument("--later-contributions", type=int, default=3000)
    parser.add_argument("--later-expenses", type=int, default=800)
    parser.add_argument("--later-charges", type=int, default=200)
    parser.add_argument(
        "--corrected", type=int, default=200, help="members who get a correcting payment in period 1"
    )
    parser.add_argument("--percent", default="2.5", help="late_fee_percent")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    app, url, server = setup(args)
    rng = random.Random(args.seed)
    print("Loading ...", flush=True)
    ctx = data.build(app, args, rng)
    set_percent(app, ctx, Decimal(args.percent))
    later_ids = data.add_later_periods(app, args, rng, ctx)
    data.analyze(url)
    print("Closing every period in order ...", flush=True)
    data.close_in_order(app, ctx, [ctx["period_id"], *later_ids])
    reopen_with_correction(app, ctx, args.corrected)
    data.analyze(url)
    print("Preview ...", flush=True)
    load = os.getloadavg()[0]
    timing = time_preview(app, ctx, args.runs)
    periods = timing["body"]["periods"]
    rows = sum(len(p["rows"]) for p in periods)
    print("Close job (period 1 + recompute) and compare ...", flush=True)
    close_time, checked = close_again_and_compare(app, ctx, timing["body"])

    print()
    print(
        f"Levy preview bench — {date.today()} — {platform.node()} — Python "
        f"{platform.python_version()} — PostgreSQL {server} — {os.cpu_count()} CPUs — "
        f"load average {load:.1f}"
    )
    print(
        data.table(
            [
                ("members / later closed periods", f"{args.properties:,} / {len(later_ids)}"),
                ("late fee / corrected members", f"{args.percent} % / {args.corrected}"),
                ("preview: first request", data.ms(timing["first"])),
                (
                    f"preview: median of {args.runs} / max",
                    f"{data.ms(timing['median'])} / {data.ms(timing['max'])}",
                ),
                ("periods / changed rows listed", f"{len(periods)} / {rows:,}"),
                ("then the close job (fast path)", data.ms(close_time)),
            ]
        )
    )
    print(f"check: {checked:,} closings written by the close equal the preview's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
