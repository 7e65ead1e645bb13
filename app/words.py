"""Plain words for the code words people would otherwise read (issue 12, "Plain words").

One name per thing, on every page, PDF and CSV: a strategy, a period's status, a role, a
background job's kind and status. Each answers a lazy string, turned into text in the
reader's language when shown; an unknown code comes back unchanged rather than failing a
page. ``register`` makes them Jinja filters.
"""

from flask_babel import lazy_gettext, ngettext

STRATEGIES = {
    "proportional": lazy_gettext("split by share"),
    "fixed_fee": lazy_gettext("equal per property"),
    "usage_based": lazy_gettext("by meter"),
    "none": lazy_gettext("not split"),
}
BY_TARIFF = lazy_gettext("by tariff")

# The budget item form's choices: one option covers both meter modes (a unit rate, entered
# beside it, makes it a tariff).
STRATEGY_CHOICES = [
    ("proportional", STRATEGIES["proportional"]),
    ("fixed_fee", STRATEGIES["fixed_fee"]),
    ("usage_based", lazy_gettext("by meter or tariff")),
    ("none", STRATEGIES["none"]),
]

STRATEGY_HELP = lazy_gettext(
    "Split by share: the total shared by each property's share weight. Equal per property: "
    "the total split equally per property. By meter: shared by consumption; with a unit rate, "
    "each reading is charged at that tariff. Not split: paid by the fund, charged to no one."
)

STATUSES = {
    "open": lazy_gettext("open"),
    "closing": lazy_gettext("closing…"),
    "closed": lazy_gettext("closed"),
}

JOB_STATUSES = {
    "queued": lazy_gettext("queued"),
    "running": lazy_gettext("running"),
    "succeeded": lazy_gettext("done"),
    "failed": lazy_gettext("failed"),
}

JOB_KINDS = {
    "close_period": lazy_gettext("Closing a period"),
    "reminders": lazy_gettext("Payment reminders"),
    "bank_import": lazy_gettext("Reading a bank statement"),
}

# Why a category's total was not split (``app.ledger.allocation`` says it in English).
NOT_SPLIT_REASONS = {
    "no budget item": lazy_gettext("no budget item"),
    "no readings with consumption": lazy_gettext("no readings with consumption"),
    "no active properties": lazy_gettext("no active properties"),
}


def _key(code) -> str:
    return str(getattr(code, "value", code) or "")


def strategy_name(strategy, unit_rate=None):
    """How a budget line is split, in words ("by tariff": by meter, with a rate)."""
    key = _key(strategy)
    if key == "usage_based" and unit_rate not in (None, ""):
        return BY_TARIFF
    return STRATEGIES.get(key, key)


def status_name(status):
    key = _key(status)
    return STATUSES.get(key, key)


ROLES = {"owner": lazy_gettext("owner"), "admin": lazy_gettext("admin")}


def role_name(role):
    """A member's role in words: owner, or admin (the treasurer and the board)."""
    key = _key(role)
    return ROLES.get(key, key)


def job_status_name(status):
    """A background job's status: queued, running, done, failed."""
    key = _key(status)
    return JOB_STATUSES.get(key, key)


def job_kind_name(kind):
    """What a background job does; an unknown kind in words (``import_rows`` → Import rows)."""
    key = _key(kind)
    return JOB_KINDS.get(key, key.replace("_", " ").capitalize())


def not_split_reason(reason):
    """The ledger's reason an amount was not split (app.ledger.allocation), in words."""
    return NOT_SPLIT_REASONS.get(reason, reason)


# A bank statement line's state on the review page (a line of the statement: "строка").
BANK_LINE_STATUSES = {
    "matched": lazy_gettext("matched"),
    "unmatched": lazy_gettext("unmatched"),
    "duplicate": lazy_gettext("duplicate"),
    "skipped": lazy_gettext("skipped"),
    "recorded": lazy_gettext("recorded"),
}
_BANK_LINE_COUNTS = {
    "matched": lambda n: ngettext("%(num)d matched", "%(num)d matched", n),
    "unmatched": lambda n: ngettext("%(num)d unmatched", "%(num)d unmatched", n),
    "duplicate": lambda n: ngettext("%(num)d duplicate", "%(num)d duplicates", n),
    "skipped": lambda n: ngettext("%(num)d skipped", "%(num)d skipped", n),
    "recorded": lambda n: ngettext("%(num)d recorded", "%(num)d recorded", n),
}


def bank_line_status(status, count: int | None = None):
    """A statement line's state in words; with ``count``, "3 matched" with its plural."""
    key = _key(status)
    if count is not None and key in _BANK_LINE_COUNTS:
        return _BANK_LINE_COUNTS[key](count)
    return BANK_LINE_STATUSES.get(key, key)


# An earlier period was reopened after this one closed: its closing balances are out of date.
STALE_LABEL = lazy_gettext("out of date")
STALE_SENTENCE = lazy_gettext("An earlier period was reopened; close it again to recompute this one.")


def init_app(app) -> None:
    """The maps as Jinja filters (``item.strategy|strategy_name(item.unit_rate)``, …) and
    as globals (``strategy_name(...)``, ``STALE_LABEL``), for every template."""
    for function in (
        strategy_name,
        status_name,
        role_name,
        job_status_name,
        job_kind_name,
        not_split_reason,
        bank_line_status,
    ):
        app.add_template_filter(function, function.__name__)
    app.jinja_env.globals.update(
        strategy_name=strategy_name,
        status_name=status_name,
        role_name=role_name,
        job_status_name=job_status_name,
        bank_line_status=bank_line_status,
        unassigned_reason=not_split_reason,
        STALE_LABEL=STALE_LABEL,
        STALE_SENTENCE=STALE_SENTENCE,
    )
