"""Plain words for the codes people would otherwise read (issue 12, SPEC §7).

One place names a split strategy, a period's status, an out-of-date sheet and the reason an
amount was left unsplit, in the reader's language, so pages, forms and messages call each
thing the same. The codes themselves (``fixed_fee``, ``closing``, ``stale``) stay what the
API and the database speak; people never see them.

Every function returns a lazy string: safe in module-level constants (form choices), turned
into text in the language of the request that shows it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext

STRATEGY_NAMES = {
    "proportional": lazy_gettext("split by share"),
    "fixed_fee": lazy_gettext("equal per property"),
    "usage_based": lazy_gettext("by meter"),
    "none": lazy_gettext("not split"),
}
BY_TARIFF = lazy_gettext("by tariff")

# The budget item form's choices: one option covers both meter modes (a unit rate, entered
# beside it, makes it a tariff).
STRATEGY_CHOICES = [
    ("proportional", STRATEGY_NAMES["proportional"]),
    ("fixed_fee", STRATEGY_NAMES["fixed_fee"]),
    ("usage_based", lazy_gettext("by meter or tariff")),
    ("none", STRATEGY_NAMES["none"]),
]

STRATEGY_HELP = lazy_gettext(
    "Split by share: the total shared by each property's share weight. Equal per property: "
    "the total split equally per property. By meter: shared by consumption; with a unit rate, "
    "each reading is charged at that tariff. Not split: paid by the fund, charged to no one.")

STATUS_NAMES = {
    "open": lazy_gettext("open"),
    "closing": lazy_gettext("closing…"),
    "closed": lazy_gettext("closed"),
}

JOB_STATUS_NAMES = {
    "queued": lazy_gettext("waiting"),
    "running": lazy_gettext("running"),
    "succeeded": lazy_gettext("done"),
    "failed": lazy_gettext("failed"),
}

# An earlier period was reopened after this one closed: its closing balances are out of date.
STALE_LABEL = lazy_gettext("out of date")
STALE_SENTENCE = lazy_gettext(
    "An earlier period was reopened; close it again to recompute this one.")

UNASSIGNED_REASONS = {
    "no budget item": lazy_gettext("no budget item"),
    "no readings with consumption": lazy_gettext("no readings with consumption"),
    "no active properties": lazy_gettext("no active properties"),
}


def strategy_name(strategy, unit_rate=None):
    """``usage_based`` reads "by tariff" when the item has a unit rate, else "by meter"."""
    code = str(getattr(strategy, "value", strategy) or "")
    if code == "usage_based" and unit_rate is not None:
        return BY_TARIFF
    return STRATEGY_NAMES.get(code, code)


def status_name(status):
    code = str(getattr(status, "value", status) or "")
    return STATUS_NAMES.get(code, code)


def job_status_name(status):
    return JOB_STATUS_NAMES.get(str(status or ""), status)


def unassigned_reason(reason):
    """The ledger's reason an amount was not split (app.ledger.allocation), in words."""
    return UNASSIGNED_REASONS.get(reason, reason)


def init_app(app) -> None:
    """The words as Jinja globals, for every template."""
    app.jinja_env.globals.update(strategy_name=strategy_name, status_name=status_name,
                                 unassigned_reason=unassigned_reason,
                                 job_status_name=job_status_name,
                                 STALE_LABEL=STALE_LABEL, STALE_SENTENCE=STALE_SENTENCE)
