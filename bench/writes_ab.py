"""Rows 4 and 5 of bench/table.py for two checkouts, alternated round by round.

On a VM whose speed drifts by a factor of two within minutes, two separate runs of the
table cannot tell a change of 20 % from the weather. This script builds one small community
(bench/table.py's --quick sizes), then starts gunicorn from each checkout in turn on that
same database, round after round, and prints each round and the medians: the write rate of
20 keep-alive clients with its p50/p95, the one-client p50, /healthz under the same load,
and the CPU per write of gunicorn, PostgreSQL and the load generator (from /proc).

    git worktree add /tmp/levy-old <commit>
    .venv/bin/python bench/writes_ab.py /tmp/levy-old . --rounds 3

Each checkout needs its compiled translations (``pybabel compile -d app/translations``);
both run with this virtualenv. The database (``DATABASE_URL``, default levy_bench_ab) is
dropped and rebuilt.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import http_load  # noqa: E402
import run as bench  # noqa: E402
import table  # noqa: E402

START, DAYS = date(2026, 1, 1), 90


def cpu_seconds() -> dict[str, float]:
    """CPU time so far of every gunicorn and PostgreSQL process on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {"gunicorn": 0.0, "postgres": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        name, fields = stat.split()[1], stat.rsplit(")", 1)[1].split()
        used = (int(fields[11]) + int(fields[12])) / tick
        if name.startswith("(postgres"):
            found["postgres"] += used
        elif b"gunicorn" in command:
            found["gunicorn"] += used
    return found


def one_round(ctx, port: int, seconds: float, seed: int) -> dict:
    host, period_id = "127.0.0.1", ctx["period_id"]
    http_load.run(host, port, 20, None, table.healthz, 200, count=5)  # warm every thread
    one = http_load.run(
        host, port, 1, None, table.contribution_request(ctx, period_id, START, DAYS, seed), 201, count=150
    )
    health = http_load.run(host, port, 20, seconds / 2, table.healthz, 200)
    before, mine = cpu_seconds(), os.times()
    many = http_load.run(
        host, port, 20, seconds, table.contribution_request(ctx, period_id, START, DAYS, seed + 1), 201
    )
    after, mine_after = cpu_seconds(), os.times()
    writes = max(len(many.latencies), 1)
    per_write = {key: (after[key] - before[key]) / writes for key in after}
    per_write["client"] = (mine_after.user + mine_after.system - mine.user - mine.system) / writes
    return {
        "rate": many.per_second,
        "p50": many.p50,
        "p95": many.percentile(95),
        "one": one.p50,
        "healthz": health.per_second,
        "spread": (min(many.per_client), max(many.per_client)),
        "cpu": per_write,
        "errors": many.errors,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "checkouts", nargs="+", type=Path, help="directories holding gunicorn.conf.py and app/"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0, help="per concurrent write round")
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/levy_bench_ab")
    app, _server = bench.make_app(url)
    sizes = argparse.Namespace(**table.QUICK, seed=1)
    ctx = bench.build(app, sizes, random.Random(1))
    bench.analyze(url)

    results: dict[Path, list[dict]] = {root: [] for root in args.checkouts}
    for n in range(args.rounds):
        for root in args.checkouts:
            table.ROOT = root.resolve()  # table.gunicorn starts gunicorn from there
            with table.gunicorn(url, args.port):
                r = one_round(ctx, args.port, args.seconds, seed=100 * n)
            results[root].append(r)
            cpu = ", ".join(f"{k} {v * 1000:.2f}" for k, v in r["cpu"].items())
            print(
                f"round {n + 1} {root}: {r['rate']:.0f}/s p50 {r['p50'] * 1000:.0f} ms p95 "
                f"{r['p95'] * 1000:.0f} ms (clients {r['spread'][0]}-{r['spread'][1]} writes) | one "
                f"client p50 {r['one'] * 1000:.1f} ms | /healthz {r['healthz']:.0f}/s | CPU ms per "
                f"write: {cpu}" + (f" | errors {r['errors']}" if r["errors"] else ""),
                flush=True,
            )
    print()
    for root, rounds in results.items():

        def med(key, rounds=rounds):
            return statistics.median(r[key] for r in rounds)

        print(
            f"median {root}: {med('rate'):.0f} writes/s, p95 {med('p95') * 1000:.0f} ms, one client "
            f"p50 {med('one') * 1000:.1f} ms, /healthz {med('healthz'):.0f}/s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
