"""A record, its journal entry, the entry's postings and the audit row in one round trip.

``records.create`` writes four kinds of rows for every contribution, expense, charge,
payout or adjustment. Through the ORM that is one INSERT each (the record's id is needed
by the entry, the entry's by the postings): four or five round trips holding the row locks
of a write. On PostgreSQL they are one statement instead, a chain of data-modifying CTEs::

    WITH rec AS (INSERT INTO contribution (...) VALUES (...) RETURNING id),
         entry AS (INSERT INTO journal_entry (...) SELECT ..., rec.id, 'contribution #' || rec.id
                   FROM rec RETURNING id),
         legs AS (INSERT INTO posting (...) SELECT ..., entry.id FROM entry
                  UNION ALL SELECT ..., entry.id FROM entry),
         audit AS (INSERT INTO audit_entry (...) SELECT ..., rec.id, ... FROM rec)
    SELECT rec.id FROM rec

The rows are exactly those of the ORM path (a test compares both); SQLite, which has no
INSERT in a CTE, keeps the ORM path. ``RECORD_WRITES = "orm"`` forces it everywhere.
"""
from flask import current_app
from sqlalchemy import func, insert, literal, select, union_all
from sqlalchemy.orm import make_transient_to_detached

from app.extensions import db
from app.models import AuditEntry, JournalEntry, Posting
from app.models.base import utcnow
from app.services import journal


def available() -> bool:
    return (current_app.config.get("RECORD_WRITES", "one") == "one"
            and db.session.get_bind().dialect.name == "postgresql")


def fill_defaults(row) -> dict:
    """Fill the row's Python-side defaults as an ORM flush would; its column values."""
    now = utcnow()
    values = {}
    for column in row.__table__.columns:
        if column.primary_key:
            continue
        value = getattr(row, column.key)
        default = column.default
        if value is None and default is not None and not default.is_sequence:
            value = default.arg(None) if default.is_callable else default.arg
            if default.is_callable and column.key == "created_at":
                value = now
            setattr(row, column.key, value)
        values[column.key] = value
    return values


def _consts(table, values: dict) -> list:
    return [literal(value, table.c[key].type).label(key) for key, value in values.items()]


def write(row, entity: str, legs: list[dict], audit_row: dict) -> None:
    """Insert ``row`` (a new record, not in the session) with its entry, postings and audit
    row in one statement; the record is then in the session with its id, as after a flush.

    ``legs`` are the entry's legs (``journal.contribution_legs`` and co.); ``audit_row``
    the audit row's values (``audit.values``) without ``entity_id``, which is the new id.
    """
    journal.check_balanced(legs)
    record_table = row.__table__
    record = insert(record_table).values(fill_defaults(row)).returning(record_table.c.id).cte("rec")

    now = utcnow()
    entry_table = JournalEntry.__table__
    entry_values = {"community_id": row.community_id, "period_id": row.period_id,
                    "date": row.date, "source_type": entity, "reversal_of_id": None,
                    "created_at": now}
    entry = insert(entry_table).from_select(
        [*entry_values, "source_id", "memo"],
        select(*_consts(entry_table, entry_values), record.c.id,
               func.concat(f"{entity} #", record.c.id))
    ).returning(entry_table.c.id).cte("entry")

    # One INSERT for all legs, in their order (ids ascending as the ORM path gives them).
    posting_table = Posting.__table__
    legs = journal.posting_rows(row.period_id, 0, legs)
    for leg in legs:
        del leg["entry_id"]
    columns = list(legs[0])
    ctes = [insert(posting_table).from_select(
        [*columns, "entry_id"],
        union_all(*[select(*_consts(posting_table, {c: leg[c] for c in columns}), entry.c.id)
                    for leg in legs]) if len(legs) > 1 else
        select(*_consts(posting_table, legs[0]), entry.c.id)
    ).cte("legs")]

    audit_table = AuditEntry.__table__
    audit_values = {**audit_row, "created_at": now}
    audit_values.pop("entity_id", None)
    ctes.append(insert(audit_table).from_select(
        [*audit_values, "entity_id"], select(*_consts(audit_table, audit_values), record.c.id)
    ).cte("audit"))

    row.id = db.session.execute(select(record.c.id).add_cte(*ctes)).scalar_one()
    make_transient_to_detached(row)
    db.session.add(row)
