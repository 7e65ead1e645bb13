"""Recomputing a later closed period after an earlier one closed again (SPEC §3).

A close writes a period's derived rows: allocation and usage entries with their postings,
allocation lines, late fees, the balance snapshot. When an earlier period closes again,
every later closed period is recomputed in date order. Its splits and tariffs depend only
on its own inputs, so when those are what its last close read — the same fingerprint —
``shift`` leaves the splits, the allocation lines and every record's entry alone and only:

- moves each member's opening and closing to the new carried balances (the pure
  ``app.ledger.recompute.shift_period``), updating the snapshot rows that change in one
  bulk UPDATE, adding or dropping the rows a full close would add or omit;
- recomputes every member's late fee and rewrites only the fees that differ;
- stores the fund's cash again and clears ``stale``.

Otherwise (or on request: ``closing.run_close_job(..., full_rewrite=True)``, the reference
the tests compare against) the period is closed again from scratch by ``closing.write_close``.
The result is the same either way: the tests compare both on generated communities.

The fingerprint covers what a close reads from the period: its budget items, its readings,
every property (weights, owners, active — and so the members who hold one), and its
records, through their journal entries — a record's edit or void never rewrites an entry
but adds one (``app.services.journal``), so the count and the last id of the period's
non-derived entries change with any of them.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from types import SimpleNamespace

from flask import g
from sqlalchemy import delete, func, select, update

from app.extensions import db
from app.ledger.balances import MOVEMENT_KEYS, BalanceRow
from app.ledger.recompute import Fee, Shift, shift_period
from app.models import (
    BalanceSnapshot,
    ChargeKind,
    JournalEntry,
    Period,
    Posting,
    ServiceCharge,
)
from app.models.base import utcnow
from app.services import audit, balances, bulk, fund, journal, late_fees

# Entries a close writes (and replaces); every other entry is a record's.
DERIVED_SOURCES = ("allocation", "usage", late_fees.SOURCE_TYPE)
SNAPSHOT_COLUMNS = MOVEMENT_KEYS


def fingerprint(period: Period, inputs: balances.SplitInputs | None = None) -> str:
    """A hash of the period's own inputs (see the module's docstring); ``inputs`` when the
    caller has read them already (a close, for its split)."""
    inputs = inputs or balances.split_inputs(period)
    entries = db.session.execute(
        select(func.count(), func.max(JournalEntry.id)).where(
            JournalEntry.period_id == period.id, JournalEntry.source_type.not_in(DERIVED_SOURCES)
        )
    ).one()
    parts = (
        sorted(inputs.items, key=lambda item: item.id),
        sorted(inputs.properties, key=lambda share: share.property_id),
        sorted(inputs.readings, key=lambda reading: reading.id),
        tuple(entries),
    )
    digest = hashlib.sha256()
    for part in parts:
        # A stored value reads back the same every time (Numeric columns keep their scale),
        # so the values' own repr (dataclasses: field names and values) is a stable text.
        digest.update(repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def shift(period: Period) -> bool:
    """Bring a later closed period up to date without rewriting its splits; False (nothing
    written) when its inputs changed since its close, so it must be closed again in full."""
    if period.inputs_fingerprint is None or period.inputs_fingerprint != fingerprint(period):
        return False
    stored = _stored_rows(period.id)
    fees, fee_ids = _stored_fees(period.id)
    holders = balances.holders()
    result = shift_period(
        {m: row for m, (_id, row) in stored.items()},
        fees,
        balances.opening_balances(period),
        late_fees.percent(),
        holders,
    )
    _write_fees(period, result, fees, fee_ids)
    _write_snapshot(period, result, stored)
    db.session.flush()
    before = {"status": period.status, "stale": period.stale}
    period.stale = False
    period.fund_cash_cents = fund.cash_to_keep(period)
    audit.record(
        "recompute",
        "period",
        period.id,
        period_id=period.id,
        before=before,
        after={
            "status": period.status,
            "stale": False,
            "members": len(result.rows),
            "shifted": len(result.changed) + len(result.added),
            "dropped": len(result.dropped),
        },
    )
    return True


def _stored_rows(period_id: int) -> dict[int, tuple[int, BalanceRow]]:
    rows = db.session.execute(
        select(
            BalanceSnapshot.id,
            BalanceSnapshot.member_id,
            *(getattr(BalanceSnapshot, c) for c in SNAPSHOT_COLUMNS),
        ).where(BalanceSnapshot.period_id == period_id)
    ).all()
    return {r.member_id: (r.id, BalanceRow(r.member_id, *(r[2:]))) for r in rows}


def _stored_fees(period_id: int) -> tuple[dict[int, Fee], dict[int, list[int]]]:
    fees: dict[int, Fee] = {}
    ids: dict[int, list[int]] = {}
    for charge in db.session.execute(
        select(
            ServiceCharge.id,
            ServiceCharge.member_id,
            ServiceCharge.amount_cents,
            ServiceCharge.overdue_cents,
            ServiceCharge.late_fee_percent,
        )
        .where(
            ServiceCharge.period_id == period_id,
            ServiceCharge.kind == ChargeKind.LATE_FEE,
            ServiceCharge.voided_at.is_(None),
        )
        .order_by(ServiceCharge.id)
    ).all():
        old = fees.get(charge.member_id)
        fees[charge.member_id] = Fee(
            (old.cents if old else 0) + charge.amount_cents,
            (old.overdue if old else 0) + (charge.overdue_cents or 0),
            charge.late_fee_percent if charge.late_fee_percent is not None else Decimal(0),
        )
        ids.setdefault(charge.member_id, []).append(charge.id)
    return fees, ids


def _write_fees(period: Period, result: Shift, old: dict[int, Fee], ids: dict[int, list[int]]) -> None:
    """Void the fees that changed and drop their entries, then charge the new ones: what
    ``late_fees.charge`` does for every member, done for these members only."""
    if not result.fees_changed:
        return
    gone = [i for m in result.fees_changed for i in ids.get(m, [])]
    if gone:
        entries = select(JournalEntry.id).where(
            JournalEntry.period_id == period.id,
            JournalEntry.source_type == late_fees.SOURCE_TYPE,
            JournalEntry.source_id.in_(gone),
        )
        db.session.execute(
            delete(Posting).where(Posting.entry_id.in_(entries)).execution_options(synchronize_session=False)
        )
        db.session.execute(
            delete(JournalEntry)
            .where(
                JournalEntry.period_id == period.id,
                JournalEntry.source_type == late_fees.SOURCE_TYPE,
                JournalEntry.source_id.in_(gone),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            update(ServiceCharge)
            .where(ServiceCharge.id.in_(gone))
            .values(voided_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    charges = [
        SimpleNamespace(
            community_id=g.community_id,
            period_id=period.id,
            member_id=m,
            amount_cents=fee.cents,
            date=period.end_date,
            description=late_fees.DESCRIPTION,
            kind=ChargeKind.LATE_FEE,
            late_fee_percent=fee.percent,
            overdue_cents=fee.overdue,
        )
        for m, fee in sorted(result.fees.items())
        if m in result.fees_changed
    ]
    if charges:
        new_ids = bulk.insert_rows(ServiceCharge, [vars(c) for c in charges], ids=True)
        for charge, charge_id in zip(charges, new_ids):
            charge.id = charge_id
        journal.post_records(period.id, late_fees.SOURCE_TYPE, charges, journal.charge_legs)
    removed = sum(old[m].cents for m in result.fees_changed if m in old)
    added = sum(c.amount_cents for c in charges)
    audit.record(
        "late_fees",
        "period",
        period.id,
        period_id=period.id,
        before={"total": sum(f.cents for f in old.values())},
        after={
            "total": sum(f.cents for f in result.fees.values()),
            "members": len(result.fees),
            "rewritten": len(result.fees_changed),
        },
        amount_cents=added - removed,
    )


def _write_snapshot(period: Period, result: Shift, stored: dict[int, tuple[int, BalanceRow]]) -> None:
    if result.dropped:
        db.session.execute(
            delete(BalanceSnapshot)
            .where(BalanceSnapshot.id.in_([stored[m][0] for m in result.dropped]))
            .execution_options(synchronize_session=False)
        )
    bulk.update_rows(
        BalanceSnapshot,
        [
            {
                "id": stored[m][0],
                "opening": row.opening,
                "service_charges": row.service_charges,
                "closing": row.closing,
            }
            for m, row in sorted(result.changed.items())
        ],
    )
    bulk.insert_rows(
        BalanceSnapshot,
        [
            {
                "community_id": g.community_id,
                "period_id": period.id,
                "member_id": m,
                **{c: getattr(row, c) for c in SNAPSHOT_COLUMNS},
                "closing": row.closing,
            }
            for m, row in sorted(result.added.items())
        ],
    )
