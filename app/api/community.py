"""API: settings, members and properties of one community."""

from flask import g, jsonify

from app.api import serializers as out
from app.api.base import body, created, doc, merged, no_content, validate
from app.extensions import db
from app.forms.community import MemberForm, PropertyForm, SettingsForm
from app.models import Member, Property
from app.services import community as service, members
from app.tenancy import community_blueprint, get_or_404, is_admin, requires

bp = community_blueprint("api_community", __name__, api=True)


@bp.get("/settings")
@doc("Community settings")
def get_settings():
    return jsonify(out.settings(g.community))


@bp.patch("/settings")
@requires("admin")
@doc("Change community settings", SettingsForm, role="admin")
def patch_settings():
    form = validate(SettingsForm, merged(out.settings(g.community), body()))
    service.update_settings(**form.values())
    db.session.commit()
    return jsonify(out.settings(g.community))


@bp.get("/members")
@doc("Members of the community")
def list_members():
    """Owners see who is in the community, but not each other's email addresses."""
    shown = out.member if is_admin() else out.member_public
    return jsonify([shown(m) for m in members.members()])


@bp.post("/members")
@requires("admin")
@doc("Add a member; with an email, answers the invite link too", MemberForm, 201, "admin")
def create_member():
    form = validate(MemberForm, body())
    member, url = members.add_member(**form.values())
    db.session.commit()
    return created(_with_invite(member, url))


def _with_invite(member, url):
    return {**out.member(member), "invite_url": url} if url else out.member(member)


@bp.get("/members/<int:member_id>")
@doc("One member")
def get_member(member_id):
    member = get_or_404(Member, member_id)
    own = is_admin() or member.id == g.member.id
    return jsonify(out.member(member) if own else out.member_public(member))


@bp.patch("/members/<int:member_id>")
@requires("admin")
@doc(
    "Change a member's name, role, or email (until they join: a new email answers a new invite link)",
    MemberForm,
    role="admin",
)
def patch_member(member_id):
    member = get_or_404(Member, member_id)
    form = validate(MemberForm, merged(out.member(member), body()))
    _, url = members.update_member(member, **form.values())
    db.session.commit()
    return jsonify(_with_invite(member, url))


@bp.delete("/members/<int:member_id>")
@requires("admin")
@doc("Remove a member: their access ends, their records and balances stay", status=204, role="admin")
def delete_member(member_id):
    members.remove_member(get_or_404(Member, member_id))
    db.session.commit()
    return no_content()


@bp.get("/properties")
@doc("Properties of the community")
def list_properties():
    return jsonify([out.prop(p) for p in service.properties()])


@bp.post("/properties")
@requires("admin")
@doc("Add a property", PropertyForm, 201, "admin")
def create_property():
    data = {"active": True, **body()}
    form = validate(PropertyForm, data)
    prop = service.create_property(**form.values())
    db.session.commit()
    return created(out.prop(prop))


@bp.get("/properties/<int:property_id>")
@doc("One property")
def get_property(property_id):
    return jsonify(out.prop(get_or_404(Property, property_id)))


@bp.patch("/properties/<int:property_id>")
@requires("admin")
@doc("Change a property", PropertyForm, role="admin")
def patch_property(property_id):
    prop = get_or_404(Property, property_id)
    form = validate(PropertyForm, merged(out.prop(prop), body()))
    service.update_property(prop, **form.values())
    db.session.commit()
    return jsonify(out.prop(prop))
