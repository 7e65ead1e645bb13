"""The audit log: who changed what and when, newest first, in plain words (issue 12).

50 entries a page, with next/previous; filtered by kind (contributions, members, …), by a
member (entries by or about them) and by period. Odd query values filter nothing.
"""

from typing import Any

from flask import g, render_template, request, url_for

from app.services import audit_log, members, periods
from app.tenancy import community_blueprint, is_id, requires

bp = community_blueprint("audit", __name__, "/audit", template_folder="templates")


def _id_arg(name: str) -> int | None:
    """A whole-number query value, else None (the selects offer only ids)."""
    value = request.args.get(name, "")
    if is_id(value):
        return int(value)
    return None


@bp.get("/")
@requires("admin")
def index():
    kinds = audit_log.kinds()
    entity = request.args.get("entity", "")
    entity = entity if entity in kinds else ""
    period_id, member_id = _id_arg("period_id"), _id_arg("member_id")
    all_members, all_periods = members.members(), periods.periods()
    member_id = member_id if member_id in {m.id for m in all_members} else None
    period_id = period_id if period_id in {p.id for p in all_periods} else None
    result = audit_log.page(
        entity=entity or None, period_id=period_id, member_id=member_id, number=_id_arg("page") or 1
    )
    filters: dict[str, Any] = {
        k: v for k, v in (("entity", entity), ("member_id", member_id), ("period_id", period_id)) if v
    }
    return render_template(
        "audit/index.html",
        page=result,
        entries=audit_log.shown(result.entries, g.community.currency),
        kinds=[(k, audit_log.kind_name(k)) for k in kinds],
        members=all_members,
        periods=all_periods,
        entity=entity,
        member_id=member_id,
        period_id=period_id,
        filtered=bool(filters),
        previous_url=url_for("audit.index", **filters, page=result.number - 1)
        if result.has_previous
        else None,
        next_url=url_for("audit.index", **filters, page=result.number + 1) if result.has_next else None,
    )
