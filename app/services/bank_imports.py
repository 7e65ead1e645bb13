"""Bank imports (SPEC §6): read a statement into lines, suggest, let the treasurer fix, confirm.

- ``upload`` reads the file in the request (10,000 lines take well under a second to parse
  and about two to write; see ``bench/bank_import.py``) and writes the import and its lines,
  so the API answers 201 with every line. ``queue`` is the page's way for a big file: the
  file waits in the import's row and a Celery job (``run_parse_job``) reads it, its progress
  shown by the page. Both match and write the lines with the same ``_plan``.
- Each line is matched by ``app.importing.matching`` (a member for money in, a category for
  money out) and put in the period containing its date. It is ``matched`` only when it has
  a suggestion and that period is open; a line in a closed period or in none, or without a
  suggestion, is ``unmatched``; a line whose fingerprint (date, amount, counterparty,
  purpose) an earlier import of this community already has is a ``duplicate`` and is never
  recorded. Identical lines within one statement are two payments, not duplicates.
- ``fix`` sets a line's member (in) or category (out), or skips it.
- ``confirm`` records every matched line not yet recorded, in the caller's one transaction:
  a contribution per line in, a fund-paid expense per line out, each with the statement
  line in its comment or description and its own audit entry. A recorded line remembers its
  record, so confirming again records nothing. A matched line whose period has meanwhile
  been closed, or whose member was removed, is not recorded and goes back to ``unmatched``.
"""

from __future__ import annotations

import bisect
import hashlib
from types import SimpleNamespace

from flask import g
from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.importing import FileError
from app.importing.matching import Directory, key, suggest_category, suggest_member
from app.importing.statements import StatementLine, read_statement
from app.models import (
    BankImport,
    BankImportLine,
    Contribution,
    Expense,
    Job,
    LineStatus,
    Member,
    Period,
    PeriodStatus,
    Property,
)
from app.models.base import utcnow
from app.money import format_cents
from app.services import audit, journal, members
from app.services import jobs as job_service
from app.services.records import payment_type_key

JOB_KIND = "bank_import"
CHUNK = 500
VENDOR_CHARS = 120


# --- reading a statement -----------------------------------------------------------------


def _read(content: bytes) -> list[StatementLine]:
    try:
        return read_statement(content)
    except FileError as error:
        raise ValidationFailed(str(error), {"file": [str(error)]}) from None


def _new_import(file_name: str, content: bytes | None = None):
    job = job_service.create(JOB_KIND)
    bank_import = BankImport(
        community_id=g.community_id,
        file_name=(file_name or "")[:255],
        created_by_user_id=job.created_by_user_id,
        job_id=job.id,
        content=content,
    )
    db.session.add(bank_import)
    db.session.flush()
    return bank_import, job


def upload(file_name: str, content: bytes) -> BankImport:
    """Read and match a statement now, and write the import, its lines and its finished job
    (the caller commits). A file that cannot be read is a 400 on ``file`` and writes nothing."""
    lines = _read(content)
    bank_import, job = _new_import(file_name)
    _insert(_plan(bank_import, lines))
    audit.record(
        "create",
        "bank_import",
        bank_import.id,
        after={"file_name": bank_import.file_name, "lines": len(lines)},
    )
    job_service.done_at_once(job)
    return bank_import


def queue(file_name: str, content: bytes) -> tuple[BankImport, Job]:
    """Keep the file for a job to read (the page, for a big file); the caller commits, then
    ``jobs.dispatch(job)``."""
    if not content.strip():
        raise ValidationFailed(_("The file is empty."), {"file": [_("The file is empty.")]})
    return _new_import(file_name, content)


def run_parse_job(job_id: int) -> None:
    """The task's body: read the waiting file, match its lines (progress committed as it
    goes), then write every line and finish the job in one transaction."""
    bank_import = db.session.execute(
        select(BankImport).where(BankImport.job_id == job_id)
    ).scalar_one_or_none()
    if bank_import is None or bank_import.content is None:
        return  # already read (a repeated delivery)
    job_service.start(job_id)
    try:
        lines = read_statement(bank_import.content)
    except FileError as error:
        job_service.fail(job_id, str(error))
        return
    job_service.progress(job_id, 10)
    values = _plan(bank_import, lines, lambda share: job_service.progress(job_id, 10 + int(80 * share)))
    _insert(values)
    bank_import.content = None
    audit.record(
        "create",
        "bank_import",
        bank_import.id,
        after={"file_name": bank_import.file_name, "lines": len(lines)},
    )
    job_service.succeed(job_id)  # commits the lines with it


# --- matching ----------------------------------------------------------------------------


def fingerprint(line) -> str:
    text = "|".join(
        (
            line.date.isoformat(),
            str(line.amount_cents),
            key(line.counterparty),
            " ".join(line.purpose.split()).casefold(),
        )
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def directory() -> Directory:
    """What the matcher needs to know of this community."""
    live = {m.id: m for m in db.session.execute(select(Member).where(Member.removed_at.is_(None))).scalars()}
    labels = {
        p.label: p.owner_member_id
        for p in db.session.execute(select(Property)).scalars()
        if p.owner_member_id in live
    }
    names: dict[str, list[int]] = {}
    for member in live.values():
        names.setdefault(key(member.name), []).append(member.id)
    confirmed = {}
    for counterparty, member_id in db.session.execute(
        select(BankImportLine.counterparty_key, BankImportLine.member_id)
        .where(BankImportLine.contribution_id.is_not(None))
        .order_by(BankImportLine.confirmed_at, BankImportLine.id)
    ):
        if counterparty and member_id in live:
            confirmed[counterparty] = member_id
    vendors = {}
    for vendor, payment_type in db.session.execute(
        select(Expense.vendor, Expense.payment_type)
        .where(Expense.voided_at.is_(None))
        .order_by(Expense.date, Expense.id)
    ):
        if vendor and vendor.strip():
            vendors[key(vendor)] = payment_type
    return Directory(labels=labels, names=names, confirmed=confirmed, vendors=vendors)


class _Periods:
    """The community's periods by date, to find the one containing a day."""

    def __init__(self):
        self.all = list(db.session.execute(select(Period).order_by(Period.start_date)).scalars())
        self.starts = [p.start_date for p in self.all]

    def containing(self, day) -> Period | None:
        index = bisect.bisect_right(self.starts, day) - 1
        if index >= 0 and self.all[index].contains(day):
            return self.all[index]
        return None


def _status(kind: str, member_id, payment_type, period: Period | None) -> str:
    target = member_id if kind == "contribution" else payment_type
    if target is None or period is None or period.status != PeriodStatus.OPEN:
        return LineStatus.UNMATCHED
    return LineStatus.MATCHED


def _earlier_fingerprints(prints: list[str], import_id: int) -> set[str]:
    found: set[str] = set()
    unique = sorted(set(prints))
    for start in range(0, len(unique), CHUNK):
        found.update(
            db.session.execute(
                select(BankImportLine.fingerprint).where(
                    BankImportLine.fingerprint.in_(unique[start : start + CHUNK]),
                    BankImportLine.import_id != import_id,
                )
            ).scalars()
        )
    return found


def _plan(bank_import: BankImport, lines: list[StatementLine], progress=None) -> list[dict]:
    """Every line's row: its kind, suggestion, period, status and fingerprint."""
    known, periods = directory(), _Periods()
    prints = [fingerprint(line) for line in lines]
    earlier = _earlier_fingerprints(prints, bank_import.id)
    values = []
    for index, (line, print_) in enumerate(zip(lines, prints), start=1):
        kind = "contribution" if line.amount_cents > 0 else "expense"
        member_id = payment_type = None
        period = periods.containing(line.date)
        if print_ in earlier:
            status = LineStatus.DUPLICATE
        else:
            if kind == "contribution":
                member_id = suggest_member(line.purpose, line.counterparty, known)
            else:
                payment_type = suggest_category(line.counterparty, known)
            status = _status(kind, member_id, payment_type, period)
        values.append(
            {
                "community_id": g.community_id,
                "import_id": bank_import.id,
                "line": line.line,
                "date": line.date,
                "amount_cents": line.amount_cents,
                "counterparty": line.counterparty,
                "counterparty_key": key(line.counterparty)[:200],
                "purpose": line.purpose,
                "kind": kind,
                "member_id": member_id,
                "payment_type": payment_type,
                "period_id": period.id if period else None,
                "status": status,
                "fingerprint": print_,
                "contribution_id": None,
                "expense_id": None,
                "confirmed_at": None,
            }
        )
        if progress and index % 1000 == 0:
            progress(index / len(lines))
    return values


def _insert(values: list[dict]) -> None:
    for start in range(0, len(values), CHUNK):
        # RETURNING makes SQLAlchemy send multi-row VALUES (see journal.post_records).
        db.session.execute(
            insert(BankImportLine).returning(BankImportLine.id).execution_options(render_nulls=True),
            values[start : start + CHUNK],
        ).all()


# --- review ------------------------------------------------------------------------------


def lines_of(bank_import: BankImport) -> list[BankImportLine]:
    return list(
        db.session.execute(
            select(BankImportLine)
            .where(BankImportLine.import_id == bank_import.id)
            .order_by(BankImportLine.id)
        ).scalars()
    )


def line_of(bank_import: BankImport, line_id) -> BankImportLine:
    try:
        line_id = int(line_id)
    except (TypeError, ValueError):
        line_id = 0
    line = (
        db.session.execute(
            select(BankImportLine).where(
                BankImportLine.id == line_id,
                BankImportLine.import_id == bank_import.id,
                BankImportLine.community_id == g.community_id,
            )
        ).scalar_one_or_none()
        if 0 < line_id < 2**63
        else None
    )
    if line is None:
        raise NotFound(_("Line not found."))
    return line


SNAPSHOT = ("member_id", "payment_type", "period_id", "status")


def fix(
    line: BankImportLine, given: set[str], *, member_id=None, payment_type=None, status=None
) -> BankImportLine:
    """Set the member (money in) or the category (money out), or skip the line."""
    if line.recorded:
        raise Conflict(_("This line is already recorded; change the record itself instead."))
    if line.status == LineStatus.DUPLICATE:
        raise Conflict(_("This line was imported before; it is never recorded twice."))
    errors = {}
    if "member_id" in given and line.kind != "contribution" and member_id is not None:
        errors["member_id"] = [_("Money out takes a category (payment_type), not a member.")]
    if "payment_type" in given and line.kind != "expense" and payment_type:
        errors["payment_type"] = [_("Money in takes a member (member_id), not a category.")]
    if "status" in given and status is not None and status != LineStatus.SKIPPED:
        errors["status"] = [_('Only "skipped" can be set; give a member or a category to match the line.')]
    if "member_id" in given and member_id is not None and "member_id" not in errors:
        try:
            members.usable(member_id, "member_id")
        except ValidationFailed as error:
            errors.update(error.fields)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), errors)
    before = audit.snapshot(line, SNAPSHOT)
    if line.kind == "contribution" and "member_id" in given:
        line.member_id = member_id
    if line.kind == "expense" and "payment_type" in given:
        line.payment_type = payment_type or None
    period = _Periods().containing(line.date)
    line.period_id = period.id if period else None
    if status == LineStatus.SKIPPED:
        line.status = LineStatus.SKIPPED
    else:
        line.status = _status(line.kind, line.member_id, line.payment_type, period)
    after = audit.snapshot(line, SNAPSHOT)
    if after != before:
        audit.record(
            "edit", "bank_import_line", line.id, before=before, after=after, period_id=line.period_id
        )
    return line


# --- confirm -----------------------------------------------------------------------------


def statement_text(bank_import: BankImport, line: BankImportLine) -> str:
    """The statement line as it goes into the record's comment or description."""
    text = (
        f"Bank statement {bank_import.file_name or '#' + str(bank_import.id)}, line "
        f"{line.line}: {line.date.isoformat()} {format_cents(line.amount_cents)} "
        f"{line.counterparty} — {line.purpose}"
    )
    return text[:2000]


def confirm(bank_import: BankImport) -> int:
    """Record every matched line not yet recorded; answers how many records were made."""
    # One confirm at a time per import: a second waits here, then finds nothing to record.
    db.session.execute(select(BankImport.id).where(BankImport.id == bank_import.id).with_for_update())
    pending = list(
        db.session.execute(
            select(BankImportLine)
            .where(
                BankImportLine.import_id == bank_import.id,
                BankImportLine.status == LineStatus.MATCHED,
                BankImportLine.contribution_id.is_(None),
                BankImportLine.expense_id.is_(None),
            )
            .order_by(BankImportLine.id)
        ).scalars()
    )
    if not pending:
        return 0
    periods = _Periods()
    live = set(db.session.execute(select(Member.id).where(Member.removed_at.is_(None))).scalars())
    groups: dict[tuple[int, str], list[BankImportLine]] = {}
    for line in pending:
        period = periods.containing(line.date)
        if (
            period is None
            or period.status != PeriodStatus.OPEN
            or (line.kind == "contribution" and line.member_id not in live)
        ):
            line.status = LineStatus.UNMATCHED
            line.period_id = period.id if period else None
            continue
        line.period_id = period.id
        groups.setdefault((period.id, line.kind), []).append(line)
    now, created = utcnow(), 0
    for (period_id, kind), lines in groups.items():
        if kind == "contribution":
            created += _record(
                period_id,
                lines,
                Contribution,
                "contribution",
                journal.contribution_legs,
                now,
                lambda line: {
                    "member_id": line.member_id,
                    "amount_cents": line.amount_cents,
                    "comment": statement_text(bank_import, line),
                },
            )
        else:
            created += _record(
                period_id,
                lines,
                Expense,
                "expense",
                journal.expense_legs,
                now,
                lambda line: {
                    "amount_cents": -line.amount_cents,
                    "payment_type": line.payment_type,
                    "payment_type_key": payment_type_key(line.payment_type),
                    "vendor": line.counterparty[:VENDOR_CHARS],
                    "description": statement_text(bank_import, line),
                    "paid_by_member_id": None,
                },
            )
    audit.record("confirm", "bank_import", bank_import.id, after={"created": created})
    return created


def _record(period_id, lines, model, entity, legs, now, fields) -> int:
    """The lines' records in multi-row INSERTs, their journal entries, an audit entry each."""
    values = [
        {
            "community_id": g.community_id,
            "period_id": period_id,
            "date": line.date,
            "created_at": now,
            **fields(line),
        }
        for line in lines
    ]
    ids = (
        db.session.execute(insert(model).returning(model.id, sort_by_parameter_order=True), values)
        .scalars()
        .all()
    )
    records = [SimpleNamespace(id=i, **v) for i, v in zip(ids, values)]
    journal.post_records(period_id, entity, records, legs)
    for line, record in zip(lines, records):
        setattr(line, f"{entity}_id", record.id)
        line.confirmed_at = now
        after = {
            k: audit._plain(v)
            for k, v in vars(record).items()
            if k not in ("community_id", "period_id", "created_at", "payment_type_key", "id")
        }
        after["bank_import_line_id"] = line.id
        audit.record(
            "create", entity, record.id, period_id=period_id, after=after, amount_cents=record.amount_cents
        )
    return len(records)
