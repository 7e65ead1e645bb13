"""Closing a period (SPEC §3): the request's checks, the job's work, carry-forward.

``request_close`` runs in the web request: it refuses what it can see at once (409), moves
the period open → closing with a compare-and-set so two requests cannot both pass and records
a Job; the view commits and dispatches it (app.services.jobs). ``run_close_job`` is the
task's body: it writes the allocation postings and the balance snapshot and sets ``closed``
in one transaction, then recomputes every later closed period in date order, each in its own
transaction (committed with the job's progress). Running it again gives the same rows
(derived entries and snapshots are replaced, not added to).

A later period whose own inputs did not change is only shifted (``app.services.recompute``);
``full_rewrite=True`` closes each of them again from scratch, the reference the fast path is
tested and measured against.
"""

import logging
import time
from typing import cast

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import CursorResult, delete, select, update

from app.errors import Conflict
from app.extensions import db
from app.ledger.allocation import PeriodAllocation
from app.ledger.balances import TOTAL_KEYS, Movements, balance_rows, totals
from app.models import AllocationLine, BalanceSnapshot, Job, Period, PeriodStatus
from app.models.base import utcnow
from app.money import format_cents
from app.services import audit, balances, bulk, fund, jobs, journal, late_fees, recompute
from app.services import periods as period_service
from app.services.recompute import fingerprint
from app.words import not_split_reason

log = logging.getLogger("levy.close")
JOB_KIND = "close_period"
DERIVED = ("allocation", "usage")


class CloseRefused(Conflict):
    """The period cannot be closed as it stands."""

    def __init__(self, problems: list[tuple[str, int, str]]):
        reasons = {name: str(not_split_reason(reason)) for name, _cents, reason in problems}
        names = "; ".join(f"{name}: {reason}" for name, reason in reasons.items())
        super().__init__(
            _("The period cannot be closed. Fix these categories first — %(names)s.", names=names),
            {name: [reason] for name, reason in reasons.items()},
        )


def check_closable(period: Period, allocation: PeriodAllocation | None = None) -> None:
    allocation = allocation or balances.live_allocation(period)
    if allocation.unassigned:
        raise CloseRefused(allocation.unassigned)


def request_close(period: Period) -> Job:
    if period.status == PeriodStatus.CLOSING:
        raise Conflict(_("The period “%(name)s” is already being closed.", name=period.name))
    if period.status == PeriodStatus.CLOSED:
        raise Conflict(_("The period “%(name)s” is already closed.", name=period.name))
    check_closable(period)
    moved = db.session.execute(
        update(Period)
        .where(
            Period.id == period.id, Period.community_id == g.community_id, Period.status == PeriodStatus.OPEN
        )
        .values(status=PeriodStatus.CLOSING)
        .execution_options(synchronize_session=False)
    )
    if cast(CursorResult, moved).rowcount != 1:
        db.session.rollback()
        raise Conflict(_("The period “%(name)s” is already being closed.", name=period.name))
    job = jobs.create(JOB_KIND, period_id=period.id)
    audit.record("close_requested", "period", period.id, period_id=period.id, after={"job_id": job.id})
    return job  # the caller commits, then jobs.dispatch(job)


def _pause():
    """Lets the tests kill a worker mid-close (LEVY_CLOSE_STEP_DELAY seconds)."""
    delay = current_app.config.get("CLOSE_STEP_DELAY") or 0
    if delay:
        time.sleep(delay)


def run_close_job(job_id: int, heartbeat: bool = False, full_rewrite: bool = False) -> None:
    """The task's body. ``heartbeat``: keep the job's lease alive from a thread (on a
    worker; an eager task has no other worker to hand over to). ``full_rewrite``: close
    every later period again from scratch instead of shifting the unchanged ones."""
    job = db.session.execute(select(Job).where(Job.id == job_id)).scalar_one_or_none()
    if job is None or job.status == "succeeded":
        return
    period_id = job.period_id
    if period_id is None:
        raise ValueError(f"close job {job_id} names no period")
    # Compare-and-set: a duplicate delivery while another execution's lease is alive, or of
    # a finished job, does nothing (app.services.jobs).
    token = jobs.claim(job_id)
    if token is None:
        log.info("close job %s is done or held by a live worker; nothing to do", job_id)
        return
    try:
        with jobs.heartbeat(job_id, token, enabled=heartbeat):
            _run_close(job_id, period_id, full_rewrite)
    finally:
        jobs.release(job_id, token)


def _run_close(job_id: int, period_id: int, full_rewrite: bool = False) -> None:
    jobs.progress(job_id, 5)
    try:
        period = _locked_period(period_id)
        if period.status == PeriodStatus.OPEN:
            raise Conflict(_("The period was reopened before the close ran."))
        _pause()
        write_close(period)
        later = [p for p in period_service.later(period) if p.status == PeriodStatus.CLOSED]
        jobs.progress(job_id, 60 if later else 95)  # commits the close with its progress
        for index, later_period in enumerate(later, start=1):
            _pause()
            recompute_later(_locked_period(later_period.id), full_rewrite)
            jobs.progress(job_id, 60 + int(35 * index / len(later)))
        jobs.succeed(job_id)
    except Conflict as error:
        jobs.fail(job_id, error)


@jobs.on_failure(JOB_KIND)
def _reopen(job: Job) -> None:
    """A failed close returns the period to open (jobs.fail has thrown away whatever the
    failed attempt wrote: derived postings, snapshot rows)."""
    db.session.execute(
        update(Period)
        .where(Period.id == job.period_id, Period.status == PeriodStatus.CLOSING)
        .values(status=PeriodStatus.OPEN)
    )


def _locked_period(period_id: int) -> Period:
    # FOR UPDATE: a duplicate delivery of the same job waits instead of writing alongside.
    return db.session.execute(select(Period).where(Period.id == period_id).with_for_update()).scalar_one()


def recompute_later(period: Period, full_rewrite: bool = False) -> None:
    """A later closed period after an earlier one closed: shifted if its inputs did not
    change, else closed again."""
    with bulk.collector_paused():
        if full_rewrite or not recompute.shift(period):
            write_close(period, recompute=True)


def write_close(period: Period, recompute: bool = False) -> None:
    """Postings for the splits and tariffs, the late fees, the balance snapshot, status
    closed."""
    with bulk.collector_paused():
        _write_close(period, recompute)


def _write_close(period: Period, recompute: bool) -> None:
    inputs = balances.split_inputs(period)
    period.inputs_fingerprint = fingerprint(period, inputs)
    by_key = balances.expense_totals(period.id)
    allocation = balances.live_allocation(period, totals_by_key=by_key, inputs=inputs)
    check_closable(period, allocation)
    journal.replace_derived(period.id, DERIVED)
    removed_fees = late_fees.remove(period)
    # One pass over the period's postings: the records (without the fees just removed) and
    # the split in hand give each member's movements; the new late fees are added to them.
    movements = balances.period_movements(period, allocation)
    _post_allocation(period, allocation)
    _save_lines(period, allocation)
    opening = balances.opening_balances(period)
    contributions = {m: v.contributions for m, v in movements.items() if v.contributions}
    fees = late_fees.charge(period, opening, contributions, removed=removed_fees)
    for member_id, cents in fees.items():
        movements[member_id] = movements.get(member_id, Movements()) + Movements(service_charges=cents)
    rows = balances.with_holders(
        balance_rows(opening, movements), {share.owner_member_id for share in inputs.properties}
    )
    db.session.execute(
        delete(BalanceSnapshot)
        .where(BalanceSnapshot.period_id == period.id)
        .execution_options(synchronize_session=False)
    )
    if rows:
        community_id = g.community_id
        bulk.insert_rows(
            BalanceSnapshot,
            [
                {
                    "community_id": community_id,
                    "period_id": period.id,
                    "member_id": row.member_id,
                    **{key: getattr(row, key) for key in TOTAL_KEYS},
                }
                for row in rows.values()
            ],
        )
    before = {"status": period.status, "stale": period.stale}
    period.status, period.stale = PeriodStatus.CLOSED, False
    period.closed_at = period.closed_at if recompute and period.closed_at else utcnow()
    own_movement = fund.movement(totals(rows.values()), by_key)
    period.fund_cash_cents = fund.cash_to_keep(period, own_movement)
    audit.record(
        "recompute" if recompute else "close",
        "period",
        period.id,
        period_id=period.id,
        before=before,
        after={"status": period.status, "stale": False, "members": len(rows)},
    )


def _save_lines(period: Period, allocation: PeriodAllocation) -> None:
    db.session.execute(
        delete(AllocationLine)
        .where(AllocationLine.period_id == period.id)
        .execution_options(synchronize_session=False)
    )
    if allocation.lines:
        # A line is a tuple of LINE_FIELDS: zip builds each row's dict in C (~14,000 rows).
        keys, where = (*balances.LINE_FIELDS, "community_id", "period_id"), (g.community_id, period.id)
        bulk.insert_rows(AllocationLine, [dict(zip(keys, (*line, *where))) for line in allocation.lines])


def _post_allocation(period: Period, allocation: PeriodAllocation) -> None:
    entries = []  # written together: one bulk write of entries, one of postings
    by_item: dict[tuple[int, str], list] = {}
    for line in allocation.lines:
        by_item.setdefault((line.item_id, line.kind), []).append(line)
    for (item_id, kind), lines in sorted(by_item.items()):
        payment_type = lines[0].payment_type
        income = f"Income:{'Allocated' if kind == 'allocated' else 'Usage'}:{payment_type}"
        legs = [
            {
                "account": journal.member_account(line.member_id),
                "member_id": line.member_id,
                "property_id": line.property_id,
                "category": kind,
                "payment_type": payment_type,
                "amount_cents": line.cents,
            }
            for line in lines
            if line.cents
        ]
        total = sum(leg["amount_cents"] for leg in legs)
        if not total:
            continue
        legs.append({"account": income, "payment_type": payment_type, "amount_cents": -total})
        entries.append(
            {
                "date": period.end_date,
                "source_type": "allocation" if kind == "allocated" else "usage",
                "source_id": item_id,
                "legs": legs,
                "memo": f"{payment_type}: {lines[0].strategy} split of {format_cents(lines[0].total)}"
                if kind == "allocated"
                else f"{payment_type}: tariff",
            }
        )
    journal.post_entries(period.id, entries)
