"""Periods: the list with its "new period" form, and the period page (rename, reopen).

The tabs' routes live in their own modules, which add them to the same blueprint:
``entries`` (contributions, expenses, budget items, charges), ``readings`` and ``sheet``.
"""

from flask import flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _

from app.errors import Conflict
from app.extensions import db
from app.forms.ledger import PeriodForm
from app.forms.base import entered
from app.models import Period
from app.services import periods as service
from app.tenancy import get_or_404, requires
from app.web import is_htmx, section_or_page
from app.web.forms import submit
from app.web.periods import entries, preview, readings, sheet  # noqa: F401  (their routes)
from app.web.periods.forms import RenameForm
from app.web.periods.page import bp, conflict, render_tab

__all__ = ["bp"]


def _list_context(form=None) -> dict:
    """The list, and the form for a new period: after the first, "Start the next period",
    prefilled with the dates after the latest period and its budget."""
    last = service.latest()
    if form is None:
        form = PeriodForm(formdata=None, **(service.next_after(last) if last else {}))
    return {"periods": service.periods(), "form": form, "last": last}


@bp.get("/")
def index():
    return render_template("periods/index.html", **_list_context())


@bp.post("/")
@requires("admin")
def create():
    form = PeriodForm()
    created = []
    ok = submit(form, lambda: created.append(service.create(**form.values())))
    redirect_to = url_for("periods.show", period_id=created[0].id) if ok else ""
    return section_or_page(
        "periods/index.html", "periods/_list.html", ok, redirect_to, **_list_context(None if ok else form)
    )


@bp.get("/<int:period_id>/")
def show(period_id):
    return render_tab(get_or_404(Period, period_id), "contributions")


@bp.post("/<int:period_id>/name")
@requires("admin")
def rename(period_id):
    period = get_or_404(Period, period_id)
    form = RenameForm()
    ok = submit(form, lambda: service.rename(period, entered(form.name)))
    if not is_htmx():
        if ok:
            return redirect(url_for("periods.show", period_id=period.id))
        return render_tab(period, "contributions", 422, rename_form=form)
    if ok:
        form = RenameForm(formdata=None, name=period.name)
    body = render_template("periods/_header.html", period=period, rename_form=form)
    response = make_response(body, 200 if ok else 422)
    response.headers["Vary"] = "HX-Request"
    return response


@bp.post("/<int:period_id>/reopen")
@requires("admin")
def reopen(period_id):
    period = get_or_404(Period, period_id)
    try:
        service.reopen(period)
        db.session.commit()
    except Conflict as error:
        return conflict(period, "contributions", error)
    flash(
        _(
            "“%(name)s” is open for corrections. Later closed periods are out of date "
            "until it is closed again.",
            name=period.name,
        ),
        "success",
    )
    target = url_for("periods.show", period_id=period.id)
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)
