"""The period page: the blueprint, the tabs, and how a tab's panel is rendered.

Each tab module registers a context builder with ``@panel(tab)``: it gets the period and
the view's own values (a form with errors, the row being edited) and may use them.
``render_tab`` renders the whole page, or only the tab region (nav + panel) when htmx asks.
A tab's panel template is ``periods/_<tab>.html``; its outermost element is
``<section id="<tab>-section">``, which the tab's forms re-render.
"""

from datetime import date
from collections.abc import Callable

from flask import flash, make_response, render_template, request
from flask_babel import lazy_gettext

from app.errors import Conflict
from app.extensions import db
from app.models import Period
from app.services import correction_preview
from app.tenancy import community_blueprint, is_admin
from app.web import is_htmx, render
from app.web.periods.forms import RenameForm

bp = community_blueprint("periods", __name__, "/periods", template_folder="templates")

TABS = (
    ("contributions", lazy_gettext("Contributions")),
    ("expenses", lazy_gettext("Expenses")),
    ("budget", lazy_gettext("Budget")),
    ("readings", lazy_gettext("Readings")),
    ("charges", lazy_gettext("Charges")),
    ("payouts", lazy_gettext("Payouts")),
    ("adjustments", lazy_gettext("Adjustments")),
    ("sheet", lazy_gettext("Balance sheet")),
)

_builders: dict[str, Callable[..., dict]] = {}


def panel(tab: str):
    """Register the function that builds a tab's template context."""

    def register(build):
        _builders[tab] = build
        return build

    return register


def writable(period: Period) -> bool:
    """Forms show only to admins, and only while the period is open."""
    return is_admin() and period.is_open


def default_day(period: Period) -> date:
    """Today, held inside the period: the date a new record most likely has."""
    return min(max(date.today(), period.start_date), period.end_date)


def context(period: Period, tab: str, **extra) -> dict:
    values = {
        "period": period,
        "tab": tab,
        "tabs": TABS,
        "writable": writable(period),
        "conflict": None,
        "rename_form": RenameForm(formdata=None, name=period.name),
    }
    if not is_htmx():  # the page, not a tab swap: offer the correction preview panel
        values["preview_offered"] = is_admin() and correction_preview.applies(period)
    values.update(_builders[tab](period, **extra))
    values.update(extra)
    return values


def render_tab(period: Period, tab: str, status: int = 200, **extra):
    # htmx restoring a page from history (cache miss) wants the whole page, not the tab.
    partial = None if request.headers.get("HX-History-Restore-Request") else "periods/_tab.html"
    return render("periods/show.html", partial, status, **context(period, tab, **extra))


def conflict(period: Period, tab: str, error: Conflict):
    """A write the period's state refuses (closing, closed, readings in the way): 409.

    htmx does not swap a 409, so it is told to reload: the page then shows the period as it
    is now (no forms when closed) and the message as a flash. A plain post gets the page."""
    db.session.rollback()
    flash(error.message, "error")
    if is_htmx():
        values = context(period, tab, conflict=error.message)
        response = make_response(render_template(f"periods/_{tab}.html", **values), 409)
        response.headers["HX-Refresh"] = "true"
    else:
        response = make_response(render_template("periods/show.html", **context(period, tab)), 409)
    response.headers["Vary"] = "HX-Request"
    return response
