"""Passwords, bearer tokens, server-side sessions, failed-credential limits, who the current
user is, CSRF policy and response headers."""

import hashlib
import secrets
import time
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user
from flask_babel import gettext as _, lazy_gettext
from itsdangerous import URLSafeTimedSerializer
from limits import parse
from sqlalchemy import bindparam, select, update
from werkzeug.exceptions import TooManyRequests

from app import tenancy
from app.extensions import csrf, db, limiter, login_manager
from app.known import Known
from app.models import ApiToken, LoginSession, User
from app.models.base import utcnow
from app.requests import is_api_request

_STRONG = PasswordHasher()
# The test suite hashes hundreds of passwords; cheap parameters keep it fast. Never in production.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _CHEAP if current_app.config.get("PASSWORD_HASH_CHEAP") else _STRONG


TOKEN_PREFIX = "levy_"  # noqa: S105 (a visible prefix, not a secret)
# "Last used" on the tokens page is shown by the day; writing it more often is wasted work.
TOKEN_USE_PRECISION = timedelta(minutes=10)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None:
        # Spend the same time as a real check, so timing does not reveal which emails exist.
        _hasher().hash(password)
        return False
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret_token(prefix: str = "") -> tuple[str, str]:
    """A random token and the digest to store; the token itself is only ever shown once."""
    token = prefix + secrets.token_urlsafe(32)
    return token, digest(token)


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str | None) -> User | None:
    return db.session.execute(select(User).where(User.email == normalize_email(email))).scalar_one_or_none()


def issue_api_token(user: User, name: str = "API token") -> str:
    token, token_hash = new_secret_token(TOKEN_PREFIX)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=token_hash))
    return token


# --- failed credentials -----------------------------------------------------------------
# One counter per email and one per address, shared by every place that checks a password
# (log-in page, POST /api/tokens, POST /api/password, the account page), kept in the
# limiter's storage (Redis in production) so every worker sees the same counts. Fixed
# windows, whatever strategy the decorators use: a counter we can give back to.


def _credential_keys(limit, email: str) -> list[str]:
    return [
        limit.key_for("credential-failures", "email", normalize_email(email)),
        limit.key_for("credential-failures", "address", get_remote_address() or "-"),
    ]


def check_credentials(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None (and the failure counts).

    Every attempt first takes a slot in both counters (one atomic increment each), so a
    burst of parallel guesses cannot all slip in before the first failure is counted; a
    right password gives its slots back, so only failures count. While either counter is
    full the answer is 429 without checking the password: a right guess after the limit
    teaches an attacker nothing.
    """
    limit = parse(current_app.config["CREDENTIAL_FAILURE_LIMIT"])
    storage, expiry = limiter.storage, limit.get_expiry()
    keys = _credential_keys(limit, email)
    counts = [storage.incr(key, expiry) for key in keys]
    if any(count > limit.amount for count in counts):
        retry_after = max(storage.get_expiry(key) for key in keys) - time.time()
        raise TooManyRequests(
            _("Too many failed attempts. Try again later."), retry_after=max(1, int(retry_after))
        )
    user = user_by_email(email)
    if check_password(user, password):
        for key in keys:
            storage.incr(key, expiry, amount=-1)
        return user
    return None


# --- server-side sessions ----------------------------------------------------------------
# The session cookie (signed by Flask) carries a random key; a LoginSession row with its
# digest must exist and be live for the cookie to mean anything. See app/models/sessions.py.
SESSION_KEY = "_levy_session"


def log_in(user: User) -> None:
    """Log this browser in with a new server-side session (commits).

    A session this browser had before (another account, say) ends first, so a key that
    was once in this cookie never outlives it.
    """
    _revoke_session_key(session.pop(SESSION_KEY, None))
    key, key_hash = new_secret_token()
    db.session.add(LoginSession(user_id=user.id, key_hash=key_hash))
    db.session.commit()
    login_user(user)
    session[SESSION_KEY] = key


def log_out() -> None:
    """End this browser's session on the server too: a copied cookie dies with it (commits)."""
    _revoke_session_key(session.pop(SESSION_KEY, None))
    db.session.commit()
    logout_user()


def _revoke_session_key(key: str | None) -> None:
    if key:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.key_hash == digest(key), LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_sessions_and_tokens(user: User) -> None:
    """Revoke every session and API token of the user at once (the caller commits)."""
    now = utcnow()
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def _user_from_session(user_id: str) -> Known | None:
    key = session.get(SESSION_KEY)
    if not key:
        return None
    oldest = utcnow() - timedelta(days=current_app.config["SESSION_MAX_AGE_DAYS"])
    # Like a bearer token: the user, and under a community URL the membership, in one read.
    row = _login_read("session", {"key_hash": digest(key), "oldest": oldest})
    if row is None or str(row[1]) != user_id:  # (session id, its user_id, user..., ...)
        return None
    return _known_user(row)


# The login read: the session's or token's own columns, the user's, and under a community
# URL the community's and the membership's (app.tenancy), as one Core row. No ORM objects:
# they cost more than the statement (app.known; issue 13).
CREDENTIAL_COLUMNS = {"session": ("id", "user_id"), "token": ("id", "last_used_at")}
USER_COLUMNS = ("id", "email", "name", "locale")


@lru_cache(maxsize=4)
def _login_query(kind: str, under_community: bool):
    """The login read, built once per shape: only its values change between requests."""
    user = User.__table__
    if kind == "session":
        credential = LoginSession.__table__
        where = [
            credential.c.key_hash == bindparam("key_hash"),
            credential.c.created_at > bindparam("oldest"),
        ]
    else:
        credential = ApiToken.__table__
        where = [credential.c.token_hash == bindparam("token_hash")]
    columns = [*(credential.c[k] for k in CREDENTIAL_COLUMNS[kind]), *(user.c[k] for k in USER_COLUMNS)]
    joined = credential.join(user, user.c.id == credential.c.user_id)
    if under_community:
        columns += tenancy.membership_columns()
        joined = tenancy.join_membership(joined, bindparam("slug"), user.c.id)
    return select(*columns).select_from(joined).where(*where, credential.c.revoked_at.is_(None))


def _login_read(kind: str, params: dict):
    """The login read's row, or None; under a community URL the read also takes the
    community and the user's membership of it, handed to app.tenancy (no second read)."""
    slug = g.get("community_slug")
    if slug is not None:
        params["slug"] = slug
    row = db.session.connection().execute(_login_query(kind, slug is not None), params).first()
    if row is not None and slug is not None:
        tenancy.remember_membership(slug, row[2], row[2 + len(USER_COLUMNS) :])
    return row


def _known_user(row) -> Known:
    return Known(User, dict(zip(USER_COLUMNS, row[2 : 2 + len(USER_COLUMNS)])))


def _forget_dead_session() -> None:
    for name in ("_user_id", "_fresh", "_id", SESSION_KEY):
        session.pop(name, None)


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _space, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _user_from_bearer(req) -> Known | None:
    """The user a bearer token stands for, in one statement.

    Under a community URL the same statement also reads that community and the user's live
    membership of it (outer joins: a token is still a login where the user is no member),
    and hands them to app.tenancy, so a request does not read the same rows twice.
    """
    token = _bearer_token()
    if not token:
        return None
    row = _login_read("token", {"token_hash": digest(token)})
    if row is None:
        return None
    token_id, last_used_at = row[0], row[1]
    if last_used_at is None or utcnow() - last_used_at > TOKEN_USE_PRECISION:
        g.api_token_touched = token_id
    return _known_user(row)


def _note_token_use(token_id: int) -> None:
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=utcnow()))


def _carries_credentials() -> bool:
    """A logged-in request: a bearer token, or a session with a user in it (even a stale or
    revoked one: refusing to cache costs nothing)."""
    return bool(_bearer_token()) or "_user_id" in session


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, with its signing serializer built once per set of keys:
    Flask builds it anew on every request, cookie or not (issue 13)."""

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        try:
            return self._serializers[keys]
        except KeyError:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
            return serializer


# Set on every answer unless the view set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    # Flask-Login flashes this when a page needs a login; translated when flashed.
    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.localize_callback = str

    @login_manager.user_loader
    def load_user(user_id: str):
        if _bearer_token():
            # A request that shows a bearer token is judged by that token alone, so a stale
            # or forged header next to a session cookie neither logs in nor skips CSRF.
            return _user_from_bearer(request)
        user = _user_from_session(user_id)
        if user is None:
            _forget_dead_session()  # logged out, revoked or expired on the server
        return user

    # A bearer token beats the session: API clients never depend on cookies.
    login_manager.request_loader(_user_from_bearer)

    @app.before_request
    def check_csrf():
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        # Token clients are not a browser; cookie-authenticated writes need the token.
        # (A cookie whose session ended on the server is no login: the view answers 401.)
        if is_api_request() and (_bearer_token() or not current_user.is_authenticated):
            return
        csrf.protect()

    @app.before_request
    def note_token_use():
        # Resolve a bearer token before any view work, so noting its use can be committed
        # on its own (read-only API calls never commit otherwise).
        if _bearer_token() and current_user.is_authenticated and "api_token_touched" in g:
            _note_token_use(g.pop("api_token_touched"))
            db.session.commit()

    @app.after_request
    def security_headers(response):
        # One pass over the response's headers, not one per header (this runs on every request).
        present = {name.lower() for name, _value in response.headers}
        for name, value in SECURITY_HEADERS:
            if name.lower() not in present:
                response.headers.add(name, value)
        if _carries_credentials():
            # Nothing a logged-in user sees (pages, API answers, downloads) is kept by a
            # browser or a shared cache (SPEC §5).
            response.headers["Cache-Control"] = "no-store"
        return response
