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
    if has_request_context():
        user = current_user._get_current_object()  # once: each proxy access resolves it anew
        if user and user.is_authenticated:
            return user.id, user.email
    return None, g.get("actor_email", "system")


def values(
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    period_id: int | None = None,
) -> dict:
    """The audit row's column values (who, what, when), for ``record`` or a bulk writer."""
    user_id, actor = _actor()
    return {
        "community_id": g.community_id,
        "user_id": user_id,
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "period_id": period_id,
        "before": before,
        "after": after,
    }


def log_line(row: dict, amount_cents: int | None = None) -> None:
    """The structured log line of a financial write (``row``: an audit row's values)."""
    money_log.info(
        json.dumps(
            {
                "event": f"{row['entity']}.{row['action']}",
                "community_id": row["community_id"],
                "actor": row["actor"],
                "entity": row["entity"],
                "entity_id": row["entity_id"],
                "period_id": row["period_id"],
                "amount_cents": amount_cents,
            }
        )
    )


def record(
    action: str,
    entity: str,
    entity_id: int | None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    period_id: int | None = None,
    amount_cents: int | None = None,
) -> AuditEntry:
    """Write one audit row (same transaction as the change) and one structured log line."""
    row = values(action, entity, entity_id, before=before, after=after, period_id=period_id)
    entry = AuditEntry(**row)
    db.session.add(entry)
    log_line(row, amount_cents)
    return entry
