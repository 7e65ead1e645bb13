"""Import pages (admins): upload a file → a preview of every row → confirm → written.

The preview is the service's dry run; confirming runs the same import for real on the file
the preview carried in its signed hidden field (see ``stash``), so what was shown is what is
written, unless the community changed in between: then the preview comes back with the
new errors and nothing is written.
"""

from dataclasses import dataclass
from collections.abc import Callable

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext, ngettext

from app.errors import ValidationFailed
from app.extensions import db
from app.forms.base import entered
from app.models import Period
from app.services import imports
from app.tenancy import community_blueprint, get_or_404, requires
from app.web.imports import stash
from app.web.imports.forms import ConfirmForm, UploadForm

bp = community_blueprint("imports", __name__, template_folder="templates")

ROW_STATUSES = {
    "created": lazy_gettext("new"),
    "updated": lazy_gettext("update"),
    "error": lazy_gettext("error"),
}


@bp.context_processor
def _words():
    return {"row_status": lambda status: ROW_STATUSES.get(status, status)}


@dataclass
class Target:
    """What an import page imports into: its title, the service, where to go afterwards."""

    key: str
    title: str
    run: Callable
    done_url: str
    form_url: str
    confirm_url: str
    period: Period | None = None


def _properties() -> Target:
    return Target(
        "properties",
        _("Import properties"),
        imports.import_properties,
        url_for("properties.index"),
        url_for("imports.properties_form"),
        url_for("imports.properties_confirm"),
    )


def _contributions(period_id: int) -> Target:
    period = get_or_404(Period, period_id)
    return Target(
        f"contributions:{period.id}",
        _("Import contributions — %(period)s", period=period.name),
        lambda content, dry_run: imports.import_contributions(period, content, dry_run=dry_run),
        url_for("periods.show", period_id=period.id),
        url_for("imports.contributions_form", period_id=period.id),
        url_for("imports.contributions_confirm", period_id=period.id),
        period,
    )


def _upload_page(target: Target, form=None, status=200):
    return render_template(
        "imports/upload.html", target=target, form=form or UploadForm(formdata=None)
    ), status


def _preview(target: Target):
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(target, form, 422)
    content = form.file.data.read()
    try:
        result = target.run(content, dry_run=True)
    except ValidationFailed as error:
        db.session.rollback()
        form.file.errors = list(error.fields.get("file") or [error.message])
        return _upload_page(target, form, 422)
    db.session.rollback()
    confirm = ConfirmForm(formdata=None, stash=stash.pack(content, target.key)) if result.ok else None
    return render_template(
        "imports/preview.html",
        target=target,
        result=result,
        confirm=confirm,
        upload=UploadForm(formdata=None),
    ), 200 if result.ok else 422


def _confirm(target: Target):
    form = ConfirmForm()
    content = stash.unpack(entered(form.stash), target.key) if form.validate_on_submit() else None
    if content is None:
        flash(_("This preview is no longer valid; upload the file again."), "error")
        return redirect(target.form_url)
    result = target.run(content, dry_run=False)
    if not result.written:
        db.session.rollback()
        return render_template(
            "imports/preview.html",
            target=target,
            result=result,
            confirm=None,
            upload=UploadForm(formdata=None),
        ), 422
    db.session.commit()
    invited = len(result.invites)
    message = _(
        "Imported: %(created)d created, %(updated)d updated.",
        created=result.count("created"),
        updated=result.count("updated"),
    )
    if invited:
        message += " " + ngettext(
            "%(num)d new member invited by email.", "%(num)d new members invited by email.", invited
        )
    flash(message, "success")
    return redirect(target.done_url)


@bp.get("/properties/import")
@requires("admin")
def properties_form():
    return _upload_page(_properties())


@bp.post("/properties/import")
@requires("admin")
def properties_preview():
    return _preview(_properties())


@bp.post("/properties/import/confirm")
@requires("admin")
def properties_confirm():
    return _confirm(_properties())


@bp.get("/periods/<int:period_id>/import")
@requires("admin")
def contributions_form(period_id):
    return _upload_page(_contributions(period_id))


@bp.post("/periods/<int:period_id>/import")
@requires("admin")
def contributions_preview(period_id):
    return _preview(_contributions(period_id))


@bp.post("/periods/<int:period_id>/import/confirm")
@requires("admin")
def contributions_confirm(period_id):
    return _confirm(_contributions(period_id))
