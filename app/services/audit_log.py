"""Reading the audit log."""
from sqlalchemy import select

from app.errors import ValidationFailed
from app.extensions import db
from app.models import AuditEntry


def entries(entity: str | None = None, period_id: str | int | None = None,
            limit: int = 500) -> list[AuditEntry]:
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if period_id is not None:
        if not (str(period_id).isascii() and str(period_id).isdigit() and len(str(period_id)) <= 18):
            raise ValidationFailed("Not a valid filter.", {"period_id": ["Must be a whole number id."]})
        query = query.where(AuditEntry.period_id == int(period_id))
    return list(db.session.execute(
        query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()).limit(limit)).scalars())


def to_json(entry: AuditEntry) -> dict:
    return {"id": entry.id, "at": entry.created_at.isoformat(timespec="seconds") + "Z",
            "user_id": entry.user_id, "actor": entry.actor, "action": entry.action,
            "entity": entry.entity, "entity_id": entry.entity_id, "period_id": entry.period_id,
            "before": entry.before, "after": entry.after}
