"""Issue 13's table in one command: five rows, each against its reference in the same run.

    .venv/bin/python bench/table.py            # the issue's size (2,000 properties, 200,000 records)
    .venv/bin/python bench/table.py --quick    # 200 properties, 20,000 records: a smoke run

Builds the community bench/run.py builds (same functions, same seed), then measures:

  1. close + recompute of the later periods (the close job after a reopen of period 1),
     against a full re-close of the same periods (``run_close_job(full_rewrite=True)``),
     when this code has that reference;
  2. the close of period 1 (``closing.write_close`` + commit), against the open balance
     sheet of the same period (the same splits, computed without writing anything);
  3. the open balance sheet (``GET .../balance-sheet``, Flask test client), against one
     hand-written SQL query giving the same rows (bench/sql_floor.py; rows compared);
  4. recording a contribution, 20 concurrent clients over HTTP, gunicorn started with
     gunicorn.conf.py on this machine, against ``GET /healthz`` under the same load;
  5. one client, one write after another: p50 over HTTP and the SQL statements one POST
     sends, against ``GET /healthz`` one after another.

Then the checks: every contribution the clients were told was recorded is in the period
(count and sum exact), the journal sums to zero, each snapshot opens with the previous
closing, and the SQL floor's rows equal the sheet's.

DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/levy_bench) is dropped and rebuilt
as in bench/run.py: never point it at a database you care about.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

import http_load  # noqa: E402
import run as bench  # noqa: E402
import sql_floor  # noqa: E402

GOALS = {
    "recompute": 5.0,
    "close": 1.0,
    "sheet_ratio": 1.5,
    "writes_per_s": 400,
    "writes_p95": 0.060,
    "write_p50": 0.008,
}
QUICK = {
    "properties": 200,
    "contributions": 15_000,
    "expenses": 4_000,
    "charges": 1_000,
    "later": 3,
    "later_contributions": 300,
    "later_expenses": 80,
    "later_charges": 20,
}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


# --- rows 4 and 5: writes over HTTP -------------------------------------------------------


@contextmanager
def gunicorn(url: str, port: int):
    """gunicorn with gunicorn.conf.py (its worker model and count), on this database."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-only",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
    }
    env.pop("REDIS_URL", None)
    log = open(HERE / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn and config)
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        http_load.wait_until_up("127.0.0.1", port, "/healthz")
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def contribution_request(ctx, period_id: int, start: date, days: int, seed: int):
    rng = random.Random(seed)
    owners = ctx["owner_ids"]
    headers = {"Authorization": f"Bearer {ctx['token']}"}
    path = f"/api/c/{bench.SLUG}/periods/{period_id}/contributions"

    def make(client: int, n: int):
        cents = rng.randrange(1_00, 500_00)
        body = {
            "member_id": rng.choice(owners),
            "amount": f"{cents // 100}.{cents % 100:02d}",
            "date": (start + timedelta(days=rng.randrange(days))).isoformat(),
        }
        return "POST", path, body, headers

    return make


def healthz(client: int, n: int):
    return "GET", "/healthz", None, {}


def statements_per_write(app, counter, ctx, period_id: int) -> tuple[int, list[str]]:
    """The SQL one contribution POST sends (a warm one: the token's use already noted)."""
    client = app.test_client()
    make = contribution_request(ctx, period_id, date(2026, 1, 1), 90, seed=1)
    seen: list[str] = []
    from sqlalchemy import event

    def note(conn, cursor, statement, *args):
        seen.append(" ".join(statement.split())[:90])

    for n in range(2):
        _, path, body, headers = make(0, n)
        if n == 1:
            event.listen(counter.engine, "before_cursor_execute", note)
        response = client.post(path, json=body, headers=headers)
        assert response.status_code == 201, response.get_data(as_text=True)[:300]
    event.remove(counter.engine, "before_cursor_execute", note)
    return len(seen), seen


def period_contributions(app, ctx, period_id: int) -> tuple[int, int]:
    from app.extensions import db
    from app.models import Contribution
    from app.tenancy import community_scope

    with app.app_context(), community_scope(ctx["community_id"]):
        count, total = db.session.execute(
            select(func.count(), func.coalesce(func.sum(Contribution.amount_cents), 0)).where(
                Contribution.period_id == period_id, Contribution.voided_at.is_(None)
            )
        ).one()
        return int(count), int(total)


def cents_of(amount: str) -> int:
    whole, _, frac = amount.partition(".")
    return int(whole) * 100 + int(frac or 0)


def measure_writes(app, counter, ctx, url: str, args) -> dict:
    period_id = ctx["period_id"]
    start, days = date(2026, 1, 1), 90
    out: dict = {}
    out["statements"], out["statement_text"] = statements_per_write(app, counter, ctx, period_id)
    before = period_contributions(app, ctx, period_id)
    with gunicorn(url, args.port) as _server:
        host, port = "127.0.0.1", args.port
        # warm every worker and thread (imports, connections) before timing anything
        http_load.run(host, port, args.clients, None, healthz, 200, count=5)
        warm = http_load.run(
            host,
            port,
            args.clients,
            None,
            contribution_request(ctx, period_id, start, days, seed=2),
            201,
            count=2,
        )
        sent = list(warm.sent)
        for rnd in range(args.rounds):  # alternate measured and reference, round by round
            one = http_load.run(
                host,
                port,
                1,
                None,
                contribution_request(ctx, period_id, start, days, seed=10 + rnd),
                201,
                count=args.single,
            )
            one_ref = http_load.run(host, port, 1, None, healthz, 200, count=args.single)
            many = http_load.run(
                host,
                port,
                args.clients,
                args.seconds,
                contribution_request(ctx, period_id, start, days, seed=20 + rnd),
                201,
            )
            many_ref = http_load.run(host, port, args.clients, args.seconds, healthz, 200)
            out.setdefault("rounds", []).append((one, one_ref, many, many_ref))
        for one, _, many, _ in out["rounds"]:
            sent += one.sent + many.sent
    after = period_contributions(app, ctx, period_id)
    written = after[0] - before[0]
    assert written == len(sent), f"{written} contributions written, {len(sent)} answered 201"
    sent_total = sum(cents_of(b["amount"]) for b in sent)
    assert after[1] - before[1] == sent_total, (after[1] - before[1], sent_total)
    out["checked"] = f"{len(sent):,} answered writes all in the period, amounts exact"
    out["errors"] = {}
    for rnd in out["rounds"]:
        for r in rnd:
            for status, k in r.errors.items():
                out["errors"][status] = out["errors"].get(status, 0) + k
    return out


# --- row 3: the open sheet against the SQL floor ------------------------------------------


def measure_floor(url: str, ctx, runs: int, sheet_body: dict) -> dict:
    with psycopg.connect(**bench.libpq_kwargs(url)) as conn:
        floor_rows = sql_floor.rows(conn, ctx["community_id"], ctx["period_id"])  # warm-up
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            floor_rows = sql_floor.rows(conn, ctx["community_id"], ctx["period_id"])
            times.append(time.perf_counter() - t)
    from app.money import format_cents

    sheet_rows = [(r["member_id"], r["name"], *(r[c] for c in sql_floor.COLUMNS)) for r in sheet_body["rows"]]
    floor_shown = [(m, n, *(format_cents(v) for v in values)) for m, n, *values in floor_rows]
    differ = [(a, b) for a, b in zip(sheet_rows, floor_shown) if a != b]
    same = len(sheet_rows) == len(floor_shown) and not differ
    return {
        "median": statistics.median(times),
        "rows": len(floor_rows),
        "same": same,
        "differ": differ[:3],
        "sheet_rows": len(sheet_rows),
    }


# --- rows 1 and 2 -------------------------------------------------------------------------


def recompute(app, counter, ctx) -> tuple[float, float]:
    """Row 1: bench/run.py's reopen-with-correction + close job on the fast path, and its
    reference, the same job re-closing every later period from scratch; the books after both
    must be identical (``measure_recompute`` asserts it). Returns (fast, full) seconds."""
    result = bench.measure_recompute(app, ctx, rounds=1, counter=counter, log=lambda s: print(s, flush=True))
    return statistics.median(result["fast"]), statistics.median(result["full"])


# --- report -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return bench.ms(seconds)


def verdict(ok: bool) -> str:
    return "yes" if ok else "NO"


def print_table(rows: list[tuple[str, ...]]) -> None:
    header = ("what", "now", "reference (same run)", "ratio", "goal", "met")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    print(line)
    for r in [header, None, *rows]:
        if r is None:
            print(line)
            continue
        print("| " + " | ".join(f"{c!s:<{w}}" for c, w in zip(r, widths)) + " |")
    print(line)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a small community (see QUICK)")
    parser.add_argument("--properties", type=int, default=2000)
    parser.add_argument("--contributions", type=int, default=150_000)
    parser.add_argument("--expenses", type=int, default=40_000)
    parser.add_argument("--charges", type=int, default=10_000)
    parser.add_argument("--later", type=int, default=10)
    parser.add_argument("--later-contributions", type=int, default=3000)
    parser.add_argument("--later-expenses", type=int, default=800)
    parser.add_argument("--later-charges", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5, help="sheet and floor runs (median)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="per concurrent round")
    parser.add_argument("--single", type=int, default=200, help="one-client writes per round")
    parser.add_argument("--rounds", type=int, default=2, help="alternated write rounds")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.quick:
        for key, value in QUICK.items():
            setattr(args, key, value)
        args.seconds, args.single, args.rounds, args.runs = 3.0, 50, 1, 3

    url = os.environ.get("DATABASE_URL", bench.DEFAULT_URL)
    app, server = bench.make_app(url)  # a fresh schema, migrated, as bench/run.py does
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    counter = bench.QueryCounter(engine)
    counter.engine = engine
    load_start = os.getloadavg()
    rng = random.Random(args.seed)

    print(
        f"Loading {args.contributions + args.expenses + args.charges:,} records over "
        f"{args.properties:,} properties ...",
        flush=True,
    )
    ctx = bench.build(app, args, rng)
    bench.analyze(url)

    print("(4, 5) writes over HTTP, gunicorn with gunicorn.conf.py ...", flush=True)
    writes = measure_writes(app, counter, ctx, url, args)
    bench.analyze(url)

    print("(3) open balance sheet and the SQL floor ...", flush=True)
    sheet = bench.sheet_timings(app, counter, ctx, args.runs)
    floor = measure_floor(url, ctx, args.runs, sheet["body"])

    print("(2) close of period 1 ...", flush=True)
    close = bench.close_timings(app, counter, ctx)

    print(f"(1) {args.later} later periods, reopen period 1, close job ...", flush=True)
    later_ids = bench.add_later_periods(app, args, rng, ctx)
    bench.analyze(url)
    bench.close_in_order(app, ctx, later_ids)
    fast, full = recompute(app, counter, ctx)
    notes = bench.check_ledger(app, ctx)
    load_end = os.getloadavg()

    rounds = writes["rounds"]

    def med(values):
        return statistics.median(values)

    one_p50 = med([r[0].p50 for r in rounds])
    one_ref = med([r[1].p50 for r in rounds])
    many_rate = med([r[2].per_second for r in rounds])
    many_p95 = med([r[2].percentile(95) for r in rounds])
    many_p50 = med([r[2].p50 for r in rounds])
    ref_rate = med([r[3].per_second for r in rounds])
    ref_p95 = med([r[3].percentile(95) for r in rounds])

    import multiprocessing

    gconf: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), gconf)  # noqa: S102 (our own config file)
    print()
    print(
        f"Levy issue 13 table — {date.today()} — {platform.node()} — {cpu_model()}, "
        f"{multiprocessing.cpu_count()} cores — Python {platform.python_version()} — "
        f"PostgreSQL {server}"
    )
    print(
        f"load average (1/5/15 min) at start {load_start[0]:.1f}/{load_start[1]:.1f}/"
        f"{load_start[2]:.1f}, at end {load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f}"
    )
    print(
        f"size: {args.properties:,} properties, period 1 with {args.contributions:,} "
        f"contributions, {args.expenses:,} expenses, {args.charges:,} charges; "
        f"{args.later} later periods of "
        f"{args.later_contributions + args.later_expenses + args.later_charges:,} records"
    )
    print(
        f"gunicorn: {gconf['worker_class']}, {gconf['workers']} workers x {gconf['threads']} "
        f"threads; load: {args.clients} clients x {args.seconds:g} s, {args.single} single "
        f"writes, {args.rounds} alternated round(s)"
    )
    rows = []
    rows.append(
        (
            f"1 close + recompute of {args.later} later periods (job)",
            ms(fast),
            f"full re-close {ms(full)}",
            f"{fast / full:.2f}x",
            f"<= {ms(GOALS['recompute'])}",
            verdict(fast <= GOALS["recompute"]),
        )
    )
    rows.append(
        (
            "2 close of one period",
            ms(close["close"]),
            f"open sheet {ms(sheet['median'])}",
            f"{close['close'] / sheet['median']:.1f}x",
            f"<= {ms(GOALS['close'])}",
            verdict(close["close"] <= GOALS["close"]),
        )
    )
    ratio = sheet["median"] / floor["median"]
    rows.append(
        (
            "3 open balance sheet",
            ms(sheet["median"]),
            f"SQL floor {ms(floor['median'])}",
            f"{ratio:.1f}x",
            f"<= {GOALS['sheet_ratio']}x",
            verdict(ratio <= GOALS["sheet_ratio"]),
        )
    )
    rows.append(
        (
            f"4 record a contribution, {args.clients} clients",
            f"{many_rate:,.0f}/s, p50 {ms(many_p50)}, p95 {ms(many_p95)}",
            f"/healthz {ref_rate:,.0f}/s, p95 {ms(ref_p95)}",
            f"{many_rate / ref_rate:.2f}x rate",
            f">= {GOALS['writes_per_s']}/s, p95 <= {ms(GOALS['writes_p95'])}",
            verdict(many_rate >= GOALS["writes_per_s"] and many_p95 <= GOALS["writes_p95"]),
        )
    )
    rows.append(
        (
            "5 one client, one write",
            f"p50 {ms(one_p50)}, {writes['statements']} SQL statements",
            f"/healthz p50 {ms(one_ref)}",
            f"{one_p50 / one_ref:.1f}x",
            f"p50 <= {ms(GOALS['write_p50'])}",
            verdict(one_p50 <= GOALS["write_p50"]),
        )
    )
    print_table(rows)
    # Keep-alive clients stay with the worker process that accepted them: when 20 split
    # 12/8 between two processes, the 12 wait longer (a tail the server's speed cannot fix).
    spreads = ", ".join(f"{min(r[2].per_client)}-{max(r[2].per_client)}" for r in rounds)
    print(f"row 4: writes per client, fewest-most, per round: {spreads}")
    print("statements of one contribution POST:")
    for statement in writes["statement_text"]:
        print(f"  - {statement}")
    if writes["errors"]:
        print(f"write errors (status: count): {writes['errors']}")
    print(f"check: {writes['checked']}")
    if floor["same"]:
        print(f"check: the SQL floor's {floor['rows']:,} rows equal the sheet's")
    else:
        print(
            f"check FAILED: the SQL floor gives {floor['rows']} rows, the sheet "
            f"{floor['sheet_rows']}; first differences: {floor['differ']}"
        )
    for note in notes:
        print(f"check: {note}")
    return 0 if floor["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
