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

from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import cast

from flask import current_app
from sqlalchemy import Date, Table, bindparam, exists, func, insert, select, union_all
from sqlalchemy.orm import make_transient_to_detached

from app.extensions import db
from app.models import AuditEntry, JournalEntry, Member, Period, PeriodStatus, Posting
from app.models.base import utcnow
from app.services import journal


def available() -> bool:
    return (
        current_app.config.get("RECORD_WRITES", "one") == "one"
        and db.session.get_bind().dialect.name == "postgresql"
    )


def fill_defaults(row) -> dict:
    """Fill the row's Python-side defaults as an ORM flush would; its column values."""
    values = {}
    for key, default in _defaults(row.__table__):
        value = getattr(row, key)
        if value is None and default is not None:
            value = default.arg(None) if default.is_callable else default.arg
            setattr(row, key, value)
        values[key] = value
    return values


@cache
def _defaults(table: Table) -> tuple:
    """(key, Python-side default or None) of each column a write gives (not the id)."""
    return tuple(
        (c.key, None if c.default is None or c.default.is_sequence else c.default)
        for c in table.columns
        if not c.primary_key
    )


@dataclass(frozen=True)
class Guard:
    """What the statement checks before it writes anything (``records.Kind.create_in``): the
    period is the community's, open and holds ``day``; each of ``members`` is the
    community's and not removed."""

    period_id: int
    community_id: int
    day: date | None
    members: tuple[int, ...] = ()

    def params(self) -> dict:
        params = {"g_period": self.period_id, "g_community": self.community_id, "g_day": self.day}
        params.update({f"g_member{n}": member_id for n, member_id in enumerate(self.members)})
        return params


def _guard_conditions(members: int) -> list:
    period = cast(Table, Period.__table__)
    member = cast(Table, Member.__table__)
    community = bindparam("g_community", type_=period.c.community_id.type)
    day = bindparam("g_day", type_=Date())
    conditions = [
        exists().where(
            period.c.id == bindparam("g_period", type_=period.c.id.type),
            period.c.community_id == community,
            period.c.status == PeriodStatus.OPEN.value,
            period.c.start_date <= day,
            period.c.end_date >= day,
        )
    ]
    for n in range(members):
        conditions.append(
            exists().where(
                member.c.id == bindparam(f"g_member{n}", type_=member.c.id.type),
                member.c.community_id == community,
                member.c.removed_at.is_(None),
            )
        )
    return conditions


@lru_cache(maxsize=64)
def _compiled(dialect, *shape) -> tuple[str, dict, tuple]:
    """``_statement(*shape)`` compiled for ``dialect``: its SQL, the values of the binds it
    holds itself (literals such as the open status) and each bind's conversion (the audit's
    JSON), as SQLAlchemy would apply them."""
    compiled = _statement(*shape).compile(dialect=dialect)
    processors = tuple(
        (name, process)
        for name, bind in compiled.binds.items()
        if (process := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
    )
    return compiled.string, dict(compiled.params), processors


def _binds(table, prefix: str, keys) -> list:
    return [bindparam(f"{prefix}{key}", type_=table.c[key].type).label(key) for key in keys]


ENTRY_KEYS = ("community_id", "period_id", "date", "source_type", "reversal_of_id", "created_at")


def _statement(
    record_table,
    entity: str,
    record_keys: tuple,
    leg_keys: tuple,
    legs: int,
    audit_keys: tuple,
    guarded_members: int | None = None,
):
    """The statement for one shape of write (``_compiled`` builds and compiles it once per
    shape: only the values change between writes). ``guarded_members``: with a Guard naming
    this many members (None: no guard)."""
    values = select(*_binds(record_table, "r_", record_keys))
    if guarded_members is not None:
        values = values.where(*_guard_conditions(guarded_members))
    record = (
        insert(record_table).from_select(list(record_keys), values).returning(record_table.c.id).cte("rec")
    )

    entry_table = cast(Table, JournalEntry.__table__)
    entry = (
        insert(entry_table)
        .from_select(
            [*ENTRY_KEYS, "source_id", "memo"],
            select(
                *_binds(entry_table, "e_", ENTRY_KEYS), record.c.id, func.concat(f"{entity} #", record.c.id)
            ),
        )
        .returning(entry_table.c.id)
        .cte("entry")
    )

    # One INSERT for all legs, in their order (ids ascending as the ORM path gives them).
    posting_table = cast(Table, Posting.__table__)
    selects = [select(*_binds(posting_table, f"l{n}_", leg_keys), entry.c.id) for n in range(legs)]
    ctes = [
        insert(posting_table)
        .from_select([*leg_keys, "entry_id"], union_all(*selects) if legs > 1 else selects[0])
        .cte("legs")
    ]

    audit_table = cast(Table, AuditEntry.__table__)
    ctes.append(
        insert(audit_table)
        .from_select([*audit_keys, "entity_id"], select(*_binds(audit_table, "a_", audit_keys), record.c.id))
        .cte("audit")
    )
    return select(record.c.id).add_cte(*ctes)


def write(row, entity: str, legs: list[dict], audit_row: dict, guard: Guard | None = None) -> bool:
    """Insert ``row`` (a new record, not in the session) with its entry, postings and audit
    row in one statement; the record is then in the session with its id, as after a flush.

    ``legs`` are the entry's legs (``journal.contribution_legs`` and co.); ``audit_row``
    the audit row's values (``audit.values``) without ``entity_id``, which is the new id.
    With a ``guard`` the statement writes nothing unless its checks pass: False then.
    """
    journal.check_balanced(legs)
    now = utcnow()
    record_values = fill_defaults(row)
    entry_values = {
        "community_id": row.community_id,
        "period_id": row.period_id,
        "date": row.date,
        "source_type": entity,
        "reversal_of_id": None,
        "created_at": now,
    }
    leg_rows = journal.posting_rows(row.period_id, 0, legs)
    for leg in leg_rows:
        del leg["entry_id"]
    leg_keys = tuple(leg_rows[0])
    audit_values = {**audit_row, "created_at": now}
    audit_values.pop("entity_id", None)

    params = {f"r_{key}": value for key, value in record_values.items()}
    params.update({f"e_{key}": entry_values[key] for key in ENTRY_KEYS})
    for n, leg in enumerate(leg_rows):
        params.update({f"l{n}_{key}": leg[key] for key in leg_keys})
    params.update({f"a_{key}": value for key, value in audit_values.items()})
    if guard is not None:
        params.update(guard.params())
    connection = db.session.connection()
    sql, defaults, processors = _compiled(
        connection.dialect,
        row.__table__,
        entity,
        tuple(record_values),
        leg_keys,
        len(leg_rows),
        tuple(audit_values),
        None if guard is None else len(guard.members),
    )
    values = {**defaults, **params}
    for name, process in processors:
        values[name] = process(values[name])
    # On the session's connection, in its transaction, as SQL compiled once per shape: no ORM
    # execution (nor the tenant hook: the guard checks the community), and no lookup of the
    # ~200-expression statement in SQLAlchemy's compiled cache on every write (measured 289 ->
    # 236 us of CPU for the statement, issue 13).
    new_id = connection.exec_driver_sql(sql, values).scalar_one_or_none()
    if new_id is None:
        return False
    row.id = new_id
    make_transient_to_detached(row)
    db.session.add(row)
    return True
