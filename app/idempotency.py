"""Retries are safe (SPEC §5): a POST with an ``Idempotency-Key`` runs at most once per user.

Before the view runs, the key is claimed by inserting a ``processing`` row (unique per user
and key) in a transaction of its own; a duplicate that arrives meanwhile finds the row. After
the view, its answer is stored in the row; a repeat with the same key and the same request
(method, path with query, body) gets that answer again and writes nothing.

- the same key with another request → 409 ``idempotency_key_reused``;
- a repeat while the first still runs waits up to IDEMPOTENCY_WAIT_SECONDS for its answer,
  then → 409 ``idempotency_in_progress``;
- every answer below 500 is kept and replayed (a refusal is the request's answer too);
- a 5xx, or a request that died without answering, releases the key when it wrote nothing,
  so a retry runs afresh. When it did write (the row's ``committed`` flag is set in the same
  transaction as the request's first commit) the key is never run again: a repeat → 409
  ``idempotency_outcome_unknown`` (look before you retry with a new key);
- requests without a logged-in user (sign-up, log-in, accepting an invite) are not recorded;
- rows live 24 hours; older ones are deleted now and then on a claim, and are ignored.
"""

import hashlib
import json
import logging
import random
import re
import time
from datetime import timedelta
from typing import cast

from flask import Flask, Response, current_app, g, has_request_context, request
from flask_login import current_user
from flask_babel import gettext as _
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import CursorResult, delete, event, select, update
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import IdempotentRequest
from app.models.base import utcnow

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,200}")
LIFETIME = timedelta(hours=24)
# Gunicorn kills a request after 30 s by default: a processing row older than this has no
# live owner any more.
LEASE = timedelta(seconds=60)
KEPT_HEADERS = ("Content-Type", "Location")
PURGE_ONE_IN = 50

log = logging.getLogger("levy.idempotency")


class KeyReused(Conflict):
    code = "idempotency_key_reused"


class InProgress(Conflict):
    code = "idempotency_in_progress"


class OutcomeUnknown(Conflict):
    code = "idempotency_outcome_unknown"


def init_app(app: Flask) -> None:
    app.config.setdefault("IDEMPOTENCY_WAIT_SECONDS", 10.0)
    # After security.init_app: CSRF and bearer tokens are judged before a key is claimed.
    app.before_request(_claim_or_replay)
    app.after_request(_store_answer)
    app.teardown_request(_release_if_unanswered)


# --- before the view ---------------------------------------------------------------------


def _claim_or_replay():
    if request.method != "POST" or HEADER not in request.headers:
        return None
    key = request.headers.get(HEADER, "")
    if not KEY_PATTERN.fullmatch(key):
        raise ValidationFailed(
            _("%(header)s must be 1 to 200 visible ASCII characters.", header=HEADER),
            {HEADER: [_("Use 1 to 200 visible ASCII characters.")]},
        )
    if not current_user.is_authenticated:
        return None
    fingerprint = _fingerprint()
    deadline = time.monotonic() + current_app.config["IDEMPOTENCY_WAIT_SECONDS"]
    claim_id = _try_claim(current_user.id, key, fingerprint)
    while claim_id is None:
        row = _existing(current_user.id, key)
        if row is None:  # released or expired since our insert failed: claim it again
            claim_id = _try_claim(current_user.id, key, fingerprint)
            continue
        if row.fingerprint != fingerprint:
            raise KeyReused(_("This %(header)s was used for a different request.", header=HEADER))
        if row.status == "done":
            return _replay(row)
        if row.status == "lost" or (row.committed and row.locked_until < utcnow()):
            raise OutcomeUnknown(
                _(
                    "The first request with this %(header)s changed data but "
                    "its answer was lost. Check the data before sending it "
                    "again with a new key.",
                    header=HEADER,
                )
            )
        if row.locked_until < utcnow():
            # Abandoned before it wrote anything: whoever deletes it may claim the key.
            _take_over_abandoned(row)
            claim_id = _try_claim(current_user.id, key, fingerprint)
            continue
        if time.monotonic() >= deadline:
            raise InProgress(
                _(
                    "A request with this %(header)s is still being processed. Try again in a moment.",
                    header=HEADER,
                )
            )
        time.sleep(0.1)
    g.idempotency_claim = claim_id
    return None


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.full_path.rstrip("?").encode()):
        digest.update(part + b"\0")
    digest.update(request.get_data(cache=True))  # kept: the view and form parsing reuse it
    return digest.hexdigest()


def _try_claim(user_id: int, key: str, fingerprint: str) -> int | None:
    """Insert the processing row and commit it; None if the key is taken."""
    db.session.rollback()  # nothing of this request is pending yet; start clean
    now = utcnow()
    if random.randrange(PURGE_ONE_IN) == 0:  # noqa: S311 (sampling, not a secret)
        purge_expired()
    db.session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.user_id == user_id,
            IdempotentRequest.key == key,
            IdempotentRequest.created_at < now - LIFETIME,
        )
    )
    row = IdempotentRequest(
        user_id=user_id,
        key=key,
        fingerprint=fingerprint,
        status="processing",
        committed=False,
        created_at=now,
        locked_until=now + LEASE,
    )
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return row.id


def _existing(user_id: int, key: str):
    db.session.rollback()  # read what is committed now, not an older snapshot
    return db.session.execute(
        select(
            IdempotentRequest.fingerprint,
            IdempotentRequest.status,
            IdempotentRequest.committed,
            IdempotentRequest.locked_until,
            IdempotentRequest.response_status,
            IdempotentRequest.response_headers,
            IdempotentRequest.response_body,
            IdempotentRequest.id,
        ).where(
            IdempotentRequest.user_id == user_id,
            IdempotentRequest.key == key,
            IdempotentRequest.created_at >= utcnow() - LIFETIME,
        )
    ).one_or_none()


def _take_over_abandoned(row) -> None:
    db.session.execute(
        delete(IdempotentRequest).where(
            IdempotentRequest.id == row.id,
            IdempotentRequest.status == "processing",
            IdempotentRequest.committed.is_(False),
        )
    )
    db.session.commit()


def _replay(row) -> Response:
    response = Response(row.response_body or b"", status=row.response_status)
    for name, value in json.loads(row.response_headers or "{}").items():
        response.headers[name] = value
    response.headers["Idempotent-Replayed"] = "true"
    return response


def purge_expired() -> int:
    """Delete rows older than 24 hours (also run on one claim in PURGE_ONE_IN)."""
    result = db.session.execute(
        delete(IdempotentRequest).where(IdempotentRequest.created_at < utcnow() - LIFETIME)
    )
    return cast(CursorResult, result).rowcount


# --- the view's first commit marks the key as having written -------------------------------


@event.listens_for(FlaskSession, "before_commit")
def _mark_committed(session) -> None:
    if not has_request_context():
        return
    claim_id = g.get("idempotency_claim")
    if claim_id is None or g.get("idempotency_marked"):
        return
    # In the same transaction as the view's writes: if they commit, so does this flag.
    session.execute(update(IdempotentRequest).where(IdempotentRequest.id == claim_id).values(committed=True))
    g.idempotency_marking = True


@event.listens_for(FlaskSession, "after_commit")
def _marked(session) -> None:
    if has_request_context() and g.pop("idempotency_marking", False):
        g.idempotency_marked = True


@event.listens_for(FlaskSession, "after_soft_rollback")
def _not_marked(session, previous_transaction) -> None:
    if has_request_context():
        g.pop("idempotency_marking", None)


# --- after the view ----------------------------------------------------------------------


def _store_answer(response: Response) -> Response:
    claim_id = g.pop("idempotency_claim", None)
    if claim_id is None:
        return response
    g.idempotency_finished = True
    try:
        # Whatever the view left uncommitted would be discarded at teardown anyway; it must
        # not ride along with the commit below.
        db.session.rollback()
        if response.status_code >= 500 or response.is_streamed:
            _release(claim_id)
        else:
            headers = {name: response.headers[name] for name in KEPT_HEADERS if name in response.headers}
            db.session.execute(
                update(IdempotentRequest)
                .where(IdempotentRequest.id == claim_id)
                .values(
                    status="done",
                    response_status=response.status_code,
                    response_headers=json.dumps(headers),
                    response_body=response.get_data(),
                )
            )
            db.session.commit()
    except Exception:  # the answer still goes out; the row is settled by its lease
        log.exception("could not store the answer for idempotent request %s", claim_id)
        db.session.rollback()
    return response


def _release_if_unanswered(error) -> None:
    claim_id = g.pop("idempotency_claim", None)
    if claim_id is None or g.get("idempotency_finished"):
        return
    try:
        db.session.rollback()
        _release(claim_id)
    except Exception:
        log.exception("could not release idempotent request %s", claim_id)
        db.session.rollback()


def _release(claim_id: int) -> None:
    """Free the key if the request wrote nothing; otherwise it must never run again."""
    if g.get("idempotency_marked"):
        db.session.execute(
            update(IdempotentRequest).where(IdempotentRequest.id == claim_id).values(status="lost")
        )
    else:
        db.session.execute(
            delete(IdempotentRequest).where(
                IdempotentRequest.id == claim_id, IdempotentRequest.committed.is_(False)
            )
        )
    db.session.commit()
