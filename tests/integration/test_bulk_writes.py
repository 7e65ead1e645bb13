"""The bulk writer (app/services/bulk.py) writes exactly the rows the ORM would have written.

On PostgreSQL the writer uses COPY (its text format escapes tabs, newlines, backslashes and
``\\N`` — a wrong escape shows up here as a changed or NULL value); on SQLite, multi-row
INSERTs. Each test does the same thing twice — once through ORM objects and a flush
(``BULK_WRITES = "orm"``), once through the writer — and compares the rows. ``COPY_MIN_ROWS``
is lowered to 1 so that even these small batches go through COPY on PostgreSQL.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AllocationLine,
    BalanceSnapshot,
    Contribution,
    JournalEntry,
    Member,
    Period,
    Posting,
    Property,
)
from app.models.tenancy import label_key
from app.services import bulk, closing, journal
from tests.conftest import TEST_DATABASE_URL, _clean, signup
from tests.integration.test_closing import build
from tests.integration.test_records_api import ok

# Everything COPY's text format must escape, and what it must not mistake for NULL.
NASTY = [
    "tab\there",
    "new\nline",
    "carriage\r\nreturn",
    "back\\slash",
    "\\N",
    "\\.",
    "Взнос за участок №5 «весна»",
    "trailing\\",
    "",
    " spaced ",
    "emoji 💶",
    "a\\tb",
]
TABLES = (Contribution, JournalEntry, Posting, AllocationLine, BalanceSnapshot, Member, Property)
# Set by the ORM or the database at write time, not by the operation under test.
VOLATILE = {"created_at", "invited_at", "joined_at", "invite_token_hash", "closed_at"}


@pytest.fixture(autouse=True)
def copy_everything(monkeypatch):
    """Lower the threshold, and count the COPYs so the tests know they ran on PostgreSQL."""
    monkeypatch.setattr(bulk, "COPY_MIN_ROWS", 1)
    copies, original = [], bulk._copy

    def counted(table, *args):
        copies.append(table.name)
        return original(table, *args)

    monkeypatch.setattr(bulk, "_copy", counted)
    return copies


def copied_on_postgresql(copies, *tables):
    if (TEST_DATABASE_URL or "").startswith("postgresql"):
        assert set(tables) <= set(copies), copies
    else:
        assert copies == []


@pytest.fixture
def writes(app):
    """``writes("orm")`` switches the write path for the block of the test that follows."""

    def use(mode):
        app.config["BULK_WRITES"] = mode

    yield use
    app.config.pop("BULK_WRITES", None)


def dump(model, ids=None):
    """Every row of a table (or those with ``ids``), by id, as plain dicts."""
    query = select(model).order_by(model.id)
    if ids is not None:
        query = query.where(model.id.in_(ids))
    return [
        {c.key: getattr(row, c.key) for c in model.__table__.columns if c.key not in VOLATILE}
        for row in db.session.execute(query).scalars()
    ]


def without_id(rows):
    return [{k: v for k, v in row.items() if k != "id"} for row in rows]


def test_the_writer_stores_what_the_orm_stores(community, scoped, writes, copy_everything):
    """Same rows both ways, column by column: NULLs, Decimals, dates, booleans, text that
    COPY must escape; ids come back in row order and the sequences stay ahead of them."""
    period_id = ok(
        community.api.post(
            community.url("/periods"),
            json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )["id"]
    item_id = ok(
        community.api.post(
            community.url(f"/periods/{period_id}/budget-items"),
            json={"payment_type": "Security", "strategy": "proportional", "budgeted_cost": "1.00"},
        ),
        201,
    )["id"]
    with scoped(community.id):
        admin = community.admin_member_id
        members = [
            {
                "community_id": community.id,
                "name": f"Член {text}",
                "role": "owner",
                "email": None if i % 2 else f"m{i}@example.org",
            }
            for i, text in enumerate(NASTY)
        ]
        contributions = [
            {
                "community_id": community.id,
                "period_id": period_id,
                "member_id": admin,
                "amount_cents": 10**15 - i,
                "comment": text,
                "date": date(2026, 1, 1 + i),
            }
            for i, text in enumerate(NASTY)
        ]
        results = {}
        for mode in ("orm", "copy"):
            writes(mode)
            suffix = "" if mode == "orm" else " (2)"
            props = [
                {
                    "community_id": community.id,
                    "owner_member_id": admin,
                    "label": f"Plot {text}{suffix}",
                    "label_key": label_key(f"Plot {text}{suffix}"),
                    "share_weight": Decimal(f"{i}.{i:04d}"),
                    "active": bool(i % 2),
                }
                for i, text in enumerate(NASTY)
            ]
            member_ids = bulk.insert_rows(
                Member,
                [{**m, "email": m["email"] and m["email"].replace("@", f"{mode}@")} for m in members],
                ids=True,
            )
            entry_ids = bulk.insert_rows(
                JournalEntry,
                [
                    {
                        "community_id": community.id,
                        "period_id": period_id,
                        "date": date(2026, 3, 31),
                        "source_type": "allocation",
                        "source_id": None if i % 3 else i,
                        "memo": text,
                        "reversal_of_id": None,
                    }
                    for i, text in enumerate(NASTY)
                ],
                ids=True,
            )
            posting_ids = bulk.insert_rows(
                Posting,
                [
                    {
                        "community_id": community.id,
                        "period_id": period_id,
                        "entry_id": entry_id,
                        "account": f"Expenses:{text}",
                        "member_id": admin if i % 2 else None,
                        "property_id": None,
                        "category": None if i % 2 else "usage",
                        "payment_type": text,
                        "amount_cents": -(2**62) + i,
                    }
                    for i, (entry_id, text) in enumerate(zip(entry_ids, NASTY))
                ],
                ids=True,
            )
            property_ids = bulk.insert_rows(Property, props, ids=True)
            line_ids = bulk.insert_rows(
                AllocationLine,
                [
                    {
                        "community_id": community.id,
                        "period_id": period_id,
                        "item_id": item_id,
                        "payment_type": text,
                        "strategy": "proportional",
                        "kind": "allocated",
                        "property_id": property_ids[i],
                        "member_id": member_ids[i],
                        "cents": i - 5,
                        "basis": Decimal("12345678901234567890.1234") if i == 0 else Decimal(i) / 8,
                        "basis_total": Decimal("0.0001"),
                        "total": 7,
                        "rounding": -1,
                    }
                    for i, text in enumerate(NASTY)
                ],
                ids=True,
            )
            contribution_ids = bulk.insert_rows(Contribution, contributions, ids=True)
            results[mode] = {
                "members": dump(Member, member_ids),
                "entries": dump(JournalEntry, entry_ids),
                "postings": dump(Posting, posting_ids),
                "properties": dump(Property, property_ids),
                "lines": dump(AllocationLine, line_ids),
                "contributions": dump(Contribution, contribution_ids),
            }
            for name, rows in results[mode].items():
                assert [r["id"] for r in rows] == sorted(r["id"] for r in rows), name
                assert len(rows) == len(NASTY), name
        orm, copied = results["orm"], results["copy"]
        for rows in (orm, copied):
            # Rows point at each other by the ids the writer returned, in order.
            assert [p["entry_id"] for p in rows["postings"]] == [e["id"] for e in rows["entries"]]
            assert [line["member_id"] for line in rows["lines"]] == [m["id"] for m in rows["members"]]
        for name in orm:
            a, b = without_id(orm[name]), without_id(copied[name])
            if name == "members":
                for row in a + b:
                    row["email"] = row["email"] and row["email"].replace("orm@", "@").replace("copy@", "@")
            if name == "properties":
                for row in b:
                    row["label"], row["label_key"] = (
                        row["label"].removesuffix(" (2)"),
                        row["label_key"].removesuffix(" (2)"),
                    )
            # Ids of rows written in the same run were checked above.
            for row in a + b:
                for key in (
                    ("member_id", "property_id")
                    if name == "lines"
                    else ("entry_id",)
                    if name == "postings"
                    else ()
                ):
                    row.pop(key)
            assert a == b, name
        assert [c["comment"] for c in copied["contributions"]] == NASTY
        copied_on_postgresql(
            copy_everything,
            "member",
            "journal_entry",
            "posting",
            "property",
            "allocation_line",
            "contribution",
        )
        if db.engine.dialect.name == "postgresql":  # SQLite keeps NUMERIC as a double
            assert copied["lines"][0]["basis"] == Decimal("12345678901234567890.1234")
        assert copied["lines"][3]["basis"] == Decimal("0.375")
        assert [p["active"] for p in copied["properties"]] == [bool(i % 2) for i in range(len(NASTY))]
        assert [c["date"] for c in copied["contributions"]][:2] == [date(2026, 1, 1), date(2026, 1, 2)]

        # The sequences are ahead of every id written: the ORM's next rows do not collide.
        db.session.add_all(
            [
                JournalEntry(
                    community_id=community.id,
                    period_id=period_id,
                    date=date(2026, 1, 1),
                    source_type="contribution",
                    source_id=1,
                    memo="after",
                )
            ]
        )
        entry = journal.post(
            period_id,
            date(2026, 1, 2),
            "contribution",
            2,
            "after, too",
            [
                {"account": journal.FUND, "amount_cents": 5},
                {
                    "account": journal.member_account(admin),
                    "member_id": admin,
                    "category": "contribution",
                    "amount_cents": -5,
                },
            ],
        )
        db.session.commit()
        written = [e["id"] for e in orm["entries"] + copied["entries"]]
        assert entry.id > max(written)
        assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == 2 * len(NASTY) + 2


def test_the_writer_refuses_a_column_the_table_does_not_have(community, scoped):
    with scoped(community.id), pytest.raises(KeyError, match="amount"):
        bulk.insert_rows(Posting, [{"amount": 1}])


# --- the same operation both ways: whole tables compared --------------------------------


def tables():
    return {model.__tablename__: dump(model) for model in TABLES}


def closed_world(client, mode, writes, scoped):
    """The closing tests' community (members, properties, four strategies, out-of-pocket
    expense, readings, contributions, a charge), closed by the job with ``mode``'s writes,
    then Q1 reopened and closed again (the derived rows replaced)."""
    writes(mode)
    community = _community(client)
    w = build(community)
    job = w.close(w.q1)
    assert w.job(job["job_id"])["status"] == "succeeded"
    with scoped(community.id):
        period = db.session.get(Period, w.q1)
        closing.write_close(period, recompute=True)
        db.session.commit()
        return tables()


def _community(client):
    from tests.conftest import Community

    return Community(client, signup(client))


def test_a_close_writes_the_same_tables_both_ways(app, client, writes, scoped, copy_everything):
    orm = closed_world(client, "orm", writes, scoped)
    assert copy_everything == []
    _clean(app)  # identities restart: the second run gets the same ids
    copied = closed_world(client, "copy", writes, scoped)
    assert orm["allocation_line"] and orm["posting"] and orm["balance_snapshot"]
    assert copied == orm
    snapshot = {s["member_id"]: s["closing"] for s in copied["balance_snapshot"]}
    assert sorted(snapshot.values()) == sorted([2000, 429, 5259, -3889])
    copied_on_postgresql(copy_everything, "journal_entry", "posting", "allocation_line", "balance_snapshot")


PAYMENTS = (
    "Дата;Сумма;Участок;Комментарий\r\n"
    '05.01.2026;1 234,50;Участок 1;"за январь\nи февраль"\r\n'
    "06.01.2026;0,01;Участок 2;C:\\путь\\N и \\. и \\\\\r\n"
    '07.01.2026;99 999,99;Участок 1;"с ""кавычками""; и точкой с запятой"\r\n'
    "08.01.2026;10;Участок 2;\r\n"
).encode("cp1251")
PLOTS = (
    "Участок;Площадь;Владелец;Email;Активен\r\n"
    "Участок 1;12,5;Иванова Мария;maria@example.org;да\r\n"
    "Участок 2;3,85;Пётр \\Петров;;нет\r\n"
).encode("cp1251")


def imported_world(client, mode, writes, scoped):
    community = _community(client)
    writes(mode)
    upload = lambda path, content: ok(  # noqa: E731
        community.api.post(
            community.url(path),
            data={"file": (io.BytesIO(content), "import.csv")},
            content_type="multipart/form-data",
        ),
        201,
    )
    upload("/imports/properties", PLOTS)
    period = ok(
        community.api.post(
            community.url("/periods"),
            json={"name": "Q1", "start_date": "2026-01-01", "end_date": "2026-03-31"},
        ),
        201,
    )
    upload(f"/periods/{period['id']}/imports/contributions", PAYMENTS)
    with scoped(community.id):
        return tables()


def test_an_import_writes_the_same_tables_both_ways(app, client, writes, scoped, copy_everything):
    orm = imported_world(client, "orm", writes, scoped)
    _clean(app)
    copied = imported_world(client, "copy", writes, scoped)
    assert len(copied["contribution"]) == 4 and len(copied["posting"]) == 8
    assert copied == orm
    comments = [c["comment"] for c in copied["contribution"]]
    assert comments[1] == "C:\\путь\\N и \\. и \\\\"
    assert comments[0] == "за январь\nи февраль"
    assert sum(p["amount_cents"] for p in copied["posting"]) == 0
    copied_on_postgresql(copy_everything, "contribution", "journal_entry", "posting")
