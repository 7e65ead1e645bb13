"""The whole ledger as Beancount text: one account per member, the fund, expense and income
accounts, and a balance assertion for every member at the end of each closed period."""
import re
from datetime import timedelta

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import BalanceSnapshot, JournalEntry, Member, Period, PeriodStatus, Posting
from app.money import format_cents


def _component(text: str) -> str:
    """A Beancount account component: starts with a capital letter or digit."""
    words = re.findall(r"[A-Za-z0-9]+", " ".join(text.split()).casefold())
    name = "-".join(words).capitalize() or "Other"
    return name if name[0].isalnum() else "X" + name


def account_name(account: str) -> str:
    if account.startswith("Members:"):
        return f"Liabilities:Members:M{account.split(':', 1)[1]}"
    root, _, rest = account.partition(":")
    if root == "Assets":
        return account
    if root == "Income" and rest.startswith(("Allocated:", "Usage:")):
        kind, _, payment_type = rest.partition(":")
        return f"Income:{kind}:{_component(payment_type)}"
    if root == "Income":
        return account
    return f"{root}:{_component(rest)}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', "'") + '"'


def beancount() -> str:
    community = g.community
    currency = community.currency
    entries = list(db.session.execute(select(JournalEntry).order_by(
        JournalEntry.date, JournalEntry.id)).scalars())
    postings: dict[int, list[Posting]] = {}
    for posting in db.session.execute(select(Posting).order_by(Posting.id)).scalars():
        postings.setdefault(posting.entry_id, []).append(posting)
    names = dict(db.session.execute(select(Member.id, Member.name)).all())
    periods = list(db.session.execute(select(Period).order_by(Period.start_date)).scalars())
    start = min([p.start_date for p in periods] + [e.date for e in entries], default=None)

    lines = [f"option \"title\" {_quote(community.name)}",
             f"option \"operating_currency\" \"{currency}\"", ""]
    accounts = sorted({account_name(p.account) for ps in postings.values() for p in ps}
                      | {f"Liabilities:Members:M{m}" for m in names} | {"Assets:Fund"})
    if start:
        for account in accounts:
            member = account.rsplit(":M", 1)[-1] if account.startswith("Liabilities:Members:") else None
            note = f"  ; {names.get(int(member), '')}" if member and member.isdigit() else ""
            lines.append(f"{start.isoformat()} open {account} {currency}{note}")
        lines.append("")
    for entry in entries:
        legs = postings.get(entry.id, [])
        if not legs:
            continue
        lines.append(f"{entry.date.isoformat()} * {_quote(entry.source_type)} {_quote(entry.memo)}")
        for leg in legs:
            lines.append(f"  {account_name(leg.account):<48} {format_cents(leg.amount_cents):>16} "
                         f"{currency}")
        lines.append("")
    for period in periods:
        if period.status != PeriodStatus.CLOSED:
            continue
        closing = dict(db.session.execute(select(BalanceSnapshot.member_id, BalanceSnapshot.closing)
                                          .where(BalanceSnapshot.period_id == period.id)).all())
        day = (period.end_date + timedelta(days=1)).isoformat()
        lines.append(f"; closing balances of {period.name}")
        for member_id in sorted(names):
            # A member's credit is a liability of the community: the account holds −closing.
            # "~ 0.00": exact to the cent; Beancount's default tolerance for a two-decimal
            # balance assertion is ±0.01, which would let a rounding cent slip through.
            lines.append(f"{day} balance Liabilities:Members:M{member_id} "
                         f"{format_cents(-closing.get(member_id, 0))} ~ 0.00 {currency}")
        lines.append("")
    return "\n".join(lines) + "\n"
