"""Billing periods: create (optionally with the budget of another), rename, the
open → closing → closed state machine, reopen, and the dates of the next period."""

import calendar
import re
from datetime import date, timedelta

from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, delete, extract, func, select, update

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.i18n import date as date_text
from app.models import AllocationLine, BudgetItem, Period, PeriodStatus
from app.services import audit, journal, late_fees

PERIOD_FIELDS = ("name", "start_date", "end_date", "status", "stale")
BUDGET_ITEM_FIELDS = ("payment_type", "budgeted_cost_cents", "strategy", "unit_rate")


def periods() -> list[Period]:
    return list(db.session.execute(select(Period).order_by(Period.start_date)).scalars())


def previous(period: Period) -> Period | None:
    return db.session.execute(
        select(Period)
        .where(Period.start_date < period.start_date)
        .order_by(Period.start_date.desc())
        .limit(1)
    ).scalar_one_or_none()


def later(period: Period) -> list[Period]:
    return list(
        db.session.execute(
            select(Period).where(Period.start_date > period.start_date).order_by(Period.start_date)
        ).scalars()
    )


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
        errors["end_date"] = [_("The end date must not be before the start date.")]
    others = select(Period).where(Period.id != (exclude_id or 0))
    same_name = db.session.execute(
        others.where(
            func.lower(Period.name) == name.lower(), extract("year", Period.start_date) == start.year
        )
    ).first()
    if same_name:
        errors["name"] = [
            _("A period named “%(name)s” already starts in %(year)s.", name=name, year=start.year)
        ]
    if not errors:
        overlap = (
            db.session.execute(others.where(and_(Period.start_date <= end, Period.end_date >= start)))
            .scalars()
            .first()
        )
        if overlap:
            errors["start_date"] = [
                _(
                    "Overlaps “%(name)s” (%(start)s – %(end)s).",
                    name=overlap.name,
                    start=date_text(overlap.start_date),
                    end=date_text(overlap.end_date),
                )
            ]
    if errors:
        raise ValidationFailed(_("The period is not valid."), errors)


def create(*, name: str, start_date: date, end_date: date, copy_budget_from: int | None = None) -> Period:
    """A new open period; with ``copy_budget_from`` (a period id of this community), that
    period's budget items are copied into it."""
    source = _budget_source(copy_budget_from) if copy_budget_from is not None else None
    _check(name, start_date, end_date)
    period = Period(
        community_id=g.community_id,
        name=name,
        start_date=start_date,
        end_date=end_date,
        status=PeriodStatus.OPEN,
    )
    db.session.add(period)
    db.session.flush()
    audit.record(
        "create",
        "period",
        period.id,
        period_id=period.id,
        after={
            **audit.snapshot(period, PERIOD_FIELDS),
            **({"copy_budget_from": source.id} if source else {}),
        },
    )
    if source is not None:
        copy_budget(source, period)
    return period


def _budget_source(period_id: int) -> Period:
    source = db.session.execute(
        select(Period).where(Period.id == period_id, Period.community_id == g.community_id)
    ).scalar_one_or_none()
    if source is None:
        raise ValidationFailed(
            _("The period is not valid."), {"copy_budget_from": [_("No such period in this community.")]}
        )
    return source


def copy_budget(source: Period, target: Period) -> list[BudgetItem]:
    """The source's budget items (category, budgeted cost, strategy, unit rate) as new items
    of the target, which is new and so has none that could clash."""
    copies = []
    for item in db.session.execute(
        select(BudgetItem)
        .where(BudgetItem.period_id == source.id, BudgetItem.voided_at.is_(None))
        .order_by(BudgetItem.payment_type)
    ).scalars():
        copy = BudgetItem(
            community_id=g.community_id,
            period_id=target.id,
            **{name: getattr(item, name) for name in (*BUDGET_ITEM_FIELDS, "payment_type_key")},
        )
        db.session.add(copy)
        copies.append(copy)
    db.session.flush()
    for copy in copies:
        audit.record(
            "create",
            "budget_item",
            copy.id,
            period_id=target.id,
            after={**audit.snapshot(copy, BUDGET_ITEM_FIELDS), "copied_from_period_id": source.id},
            amount_cents=copy.budgeted_cost_cents,
        )
    return copies


# --- the next period -------------------------------------------------------------------


def latest() -> Period | None:
    return db.session.execute(select(Period).order_by(Period.start_date.desc()).limit(1)).scalar_one_or_none()


def _whole_months(start: date, end: date) -> int | None:
    """How many calendar months [start, end] covers exactly, or None if it is not whole
    months (a quarter from the 1st to the last day is 3)."""
    if start.day != 1 or end.day != calendar.monthrange(end.year, end.month)[1]:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def next_dates(start: date, end: date) -> tuple[date, date]:
    """The period after [start, end]: from the day after it ends, the same length. A period
    of whole calendar months is followed by as many whole months (a quarter by a quarter,
    whatever the months' days); any other by as many days."""
    months = _whole_months(start, end)
    begin = end + timedelta(days=1)
    if months:
        return begin, _add_months(begin, months) - timedelta(days=1)
    return begin, begin + (end - start)


_QUARTER = re.compile(r"^(\d{4})([ -]?)Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")


def next_name(name: str) -> str:
    """A guess at the next period's name: "2026 Q1" → "2026 Q2", "2026 Q4" → "2027 Q1",
    "2025" → "2026"; otherwise nothing (the treasurer types one)."""
    if match := _QUARTER.match(name.strip()):
        year, sep, quarter = int(match[1]), match[2], int(match[3])
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        return f"{year}{sep}Q{quarter}"
    if match := _YEAR.match(name.strip()):
        return str(int(match[1]) + 1)
    return ""


def next_after(period: Period) -> dict:
    """What "Start the next period" offers after ``period``: name, dates and its budget."""
    start, end = next_dates(period.start_date, period.end_date)
    return {
        "name": next_name(period.name),
        "start_date": start,
        "end_date": end,
        "copy_budget_from": period.id,
    }


def rename(period: Period, name: str) -> Period:
    if name == period.name:
        return period
    _check(name, period.start_date, period.end_date, exclude_id=period.id)
    before = audit.snapshot(period, PERIOD_FIELDS)
    period.name = name
    audit.record(
        "edit",
        "period",
        period.id,
        period_id=period.id,
        before=before,
        after=audit.snapshot(period, PERIOD_FIELDS),
    )
    return period


def closed_message(period: Period) -> str:
    """Why a closing or closed period's records cannot change, in words."""
    if period.status == PeriodStatus.CLOSING:
        return _("The period “%(name)s” is being closed; its records cannot change now.", name=period.name)
    return _("The period “%(name)s” is closed; reopen it to change its records.", name=period.name)


def ensure_writable(period: Period) -> None:
    """Records of a closing or closed period cannot change (SPEC §3)."""
    if period.status != PeriodStatus.OPEN:
        raise Conflict(closed_message(period))


def reopen(period: Period) -> Period:
    """Open a closed period for corrections; later closed periods become stale."""
    if period.status == PeriodStatus.OPEN:
        return period
    if period.status == PeriodStatus.CLOSING:
        raise Conflict(
            _("The period “%(name)s” is being closed; wait for the job to finish.", name=period.name)
        )
    before = audit.snapshot(period, PERIOD_FIELDS)
    period.status, period.closed_at, period.stale = PeriodStatus.OPEN, None, False
    # Splits and late fees are the close's output; an open period computes its splits live
    # and shows no late fee (SPEC §2). The balance snapshot is kept as what the last close
    # wrote (the correction preview compares with it; readers take a snapshot only from a
    # closed period), and the next close replaces it.
    journal.replace_derived(period.id, ("allocation", "usage"))
    removed_fees = late_fees.remove(period)
    db.session.execute(
        delete(AllocationLine)
        .where(AllocationLine.period_id == period.id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Period)
        .where(
            Period.community_id == g.community_id,
            Period.start_date > period.start_date,
            Period.status == PeriodStatus.CLOSED,
        )
        .values(stale=True)
    )
    audit.record(
        "reopen",
        "period",
        period.id,
        period_id=period.id,
        before=before,
        after={
            **audit.snapshot(period, PERIOD_FIELDS),
            **({"late_fees_removed": removed_fees} if removed_fees else {}),
        },
    )
    return period


def patch(period: Period, *, name: str, status: str) -> Period:
    if status != period.status:
        if status != PeriodStatus.OPEN:
            raise ValidationFailed(
                _("Use the close action to close a period."),
                {"status": [_('Only "open" can be set here; close a period with POST …/close.')]},
            )
        reopen(period)
    rename(period, name)
    return period
