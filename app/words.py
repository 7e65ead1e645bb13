"""Code words as the words people read (issue 12, "Plain words"): one name per thing on
every page, PDF and mail, in the reader's language.

Each function returns a lazy string (it becomes text in the language of the request that
shows it), so the same maps serve templates, forms and module-level constants. An unknown
code comes back unchanged rather than failing a page.
"""
from __future__ import annotations

from flask_babel import lazy_gettext

_STRATEGIES = {
    "proportional": lazy_gettext("split by share"),
    "fixed_fee": lazy_gettext("equal per property"),
    "usage_based": lazy_gettext("by meter"),
    "none": lazy_gettext("not split"),
}
_BY_TARIFF = lazy_gettext("by tariff")

_PERIOD_STATUSES = {
    "open": lazy_gettext("open"),
    "closing": lazy_gettext("closing…"),
    "closed": lazy_gettext("closed"),
}

_JOB_STATUSES = {
    "queued": lazy_gettext("queued"),
    "running": lazy_gettext("running"),
    "succeeded": lazy_gettext("done"),
    "failed": lazy_gettext("failed"),
}


def strategy_name(strategy, unit_rate=None):
    """How a budget item is split: ``usage_based`` with a unit rate is charged "by tariff",
    without one its total is split "by meter" (by consumption)."""
    key = str(getattr(strategy, "value", strategy) or "")
    if key == "usage_based" and unit_rate is not None:
        return _BY_TARIFF
    return _STRATEGIES.get(key, key)


def status_name(status):
    """A period's status: open, closing…, closed."""
    key = str(getattr(status, "value", status) or "")
    return _PERIOD_STATUSES.get(key, key)


_JOB_KINDS = {
    "close_period": lazy_gettext("Closing a period"),
    "reminders": lazy_gettext("Payment reminders"),
}

_NOT_SPLIT_REASONS = {
    "no readings with consumption": lazy_gettext("no readings with consumption"),
    "no active properties": lazy_gettext("no active properties"),
}


def not_split_reason(reason):
    """Why a category's total was not split (``app.ledger.allocation`` says it in English)."""
    return _NOT_SPLIT_REASONS.get(reason, reason)


def job_kind_name(kind):
    """What a background job does; an unknown kind in words, ``import_rows`` → Import rows."""
    key = str(kind or "")
    return _JOB_KINDS.get(key, key.replace("_", " ").capitalize())


def role_name(role):
    """A member's role: admin, owner (the map is ``app.i18n.ROLE_NAMES``)."""
    from app.i18n import role_name as name
    return name(str(getattr(role, "value", role) or ""))


def job_status_name(status):
    """A background job's status: queued, running, done, failed."""
    key = str(getattr(status, "value", status) or "")
    return _JOB_STATUSES.get(key, key)


def register(app) -> None:
    """The maps as Jinja filters: ``item.strategy|strategy_name(item.unit_rate)``,
    ``period.status|status_name``, ``job.status|job_status_name``, ``reason|not_split_reason``."""
    app.add_template_filter(strategy_name, "strategy_name")
    app.add_template_filter(status_name, "status_name")
    app.add_template_filter(job_status_name, "job_status_name")
    app.add_template_filter(not_split_reason, "not_split_reason")
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(job_kind_name, "job_kind_name")
