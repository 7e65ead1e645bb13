"""Plain words for the code words people would otherwise read (issue 12, "Plain words").

One name per thing, on every page, PDF and CSV: a strategy, a period's status, a role, a
background job's kind and status. Each answers a lazy string, turned into text in the
reader's language when shown; an unknown code comes back unchanged rather than failing a
page. ``register`` makes them Jinja filters.
"""
from flask_babel import lazy_gettext

STRATEGIES = {
    "proportional": lazy_gettext("split by share"),
    "fixed_fee": lazy_gettext("equal per property"),
    "usage_based": lazy_gettext("by meter"),
    "none": lazy_gettext("not split"),
}
BY_TARIFF = lazy_gettext("by tariff")

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
}

# Why a category's total was not split (``app.ledger.allocation`` says it in English).
NOT_SPLIT_REASONS = {
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
    return NOT_SPLIT_REASONS.get(reason, reason)


def register(app) -> None:
    """The maps as Jinja filters: ``item.strategy|strategy_name(item.unit_rate)``,
    ``period.status|status_name``, ``member.role|role_name``, ``job.status|job_status_name``,
    ``job.kind|job_kind_name``, ``reason|not_split_reason``."""
    for function in (strategy_name, status_name, role_name, job_status_name, job_kind_name,
                     not_split_reason):
        app.add_template_filter(function, function.__name__)
