"""Properties (admins): label, share weight, owner, active."""

from flask import render_template, url_for

from app.forms.community import PropertyForm
from app.models import Property
from app.services import community as service, members as member_service
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import section_or_page
from app.web.forms import submit

bp = community_blueprint("properties", __name__, "/properties", template_folder="templates")


def _context(form=None):
    members = member_service.members()
    return {
        "properties": service.properties(),
        "members": members,
        "owners": {m.id: m for m in members},
        "form": form or PropertyForm(formdata=None, active=True),
    }


def _save(form, prop=None):
    if prop is None:
        return service.create_property(**form.values())
    return service.update_property(prop, **form.values())


@bp.get("/")
@requires("admin")
def index():
    return render_template("properties/index.html", **_context())


@bp.post("/")
@requires("admin")
def create():
    form = PropertyForm()
    ok = submit(form, lambda: _save(form))
    return section_or_page(
        "properties/index.html",
        "properties/_section.html",
        ok,
        url_for("properties.index"),
        **_context(None if ok else form),  # after a save, an empty form for the next one
    )


@bp.get("/<int:property_id>")
@requires("admin")
def row(property_id):
    prop = get_or_404(Property, property_id)
    return render_template("properties/_row.html", prop=prop, owners={prop.owner.id: prop.owner})


@bp.get("/<int:property_id>/edit")
@requires("admin")
def edit(property_id):
    prop = get_or_404(Property, property_id)
    return render_template(
        "properties/_edit_row.html", prop=prop, form=PropertyForm(obj=prop), members=member_service.members()
    )


@bp.post("/<int:property_id>")
@requires("admin")
def update(property_id):
    prop = get_or_404(Property, property_id)
    form = PropertyForm()
    if submit(form, lambda: _save(form, prop)):
        return render_template("properties/_row.html", prop=prop, owners={prop.owner.id: prop.owner})
    return render_template(
        "properties/_edit_row.html", prop=prop, form=form, members=member_service.members()
    ), 422
