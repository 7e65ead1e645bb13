"""A 10,000-line bank statement on PostgreSQL: upload (read, match, write), then confirm.

    .venv/bin/python bench/bank_import.py                  # the figures in bench/README.md
    .venv/bin/python bench/bank_import.py --lines 2000 --properties 500

Loads a community of ``--properties`` owners (one plot each, "Участок N"), an open period
and one earlier fund-paid expense per vendor, then posts a 1CClientBankExchange statement
(Windows-1251) of ``--lines`` lines through the Flask test client with a bearer token: 90 %
money in naming a plot in the purpose, 10 % money out to a known vendor. Times the upload
(the API answers 201 with every line, so it reads the file in the request) and the confirm
(every line recorded, one transaction), and checks the counts and that the journal sums to
zero.

DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/levy_bench_bank) names the
database, whose ``public`` schema is dropped and rebuilt on every run.
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

from run import fresh_database, sqlalchemy_url  # bench/run.py, same folder

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/levy_bench_bank"
START = date(2026, 1, 1)
OWN = "40703810000000000001"
VENDORS = ("ООО Охрана", "ИП Снегов", "АО Энергосбыт")


def statement(lines: int, plots: int, rng: random.Random) -> bytes:
    out = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows", f"РасчСчет={OWN}"]
    for i in range(lines):
        day = START + timedelta(days=rng.randint(0, 89))
        cents = rng.randint(100, 2_000_000)
        out += [
            "СекцияДокумент=Платежное поручение",
            f"Номер={i + 1}",
            f"Дата={day:%d.%m.%Y}",
            f"Сумма={cents // 100}.{cents % 100:02d}",
        ]
        if i % 10:
            out += [
                f"ПлательщикСчет=408178100000{i:08d}",
                f"Плательщик=Плательщик {i}",
                f"ПолучательСчет={OWN}",
                "Получатель=СНТ",
                f"НазначениеПлатежа=Членский взнос, участок {rng.randint(1, plots)}, платёж {i}",
            ]
        else:
            out += [
                f"ПлательщикСчет={OWN}",
                "Плательщик=СНТ",
                "ПолучательСчет=40702810000000000777",
                f"Получатель={VENDORS[i % 3]}",
                f"НазначениеПлатежа=Оплата {i}",
            ]
        out.append("КонецДокумента")
    out.append("КонецФайла")
    return ("\r\n".join(out) + "\r\n").encode("cp1251")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--properties", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top 25")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    fresh_database(url)

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.models import Contribution, Expense, Posting

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
    for name in ("alembic", "levy.mail", "levy.money"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        upgrade()
    rng = random.Random(args.seed)
    client = app.test_client()
    token = client.post(
        "/api/signup",
        json={
            "community_name": "СНТ Бенчмарк",
            "slug": "bench",
            "name": "Ada Admin",
            "email": "ada@bench.example",
            "password": "correct horse battery",
        },
    ).get_json()["token"]
    auth, api = {"Authorization": f"Bearer {token}"}, "/api/c/bench"
    plots = "\r\n".join(
        ["Участок;Площадь;Владелец"] + [f"Участок {i};1;Владелец {i}" for i in range(1, args.properties + 1)]
    ).encode("cp1251")
    assert (
        client.post(
            f"{api}/imports/properties", headers=auth, data={"file": (io.BytesIO(plots), "plots.csv")}
        ).status_code
        == 201
    )
    period = client.post(
        f"{api}/periods",
        headers=auth,
        json={"name": "2026 Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
    ).get_json()
    for vendor in VENDORS:
        assert (
            client.post(
                f"{api}/periods/{period['id']}/expenses",
                headers=auth,
                json={"amount": "1.00", "date": "2026-01-01", "payment_type": "Security", "vendor": vendor},
            ).status_code
            == 201
        )

    content = statement(args.lines, args.properties, rng)
    print(
        f"Statement: {args.lines:,} lines (1CClientBankExchange, cp1251), {len(content) / 1e6:.2f} MB",
        flush=True,
    )
    import cProfile

    profile = cProfile.Profile() if args.profile else None
    if profile:
        profile.enable()
    t = time.perf_counter()
    response = client.post(
        f"{api}/bank-imports",
        headers=auth,
        data={"file": (io.BytesIO(content), "kl_to_1c.txt")},
        content_type="multipart/form-data",
    )
    upload = time.perf_counter() - t
    body = response.get_json()
    assert response.status_code == 201, str(body)[:500]
    statuses = {}
    for line in body["lines"]:
        statuses[line["status"]] = statuses.get(line["status"], 0) + 1
    print(f"  upload (read, match, write, answer)  {upload:6.2f} s   {statuses}", flush=True)
    t = time.perf_counter()
    response = client.post(f"{api}/bank-imports/{body['id']}/confirm", headers=auth)
    confirm = time.perf_counter() - t
    assert response.status_code == 200, response.get_json()
    if profile:
        import pstats

        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    print(
        f"  confirm                              {confirm:6.2f} s   "
        f"{response.get_json()['created']:,} recorded",
        flush=True,
    )

    with app.app_context():
        from app.tenancy import unscoped

        with unscoped():
            counts = (
                db.session.scalar(select(func.count()).select_from(Contribution)),
                db.session.scalar(select(func.count()).select_from(Expense)),
                db.session.scalar(select(func.sum(Posting.amount_cents))),
            )
    assert counts[0] + counts[1] - len(VENDORS) == statuses.get("matched", 0), counts
    assert counts[2] == 0, "the journal does not sum to zero"
    print(
        f"Checks: {counts[0]:,} contributions, {counts[1] - len(VENDORS):,} expenses "
        f"recorded; the journal sums to zero."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
