"""API: the audit log (admins)."""

from flask import jsonify, request

from app.api.base import doc
from app.services import audit_log
from app.tenancy import community_blueprint, requires

bp = community_blueprint("api_audit", __name__, api=True)


@bp.get("/audit")
@requires("admin")
@doc("Audit entries, newest first", role="admin", query=["entity", "period_id"])
def list_audit():
    entries = audit_log.entries(
        entity=request.args.get("entity") or None, period_id=request.args.get("period_id") or None
    )
    return jsonify([audit_log.to_json(e) for e in entries])
