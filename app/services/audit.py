"""The audit log and the structured log line every financial write leaves."""
import json
import logging
from datetime import date, datetime
from decimal import Decimal

from flask import g, has_request_context
from flask_login import current_user

from app.extensions import db
from app.models import AuditEntry

money_log = logging.getLogger("levy.money")


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def snapshot(row, fields: tuple[str, ...]) -> dict:
    return {name: _plain(getattr(row, name)) for name in fields}


def _actor():
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, g.get("actor_email", "system")


def record(action: str, entity: str, entity_id: int | None, *, before: dict | None = None,
           after: dict | None = None, period_id: int | None = None,
           amount_cents: int | None = None) -> AuditEntry:
    """Write one audit row (same transaction as the change) and one structured log line."""
    user_id, actor = _actor()
    entry = AuditEntry(community_id=g.community_id, user_id=user_id, actor=actor, action=action,
                       entity=entity, entity_id=entity_id, period_id=period_id,
                       before=before, after=after)
    db.session.add(entry)
    money_log.info(json.dumps({
        "event": f"{entity}.{action}", "community_id": g.community_id, "actor": actor,
        "entity": entity, "entity_id": entity_id, "period_id": period_id,
        "amount_cents": amount_cents}))
    return entry
