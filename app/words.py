"""Plain words for the code words people would otherwise read (issue 12, "Plain words").

One name per thing, on every page, PDF and CSV: a strategy, a period's status. Each answers
a lazy string, turned into text in the reader's language when shown.
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


def strategy_name(strategy, unit_rate=None):
    """How a budget line is split, in words ("by tariff": by meter, with a rate)."""
    key = getattr(strategy, "value", strategy)
    if key == "usage_based" and unit_rate not in (None, ""):
        return BY_TARIFF
    return STRATEGIES.get(key, key)


def status_name(status):
    key = getattr(status, "value", status)
    return STATUSES.get(key, key)


ROLES = {"owner": lazy_gettext("owner"), "admin": lazy_gettext("admin")}


def role_name(role):
    """A member's role in words: owner, or admin (the treasurer and the board)."""
    return ROLES.get(role, role)
