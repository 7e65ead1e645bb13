"""Members and invites (admins)."""
from flask import render_template, url_for

from app.errors import ValidationFailed
from app.extensions import db
from app.forms.community import MemberForm
from app.models import Member
from app.services import accounts, community as service
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import section_or_page
from app.web.forms import apply_errors

bp = community_blueprint("members", __name__, "/members", template_folder="templates")


def _context(form=None, invite_url=None):
    return {"members": service.members(), "form": form or MemberForm(formdata=None),
            "invite_url": invite_url}


@bp.get("/")
@requires("admin")
def index():
    return render_template("members/index.html", **_context())


@bp.post("/")
@requires("admin")
def create():
    form = MemberForm()
    invite_url = None
    ok = form.validate_on_submit()
    if ok:
        try:
            member, invite_url = accounts.invite_member(name=form.name.data, email=form.email.data,
                                                        role=form.role.data)
            db.session.commit()
            form = MemberForm(formdata=None)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
            ok = False
    return section_or_page("members/index.html", "members/_section.html", ok,
                           url_for("members.index"), **_context(form, invite_url))


@bp.get("/<int:member_id>/edit")
@requires("admin")
def edit(member_id):
    member = get_or_404(Member, member_id)
    return render_template("members/_edit_row.html", member=member,
                           form=MemberForm(obj=member))


@bp.get("/<int:member_id>")
@requires("admin")
def row(member_id):
    return render_template("members/_row.html", member=get_or_404(Member, member_id))


@bp.post("/<int:member_id>")
@requires("admin")
def update(member_id):
    member = get_or_404(Member, member_id)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            service.update_member(member, name=form.name.data, email=form.email.data,
                                  role=form.role.data)
            db.session.commit()
            return render_template("members/_row.html", member=member)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
    return render_template("members/_edit_row.html", member=member, form=form), 422
