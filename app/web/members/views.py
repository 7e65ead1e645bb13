"""Members and invites (admins): add with or without an email, edit, remove."""

from flask import flash, make_response, render_template, url_for
from flask_babel import gettext as _

from app.errors import Conflict
from app.extensions import db
from app.forms.community import MemberForm
from app.models import Member
from app.services import members as service
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import is_htmx, section_or_page
from app.web.forms import submit

bp = community_blueprint("members", __name__, "/members", template_folder="templates")


def _context(form=None, invite_url=None, invited=None):
    return {
        "members": service.members(),
        "form": form or MemberForm(formdata=None),
        "invite_url": invite_url,
        "invited": invited,
    }


@bp.get("/")
@requires("admin")
def index():
    return render_template("members/index.html", **_context())


@bp.post("/")
@requires("admin")
def create():
    form = MemberForm()
    added = []
    ok = submit(form, lambda: added.append(service.add_member(**form.values())))
    member, invite_url = added[0] if ok else (None, None)
    form = MemberForm(formdata=None) if ok else form
    return section_or_page(
        "members/index.html",
        "members/_section.html",
        ok,
        url_for("members.index"),
        **_context(form, invite_url, member),
    )


@bp.get("/<int:member_id>/edit")
@requires("admin")
def edit(member_id):
    member = get_or_404(Member, member_id)
    return render_template("members/_edit_row.html", member=member, form=MemberForm(obj=member))


@bp.get("/<int:member_id>")
@requires("admin")
def row(member_id):
    return render_template("members/_row.html", member=get_or_404(Member, member_id))


@bp.post("/<int:member_id>")
@requires("admin")
def update(member_id):
    member = get_or_404(Member, member_id)
    form = MemberForm()
    updated = []
    try:
        ok = submit(form, lambda: updated.append(service.update_member(member, **form.values())))
    except Conflict as error:
        return _refused(error)
    if ok:
        return render_template("members/_row.html", member=member, row_invite_url=updated[0][1])
    return render_template("members/_edit_row.html", member=member, form=form), 422


@bp.post("/<int:member_id>/remove")
@requires("admin")
def remove(member_id):
    member = get_or_404(Member, member_id)
    try:
        service.remove_member(member)
    except Conflict as error:
        return _refused(error)
    db.session.commit()
    flash(_("%(name)s was removed. Their records and balances stay.", name=member.name), "info")
    return section_or_page(
        "members/index.html", "members/_section.html", True, url_for("members.index"), **_context()
    )


def _refused(error: Conflict):
    """The last admin, or properties still owned: 409, the message as a flash.

    htmx does not swap a 409, so it is told to reload the page, which shows the flash."""
    db.session.rollback()
    flash(error.message, "error")
    if is_htmx():
        response = make_response(render_template("members/_section.html", **_context()), 409)
        response.headers["HX-Refresh"] = "true"
    else:
        response = make_response(render_template("members/index.html", **_context()), 409)
    response.headers["Vary"] = "HX-Request"
    return response
