"""Imports at scale on PostgreSQL: 5,000 properties, then 50,000 contributions, from files.

    .venv/bin/python bench/imports.py                 # the figures in bench/README.md
    .venv/bin/python bench/imports.py --properties 500 --contributions 5000

Generates the files a treasurer would upload (CSV, semicolons, Windows-1251, Russian headers,
decimal commas, amounts like "1 234,50", dates DD.MM.YYYY) and posts them through the Flask
test client to the real endpoints with a bearer token: a dry run (the preview), then the
import itself, each timed whole (request in, JSON answer out, committed). Every property's
owner is new (half of them with an email, who get an invite), so the properties import also
creates 5,000 members. Then checks the counts, the sum and that the journal sums to zero.

Like bench/run.py, DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/levy_bench)
names the database, whose ``public`` schema is dropped and rebuilt on every run.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import fresh_database, sqlalchemy_url

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/levy_bench"
START = date(2026, 1, 1)


def properties_file(n: int, rng: random.Random, email_every: int) -> bytes:
    lines = ["Участок;Площадь, кв. м;Владелец;Email;Активен"]
    for i in range(1, n + 1):
        weight = f"{rng.randint(300, 14999) // 100},{rng.randint(0, 99):02d}"
        email = f"owner{i}@bench.example" if i % email_every == 0 else ""
        lines.append(f"Участок {i};{weight};Владелец Номер {i};{email};да")
    return ("\r\n".join(lines) + "\r\n").encode("cp1251")


def contributions_file(n: int, plots: int, rng: random.Random) -> tuple[bytes, int]:
    lines, total = ["Дата;Сумма;Участок;Комментарий"], 0
    for i in range(n):
        cents = rng.randint(100, 2_000_000)
        total += cents
        units, rest = divmod(cents, 100)
        amount = f"{units:,}".replace(",", "\u00a0") + f",{rest:02d}"
        day = START + timedelta(days=rng.randint(0, 89))
        lines.append(f"{day:%d.%m.%Y};{amount};Участок {rng.randint(1, plots)};взнос {i}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1251"), total


def timed_post(client, url, token, content: bytes, dry_run: bool):
    t = time.perf_counter()
    response = client.post(
        url + ("?dry_run=1" if dry_run else ""),
        headers={"Authorization": f"Bearer {token}"},
        data={"file": (io.BytesIO(content), "import.csv")},
        content_type="multipart/form-data",
    )
    elapsed = time.perf_counter() - t
    body = response.get_json()
    expected = 200 if dry_run else 201
    if response.status_code != expected:
        raise SystemExit(f"{url}: {response.status_code} {str(body)[:500]}")
    return elapsed, body


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--properties", type=int, default=5_000)
    parser.add_argument("--contributions", type=int, default=50_000)
    parser.add_argument(
        "--email-every", type=int, default=2, help="every Nth owner has an email (the others have none)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--writes",
        choices=("copy", "values"),
        default="copy",
        help="bulk write path (app/services/bulk.py): COPY, or the multi-row INSERTs of the previous code",
    )
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    fresh_database(url)

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Contribution, Member, Posting, Property

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": sqlalchemy_url(url),
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SUPPRESS_SEND": True,
            "SERVER_NAME": "bench.levy.test",
            "CELERY": {
                "task_always_eager": True,
                "task_eager_propagates": True,
                "broker_url": "memory://",
                "task_ignore_result": True,
            },
        }
    )
    app.config["BULK_WRITES"] = args.writes
    for name in ("alembic", "levy.mail", "levy.money"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
    rng = random.Random(args.seed)
    client = app.test_client()
    signup = client.post(
        "/api/signup",
        json={
            "community_name": "СНТ Бенчмарк",
            "slug": "bench",
            "name": "Ada Admin",
            "email": "ada@bench.example",
            "password": "correct horse battery",
        },
    ).get_json()
    token, api = signup["token"], "/api/c/bench"

    plots = properties_file(args.properties, rng, args.email_every)
    print(f"Write path: {args.writes}; load average {os.getloadavg()[0]:.1f}")
    print(f"Properties file: {args.properties:,} rows, {len(plots) / 1e6:.2f} MB", flush=True)
    preview, body = timed_post(client, f"{api}/imports/properties", token, plots, True)
    print(f"  dry run (preview)  {preview:6.2f} s   {body['created']:,} to create", flush=True)
    took, body = timed_post(client, f"{api}/imports/properties", token, plots, False)
    print(
        f"  import             {took:6.2f} s   {body['created']:,} created, {len(body['invites']):,} invited",
        flush=True,
    )

    period = client.post(
        f"{api}/periods",
        headers={"Authorization": f"Bearer {token}"},
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    ).get_json()
    payments, total = contributions_file(args.contributions, args.properties, rng)
    path = f"{api}/periods/{period['id']}/imports/contributions"
    print(f"Contributions file: {args.contributions:,} rows, {len(payments) / 1e6:.2f} MB", flush=True)
    preview_c, body = timed_post(client, path, token, payments, True)
    print(f"  dry run (preview)  {preview_c:6.2f} s", flush=True)
    took_c, body = timed_post(client, path, token, payments, False)
    print(f"  import             {took_c:6.2f} s   {body['created']:,} created", flush=True)

    with app.app_context():
        from app.tenancy import unscoped

        with unscoped():
            counts = (
                db.session.scalar(select(func.count()).select_from(Property)),
                db.session.scalar(select(func.count()).select_from(Member)),
                db.session.scalar(select(func.count()).select_from(Contribution)),
                db.session.scalar(select(func.sum(Contribution.amount_cents))),
                db.session.scalar(select(func.sum(Posting.amount_cents))),
            )
    assert counts[0] == args.properties and counts[1] == args.properties + 1, counts
    assert counts[2] == args.contributions and counts[3] == total, counts
    assert counts[4] == 0, "the journal does not sum to zero"
    print(
        f"Checks: {counts[0]:,} properties, {counts[1]:,} members, {counts[2]:,} "
        f"contributions summing to the file's {total / 100:,.2f}; the journal sums to zero."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
