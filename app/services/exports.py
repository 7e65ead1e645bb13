"""The whole ledger as Beancount text: one account per member, the fund, expense and income
accounts, and a balance assertion for every member at the end of each closed period."""

import re
import unicodedata
from datetime import timedelta

from flask import g
from sqlalchemy import select

from app.extensions import db
from app.models import BalanceSnapshot, JournalEntry, Member, Period, PeriodStatus, Posting
from app.money import format_cents
from app.services import journal


# Nothing typed by a user reaches the file raw (SPEC §5): strings are escaped and kept on one
# line, account names are rebuilt from letters and digits, and names ride along as metadata.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_WORD_BREAK = re.compile(r"[\W_]+")


def one_line(text: str) -> str:
    """Every control character (newline, CR, tab...) a space: nothing starts a new line."""
    return _CONTROL.sub(" ", text or "")


def _quote(text: str) -> str:
    """A Beancount string literal."""
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _valid_component(name: str) -> bool:
    """What bean-check takes as a part of an account name: an uppercase letter or a digit,
    then letters, digits and dashes (Cyrillic and accented letters included; CJK has no
    uppercase, so it cannot start one)."""

    def ok(char, first):
        category = unicodedata.category(char)
        return (
            category == "Lu" or category == "Nd" or (not first and (category.startswith("L") or char == "-"))
        )

    return bool(name) and all(ok(c, i == 0) for i, c in enumerate(name))


def _component(text: str) -> str:
    """An account name part from a category: its words joined by "-", capitalized
    ("Snow removal" → ``Snow-removal``, "Охрана" → ``Охрана``, "警備" → ``X-警備``)."""
    words = [w for w in _WORD_BREAK.split(unicodedata.normalize("NFC", text).casefold()) if w]
    words = ["".join(c for c in w if _valid_component("A" + c)) for w in words]
    name = "-".join(w for w in words if w)
    if not name:
        return "Other"
    name = name[0].upper() + name[1:]
    return name if _valid_component(name) else "X-" + name


class AccountNames:
    """The Ledger's accounts as Beancount names, one to one: two categories whose cleaned
    names coincide get ``-2``, ``-3``... in the order of their stored names."""

    def __init__(self, accounts):
        self.names: dict[str, str] = {}
        self.labels: dict[str, str] = {}  # Beancount name -> what the user typed
        taken: set[str] = set()
        for account in sorted(set(accounts)):
            base, label = self._base(account)
            name, n = base, 1
            while name in taken:
                n += 1
                name = f"{base}-{n}"
            taken.add(name)
            self.names[account] = name
            if label is not None:
                self.labels[name] = label

    @staticmethod
    def _base(account: str) -> tuple[str, str | None]:
        if account.startswith("Members:"):
            return f"Liabilities:Members:M{int(account.split(':', 1)[1])}", None
        if account in (journal.FUND, journal.SERVICE_INCOME):
            return account, None
        root, _, rest = account.partition(":")
        if root == "Income" and rest.startswith(("Allocated:", "Usage:")):
            kind, _, payment_type = rest.partition(":")
            return f"Income:{kind}:{_component(payment_type)}", payment_type
        if root not in ("Assets", "Liabilities", "Equity", "Income", "Expenses"):
            root, rest = "Expenses", account
        return f"{root}:{_component(rest)}", rest

    def __getitem__(self, account: str) -> str:
        return self.names[account]


def beancount() -> str:
    community = g.community
    currency = community.currency
    entries = list(
        db.session.execute(select(JournalEntry).order_by(JournalEntry.date, JournalEntry.id)).scalars()
    )
    postings: dict[int, list[Posting]] = {}
    for posting in db.session.execute(select(Posting).order_by(Posting.id)).scalars():
        postings.setdefault(posting.entry_id, []).append(posting)
    names = dict(db.session.execute(select(Member.id, Member.name)).all())
    periods = list(db.session.execute(select(Period).order_by(Period.start_date)).scalars())
    start = min([p.start_date for p in periods] + [e.date for e in entries], default=None)

    lines = [
        f'option "title" {_quote(community.name)}',
        f'option "operating_currency" {_quote(currency)}',
        "",
    ]
    accounts = AccountNames(
        {p.account for ps in postings.values() for p in ps}
        | {journal.member_account(m) for m in names}
        | {journal.FUND}
    )
    if start:
        for account in sorted(accounts.names.values()):
            lines.append(f"{start.isoformat()} open {account} {currency}")
            label = accounts.labels.get(account)
            if account.startswith("Liabilities:Members:M"):
                label = names.get(int(account.rsplit(":M", 1)[1]))
            if label is not None:
                lines.append(f"  name: {_quote(label)}")
        lines.append("")
    for entry in entries:
        legs = postings.get(entry.id, [])
        if not legs:
            continue
        lines.append(f"{entry.date.isoformat()} * {_quote(entry.source_type)} {_quote(entry.memo)}")
        for leg in legs:
            lines.append(f"  {accounts[leg.account]:<48} {format_cents(leg.amount_cents):>16} {currency}")
        lines.append("")
    for period in periods:
        if period.status != PeriodStatus.CLOSED:
            continue
        closing = dict(
            db.session.execute(
                select(BalanceSnapshot.member_id, BalanceSnapshot.closing).where(
                    BalanceSnapshot.period_id == period.id
                )
            ).all()
        )
        day = (period.end_date + timedelta(days=1)).isoformat()
        lines.append(f"; closing balances of {one_line(period.name)}")
        for member_id in sorted(names):
            # A member's credit is a liability of the community: the account holds −closing.
            # "~ 0.00": exact to the cent; Beancount's default tolerance for a two-decimal
            # balance assertion is ±0.01, which would let a rounding cent slip through.
            lines.append(
                f"{day} balance Liabilities:Members:M{member_id} "
                f"{format_cents(-closing.get(member_id, 0))} ~ 0.00 {currency}"
            )
        lines.append("")
    return "\n".join(lines) + "\n"
