"""What the community dashboard shows: the member's own money, and for admins the community's.

``for_member(member)`` returns the template context of ``community/dashboard.html``:

- ``mine`` — my balance now (the current open period, else the latest one), what changed
  since the previous period closed, my recent payments, my properties, my history chart,
  the one next step (how much to pay and the community's payment details), the payment
  request with its QR code (app.services.payment_requests), the last
  reminder I was sent, and the closed periods whose full sheet I may read.
- ``admin`` (admins only) — the open period, fund cash, totals, top debtors, recent jobs,
  and the first-run checklist (``setup_steps``) until every step is done.

Payment details are the admins' free text from the settings. They may use placeholders,
filled in per member so every owner sees their own reference: ``{name}``, ``{member_id}``,
``{properties}`` (labels, comma-separated) and ``{amount}`` (what is owed now).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_babel import lazy_gettext
from sqlalchemy import exists, select

from app import policy
from app.extensions import db
from app.models import Community, Contribution, Job, Member, Period, PeriodStatus, Property, Reminder
from app.money import format_money
from app.services import balances, history, payment_requests
from app.services.community import in_label_order

RECENT_PAYMENTS = 5
TOP_DEBTORS = 5
RECENT_JOBS = 5


def for_member(member: Member) -> dict:
    context = {"mine": mine(member)}
    if member.is_admin:
        context["admin"] = for_admin()
    return context


# --- the member's own money --------------------------------------------------------------


def mine(member: Member) -> dict:
    points = history.member_history(member.id)
    now = history.point_now(points)
    before = None
    if now is not None:
        index = points.index(now)
        before = points[index - 1] if index > 0 else None
    props = properties_of(member)
    balance = now.closing if now else 0
    owed = -balance if balance < 0 else 0
    return {
        "period": now.period if now else None,
        "row": now.row if now else None,
        "balance": balance,
        "owed": owed,
        "provisional": bool(now and now.provisional),
        "before": before,
        "points": points,
        "chart": history.chart(points) if points else None,
        "payments": recent_payments(member),
        "properties": props,
        "payment_details": payment_details(member, props, owed),
        "payment_request": payment_requests.for_member(member, -min(points[-1].closing, 0) if points else 0),
        "last_reminder": last_reminder(member),
        "has_money": bool(props) or any(p.row for p in points),
        "sheet_periods": visible_sheet_periods(member),
    }


def properties_of(member: Member) -> list[Property]:
    return in_label_order(
        db.session.execute(select(Property).where(Property.owner_member_id == member.id)).scalars()
    )


def recent_payments(member: Member, limit: int = RECENT_PAYMENTS) -> list[tuple[Contribution, Period]]:
    return list(
        db.session.execute(
            select(Contribution, Period)
            .join(Period, Period.id == Contribution.period_id)
            .where(Contribution.member_id == member.id, Contribution.voided_at.is_(None))
            .order_by(Contribution.date.desc(), Contribution.id.desc())
            .limit(limit)
        ).tuples()
    )


def last_reminder(member: Member) -> Reminder | None:
    return db.session.execute(
        select(Reminder).where(Reminder.member_id == member.id).order_by(Reminder.sent_on.desc()).limit(1)
    ).scalar_one_or_none()


def payment_details(member: Member, props: list[Property], owed: int) -> str:
    """The community's payment details with this member's placeholders filled in."""
    text = member.community.payment_details or ""
    values = {
        "{name}": member.name,
        "{member_id}": str(member.id),
        "{properties}": ", ".join(p.label for p in props),
        "{amount}": format_money(owed, member.community.currency),
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text.strip()


def visible_sheet_periods(member: Member) -> list[Period]:
    if member.is_admin or not policy.sees_books(member):
        return []  # admins reach every sheet from the periods pages
    return list(
        db.session.execute(
            select(Period).where(Period.status == PeriodStatus.CLOSED).order_by(Period.start_date.desc())
        ).scalars()
    )


# --- the community (admins) --------------------------------------------------------------


def for_admin() -> dict:
    period = history.now_period()
    sheet = balances.sheet(period) if period is not None else None
    debtors = (
        sorted(
            (r for r in sheet.rows if r.balance.closing < 0),
            key=lambda r: (r.balance.closing, r.name.casefold()),
        )
        if sheet
        else []
    )
    jobs = list(
        db.session.execute(
            select(Job, Period)
            .outerjoin(Period, Period.id == Job.period_id)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(RECENT_JOBS)
        ).tuples()
    )
    return {
        "setup_steps": setup_steps(),
        "period": period,
        "sheet": sheet,
        "top_debtors": debtors[:TOP_DEBTORS],
        "debtor_count": len(debtors),
        "debt_total": -sum(r.balance.closing for r in debtors),
        "jobs": jobs,
    }


@dataclass(frozen=True)
class SetupStep:
    key: str  # what the template links to: properties, members, period, payment
    title: str  # lazy: shown in the reader's language
    done: bool


def setup_steps() -> list[SetupStep]:
    """What a new community still has to do before its treasurer can work; shown on the
    admin dashboard until every step is done. Each is one cheap EXISTS query."""
    community = db.session.get_one(Community, g.community_id)

    def any_row(*where) -> bool:
        return bool(db.session.execute(select(exists().where(*where))).scalar())

    steps = [
        SetupStep(
            "properties",
            lazy_gettext("Add the properties (or import them from a spreadsheet)"),
            any_row(Property.community_id == community.id),
        ),
        SetupStep(
            "members",
            lazy_gettext("Add the members who own them"),
            any_row(Member.community_id == community.id, Member.role == "owner"),
        ),
        SetupStep(
            "period",
            lazy_gettext("Start the first billing period"),
            any_row(Period.community_id == community.id),
        ),
        SetupStep(
            "payment",
            lazy_gettext("Set the payment details owners pay to"),
            bool((community.payment_details or "").strip() or (community.payee_account or "").strip()),
        ),
    ]
    return [] if all(step.done for step in steps) else steps
