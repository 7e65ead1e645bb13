"""Billing periods: create, rename, the open → closing → closed state machine, reopen."""
from datetime import date

from flask import g
from sqlalchemy import and_, delete, extract, func, select, update

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import AllocationLine, BalanceSnapshot, Period, PeriodStatus
from app.services import audit, journal

PERIOD_FIELDS = ("name", "start_date", "end_date", "status", "stale")


def periods() -> list[Period]:
    return list(db.session.execute(select(Period).order_by(Period.start_date)).scalars())


def previous(period: Period) -> Period | None:
    return db.session.execute(select(Period).where(Period.start_date < period.start_date)
                              .order_by(Period.start_date.desc()).limit(1)).scalar_one_or_none()


def later(period: Period) -> list[Period]:
    return list(db.session.execute(select(Period).where(Period.start_date > period.start_date)
                                   .order_by(Period.start_date)).scalars())


def current() -> Period | None:
    """The open period that contains today, else the latest open one."""
    today = date.today()
    rows = [p for p in periods() if p.status != PeriodStatus.CLOSED]
    for period in rows:
        if period.contains(today):
            return period
    return rows[-1] if rows else None


def _check(name: str, start: date, end: date, exclude_id: int | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if start > end:
        errors["end_date"] = ["The end date must not be before the start date."]
    others = select(Period).where(Period.id != (exclude_id or 0))
    same_name = db.session.execute(others.where(
        func.lower(Period.name) == name.lower(),
        extract("year", Period.start_date) == start.year)).first()
    if same_name:
        errors["name"] = [f"A period named “{name}” already starts in {start.year}."]
    if not errors:
        overlap = db.session.execute(others.where(
            and_(Period.start_date <= end, Period.end_date >= start))).scalars().first()
        if overlap:
            errors["start_date"] = [f"Overlaps “{overlap.name}” ({overlap.start_date} – "
                                    f"{overlap.end_date})."]
    if errors:
        raise ValidationFailed("The period is not valid.", errors)


def create(*, name: str, start_date: date, end_date: date) -> Period:
    _check(name, start_date, end_date)
    period = Period(community_id=g.community_id, name=name, start_date=start_date,
                    end_date=end_date, status=PeriodStatus.OPEN)
    db.session.add(period)
    db.session.flush()
    audit.record("create", "period", period.id, period_id=period.id,
                 after=audit.snapshot(period, PERIOD_FIELDS))
    return period


def rename(period: Period, name: str) -> Period:
    if name == period.name:
        return period
    _check(name, period.start_date, period.end_date, exclude_id=period.id)
    before = audit.snapshot(period, PERIOD_FIELDS)
    period.name = name
    audit.record("edit", "period", period.id, period_id=period.id, before=before,
                 after=audit.snapshot(period, PERIOD_FIELDS))
    return period


def ensure_writable(period: Period) -> None:
    """Records of a closing or closed period cannot change (SPEC §3)."""
    if period.status != PeriodStatus.OPEN:
        raise Conflict(f"The period “{period.name}” is {period.status}; reopen it to change "
                       "its records.")


def reopen(period: Period) -> Period:
    """Open a closed period for corrections; later closed periods become stale."""
    if period.status == PeriodStatus.OPEN:
        return period
    if period.status == PeriodStatus.CLOSING:
        raise Conflict(f"The period “{period.name}” is being closed; wait for the job to finish.")
    before = audit.snapshot(period, PERIOD_FIELDS)
    period.status, period.closed_at, period.stale = PeriodStatus.OPEN, None, False
    # Splits and the snapshot are the close's output; an open period computes them live.
    journal.replace_derived(period.id, ("allocation", "usage"))
    for model in (BalanceSnapshot, AllocationLine):
        db.session.execute(delete(model).where(model.period_id == period.id)
                           .execution_options(synchronize_session=False))
    db.session.execute(update(Period).where(
        Period.community_id == g.community_id, Period.start_date > period.start_date,
        Period.status == PeriodStatus.CLOSED).values(stale=True))
    audit.record("reopen", "period", period.id, period_id=period.id, before=before,
                 after=audit.snapshot(period, PERIOD_FIELDS))
    return period


def patch(period: Period, *, name: str, status: str) -> Period:
    if status != period.status:
        if status != PeriodStatus.OPEN:
            raise ValidationFailed("Use the close action to close a period.",
                                   {"status": ["Only \"open\" can be set here; close a period "
                                               "with POST …/close."]})
        reopen(period)
    rename(period, name)
    return period
