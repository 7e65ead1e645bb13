"""JSON shapes of the API (SPEC §5): ids are integers, amounts strings with two decimals."""

from decimal import Decimal

from app.forms.community import PAYEE_FIELDS
from app.money import decimal_text, format_cents


def community(c) -> dict:
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "currency": c.currency,
        "owners_see_balance_sheet": c.owners_see_balance_sheet,
        "payment_details": c.payment_details or "",
    }


def settings(c) -> dict:
    return {
        **{k: v for k, v in community(c).items() if k not in ("id", "slug")},
        "locale": c.locale or "en",
        "late_fee_percent": decimal_text(c.late_fee_percent or Decimal(0)),
        **{name: getattr(c, name) or "" for name in PAYEE_FIELDS},
    }


def user(u) -> dict:
    return {"id": u.id, "email": u.email, "name": u.name}


def member(m) -> dict:
    return {
        "id": m.id,
        "name": m.name,
        "email": m.email,
        "role": m.role,
        "joined": m.user_id is not None,
        "removed": m.removed,
    }


def member_public(m) -> dict:
    return {"id": m.id, "name": m.name, "role": m.role, "removed": m.removed}


def prop(p) -> dict:
    return {
        "id": p.id,
        "label": p.label,
        "share_weight": decimal_text(p.share_weight),
        "owner_member_id": p.owner_member_id,
        "active": p.active,
    }


def period(p) -> dict:
    return {
        "id": p.id,
        "name": p.name,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat(),
        "status": p.status,
        "stale": p.stale,
    }


def contribution(c) -> dict:
    return {
        "id": c.id,
        "period_id": c.period_id,
        "member_id": c.member_id,
        "amount": format_cents(c.amount_cents),
        "date": c.date.isoformat(),
        "comment": c.comment or "",
    }


def expense(e, budget_item_id: int | None = None) -> dict:
    return {
        "id": e.id,
        "period_id": e.period_id,
        "amount": format_cents(e.amount_cents),
        "date": e.date.isoformat(),
        "payment_type": e.payment_type,
        "vendor": e.vendor or "",
        "description": e.description or "",
        "paid_by_member_id": e.paid_by_member_id,
        "budget_item_id": budget_item_id,
    }


def budget_item(b) -> dict:
    return {
        "id": b.id,
        "period_id": b.period_id,
        "payment_type": b.payment_type,
        "budgeted_cost": format_cents(b.budgeted_cost_cents),
        "strategy": b.strategy,
        "unit_rate": decimal_text(b.unit_rate),
    }


def reading(r, total_cost_cents: int | None) -> dict:
    return {
        "id": r.id,
        "period_id": r.period_id,
        "property_id": r.property_id,
        "budget_item_id": r.budget_item_id,
        "start_reading": decimal_text(r.start_reading),
        "end_reading": decimal_text(r.end_reading),
        "consumption": decimal_text(r.consumption),
        "total_cost": None if total_cost_cents is None else format_cents(total_cost_cents),
    }


def charge(c) -> dict:
    """A late fee (written by the close) also says so, and how it was computed:
    ``kind: "late_fee"``, ``late_fee_percent`` of ``overdue``. A charge typed by an admin
    keeps SPEC §5's shape."""
    result = {
        "id": c.id,
        "period_id": c.period_id,
        "member_id": c.member_id,
        "amount": format_cents(c.amount_cents),
        "date": c.date.isoformat(),
        "description": c.description,
    }
    if c.is_late_fee:
        result.update(
            kind=c.kind,
            late_fee_percent=decimal_text(c.late_fee_percent),
            overdue=format_cents(c.overdue_cents or 0),
        )
    return result


def payout(p) -> dict:
    return {
        "id": p.id,
        "period_id": p.period_id,
        "member_id": p.member_id,
        "amount": format_cents(p.amount_cents),
        "date": p.date.isoformat(),
        "comment": p.comment or "",
    }


def adjustment(a) -> dict:
    return {
        "id": a.id,
        "period_id": a.period_id,
        "member_id": a.member_id,
        "amount": format_cents(a.amount_cents),
        "date": a.date.isoformat(),
        "reason": a.reason,
    }


def job(j) -> dict:
    return {
        "id": j.id,
        "kind": j.kind,
        "status": j.status,
        "progress": j.progress,
        "error": j.error,
        "period_id": j.period_id,
    }
