"""Members and invites (admins)."""
from flask import render_template, url_for

from app.forms.community import MemberForm
from app.models import Member
from app.services import accounts, community as service
from app.tenancy import community_blueprint, get_or_404, requires
from app.web import section_or_page
from app.web.forms import submit

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
    invited = []
    ok = submit(form, lambda: invited.append(accounts.invite_member(
        name=form.name.data, email=form.email.data, role=form.role.data)))
    invite_url = invited[0][1] if ok else None
    form = MemberForm(formdata=None) if ok else form
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
    if submit(form, lambda: service.update_member(member, name=form.name.data,
                                                  email=form.email.data, role=form.role.data)):
        return render_template("members/_row.html", member=member)
    return render_template("members/_edit_row.html", member=member, form=form), 422
