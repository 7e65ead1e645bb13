"""The audit log: who changed what and when, newest first, filtered by entity and period."""
from dataclasses import dataclass

from flask import render_template, request
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry
from app.money import format_cents
from app.services import audit_log, periods
from app.tenancy import community_blueprint, requires

bp = community_blueprint("audit", __name__, "/audit", template_folder="templates")


@dataclass
class Change:
    key: str
    before: str | None
    after: str | None


@bp.get("/")
@requires("admin")
def index():
    entity = request.args.get("entity", "")
    period_id = request.args.get("period_id", "")
    if not (period_id.isascii() and period_id.isdigit() and len(period_id) < 19):
        period_id = ""  # the select offers only ids; anything else filters nothing
    entries = audit_log.entries(entity=entity or None, period_id=period_id or None)
    all_periods = periods.periods()
    return render_template("audit/index.html", entries=entries, changes=changes,
                           entities=_entities(), periods=all_periods,
                           period_names={p.id: p.name for p in all_periods},
                           entity=entity, period_id=int(period_id) if period_id else None)


def _entities() -> list[str]:
    return list(db.session.execute(select(AuditEntry.entity).distinct()
                                   .order_by(AuditEntry.entity)).scalars())


def changes(entry: AuditEntry) -> list[Change]:
    """The keys whose value differs; a create lists what it set, a void what it hid."""
    before, after = entry.before or {}, entry.after or {}
    keys = list(after) + [k for k in before if k not in after]
    return [Change(_label(k), _show(k, before[k]) if k in before else None,
                   _show(k, after[k]) if k in after else None)
            for k in keys if before.get(k) != after.get(k) or not (entry.before and entry.after)]


def _label(key: str) -> str:
    return key.removesuffix("_cents").replace("_", " ")


def _show(key: str, value) -> str:
    if value is None or value == "":
        return "—"
    if key.endswith("_cents") and isinstance(value, int):
        return format_cents(value)
    return str(value)
