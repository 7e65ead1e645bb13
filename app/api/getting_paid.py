"""API: a member's payment request (the QR payload) and the receivables (SPEC §5, §6)."""

from flask import g, jsonify, request
from flask_babel import gettext as _

from app.api.base import doc
from app.errors import Forbidden
from app.models import Member
from app.services import payment_requests, receivables
from app.tenancy import community_blueprint, get_or_404, is_admin, requires

bp = community_blueprint("api_getting_paid", __name__, api=True)


@bp.get("/members/<int:member_id>/payment-request")
@doc(
    "What the member owes now, with a QR payload for banking apps (ST00012 for RUB, EPC "
    "for EUR; null otherwise or without payee details)",
    role="self",
)
def payment_request(member_id):
    member = get_or_404(Member, member_id)
    if not is_admin() and member.id != g.member.id:
        raise Forbidden(_("Owners see only their own payment request."))
    return jsonify(payment_requests.for_member(member).as_json())


@bp.get("/receivables")
@requires("admin")
@doc(
    "Members in debt at the latest closed period: debt, since which period, days overdue, "
    "aging bucket; ?sort=debt|days|name",
    role="admin",
    query=["sort"],
)
def list_receivables():
    sort = receivables.check_sort(request.args.get("sort"))
    return jsonify([row.as_json() for row in receivables.rows(sort)])
