"""Payment reminders to members in debt: preview, queue, send, record.

An admin previews who is in debt now (the current open period's balance, else the latest
period's) and sends. ``queue`` records one Job per batch of members and queues one Celery
task per batch; ``run_batch`` (the task's body) re-reads each member's balance at sending
time, skips anyone no longer in debt or already reminded today, and for each of the others
records a Reminder and mails it. The unique (member, day) constraint is the last word when
two batches race: the loser skips. Without SMTP the mail goes to the log (app.services.mailer).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from flask import current_app, g, has_request_context, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import community_language, money
from app.models import Community, Job, Member, Period, Reminder
from app.models.base import utcnow
from app.money import format_cents
from app.services import audit, balances, dashboard, history, mailer, payment_requests
from app.services import jobs as job_service

log = logging.getLogger("levy.reminders")
BATCH_SIZE = 50
JOB_KIND = "reminders"


@dataclass(frozen=True)
class Debtor:
    member: Member
    owed: int  # cents, > 0
    last_reminded: date | None

    @property
    def reminded_today(self) -> bool:
        return self.last_reminded == date.today()


def current_balances() -> tuple[Period | None, dict[int, int]]:
    """The "now" period and every member's closing balance in it."""
    period = history.now_period()
    if period is None:
        return None, {}
    return period, {r.balance.member_id: r.balance.closing for r in balances.sheet(period).rows}


def debtors() -> tuple[Period | None, list[Debtor]]:
    """Members in debt now, largest debt first, with the day each was last reminded."""
    period, closings = current_balances()
    owing = {member_id: -closing for member_id, closing in closings.items() if closing < 0}
    if not owing:
        return period, []
    # Only members a mail can reach: no email (no account yet) or removed, no reminder.
    members = db.session.execute(
        select(Member).where(Member.id.in_(owing), Member.email.is_not(None), Member.removed_at.is_(None))
    ).scalars()
    last = dict(
        db.session.execute(
            select(Reminder.member_id, func.max(Reminder.sent_on))
            .where(Reminder.member_id.in_(owing))
            .group_by(Reminder.member_id)
        ).all()
    )
    result = [Debtor(m, owing[m.id], last.get(m.id)) for m in members]
    return period, sorted(result, key=lambda d: (-d.owed, d.member.name.casefold(), d.member.id))


def sent(limit: int = 50) -> list[tuple[Reminder, Member]]:
    """The reminders sent, newest first."""
    return list(
        db.session.execute(
            select(Reminder, Member)
            .join(Member, Member.id == Reminder.member_id)
            .order_by(Reminder.sent_on.desc(), Reminder.id.desc())
            .limit(limit)
        ).tuples()
    )


def recent_jobs(limit: int = 5) -> list[Job]:
    return list(
        db.session.execute(
            select(Job)
            .where(Job.kind == JOB_KIND)
            .order_by(Job.created_at.desc(), Job.id.desc())
            .limit(limit)
        ).scalars()
    )


def message(
    member: Member, community: Community, owed: int, period: Period | None, link: str
) -> tuple[str, str]:
    """Subject and body of one reminder, in the community's language (SPEC §7)."""
    with force_locale(community_language(community)):
        return _message(member, community, owed, period, link)


def _message(member, community, owed, period, link) -> tuple[str, str]:
    amount = money(owed, community.currency)
    details = dashboard.payment_details(member, dashboard.properties_of(member), owed)
    if period is not None:
        owes = gettext(
            "Your balance in %(community)s shows %(amount)s to pay (period %(period)s).",
            community=community.name,
            amount=amount,
            period=period.name,
        )
    else:
        owes = gettext(
            "Your balance in %(community)s shows %(amount)s to pay.", community=community.name, amount=amount
        )
    lines = [gettext("Hello %(name)s,", name=member.name), "", owes, ""]
    if details:
        lines += [gettext("How to pay:"), details, ""]
    request = payment_requests.for_member(member, owed)
    if request.payee.name or request.payee.account:
        # The same payee and purpose the dashboard's QR code carries, to copy into a bank.
        plain_amount = f"{format_cents(owed)} {community.currency}"
        lines += [
            gettext("Bank transfer details:"),
            *(f"{label}: {value}" for label, value in request.details()),
            gettext("Amount: %(amount)s", amount=plain_amount),
            "",
        ]
    lines += [
        gettext("Every line behind this amount, and your statements: %(link)s", link=link),
        "",
        gettext("If you have paid in the last few days, thank you; please ignore this reminder."),
        "",
        gettext("— %(community)s, via Levy", community=community.name),
    ]
    subject = gettext(
        "%(community)s: payment reminder — %(amount)s to pay", community=community.name, amount=amount
    )
    return subject, "\n".join(lines)


def queue(member_ids: list[int] | None = None) -> list[Job]:
    """One job per batch of the chosen debtors (all when None) not yet reminded today; the
    caller commits, then ``jobs.dispatch(*queued)``."""
    _, candidates = debtors()
    chosen = [
        d.member.id
        for d in candidates
        if not d.reminded_today and (member_ids is None or d.member.id in member_ids)
    ]
    batches = [chosen[i : i + BATCH_SIZE] for i in range(0, len(chosen), BATCH_SIZE)]
    queued = [job_service.create(JOB_KIND, batch) for batch in batches]
    if chosen:
        audit.record(
            "send", "reminders", None, after={"member_ids": chosen, "job_ids": [j.id for j in queued]}
        )
    return queued


def run_batch(job_id: int, member_ids: list[int], today: date | None = None) -> None:
    """The task's body: remind each member of the batch at most once today."""
    today = today or date.today()
    job_service.start(job_id)
    community = db.session.execute(select(Community).where(Community.id == g.community_id)).scalar_one()
    period, closings = current_balances()
    link = _dashboard_link(community)
    failures = []
    for done, member_id in enumerate(member_ids, start=1):
        owed = -closings.get(member_id, 0)
        if owed > 0:
            try:
                _remind(member_id, owed, today, community, period, link)
            except IntegrityError:
                db.session.rollback()  # another batch reminded them first today
            except Exception as error:  # a mail server refusing one address
                db.session.rollback()
                log.exception("reminder to member %s failed", member_id)
                failures.append(f"member {member_id}: {error}")
        # Commits the reminder just sent with the progress: a repeat delivery skips them.
        job_service.progress(job_id, done * 100 // len(member_ids))
    if failures:
        job_service.change(
            job_id, status="failed", error="; ".join(failures)[:2000], progress=100, finished_at=utcnow()
        )
    else:
        job_service.succeed(job_id)


def _remind(member_id, owed, today, community, period, link) -> None:
    already = db.session.execute(
        select(Reminder.id).where(Reminder.member_id == member_id, Reminder.sent_on == today)
    ).first()
    if already:
        return
    member = db.session.execute(select(Member).where(Member.id == member_id)).scalar_one()
    if not member.email or member.removed:
        return
    db.session.add(
        Reminder(
            community_id=community.id,
            member_id=member.id,
            amount_cents=owed,
            email=member.email,
            sent_on=today,
        )
    )
    db.session.flush()  # claims (member, day) before the mail leaves
    subject, body = message(member, community, owed, period, link)
    mailer.send(member.email, subject, body)


def _dashboard_link(community: Community) -> str:
    path = f"/c/{community.slug}/"
    base = current_app.config.get("BASE_URL")
    if base:
        return base.rstrip("/") + path
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("community.dashboard", community_slug=community.slug, _external=True)
    return path
