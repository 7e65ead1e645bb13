"""Passwords, bearer tokens, who the current user is, CSRF policy and response headers."""
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app, g, request, session
from flask_login import current_user
from sqlalchemy import select

from app.extensions import csrf, db, login_manager
from app.models import ApiToken, User
from app.models.base import utcnow

_STRONG = PasswordHasher()
# The test suite hashes hundreds of passwords; cheap parameters keep it fast. Never in production.
_CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _hasher() -> PasswordHasher:
    return _CHEAP if current_app.config.get("PASSWORD_HASH_CHEAP") else _STRONG
TOKEN_PREFIX = "levy_"
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


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalize_email(email))).scalar_one_or_none()


def issue_api_token(user: User, name: str = "API token") -> str:
    token, token_hash = new_secret_token(TOKEN_PREFIX)
    db.session.add(ApiToken(user_id=user.id, name=name, token_hash=token_hash))
    return token


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _user_from_bearer(req) -> User | None:
    token = _bearer_token()
    if not token:
        return None
    api_token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == digest(token),
                               ApiToken.revoked_at.is_(None))).scalar_one_or_none()
    if api_token is None:
        return None
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_USE_PRECISION:
        api_token.last_used_at = now
        g.api_token_touched = True
    return api_token.user


def _carries_credentials() -> bool:
    """A logged-in request: a bearer token, or a session with a user in it (even a stale or
    revoked one: refusing to cache costs nothing)."""
    return bool(_bearer_token()) or "_user_id" in session


CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str):
        if _bearer_token():
            # A request that shows a bearer token is judged by that token alone, so a stale
            # or forged header next to a session cookie neither logs in nor skips CSRF.
            return _user_from_bearer(request)
        return db.session.get(User, int(user_id))

    # A bearer token beats the session: API clients never depend on cookies.
    login_manager.request_loader(_user_from_bearer)

    @app.before_request
    def check_csrf():
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if request.path.startswith("/api/"):
            # Token clients are not a browser; cookie-authenticated writes need the token.
            if _bearer_token() or "_user_id" not in session:
                return
        csrf.protect()

    @app.before_request
    def note_token_use():
        # Resolve a bearer token before any view work, so noting its use can be committed
        # on its own (read-only API calls never commit otherwise).
        if _bearer_token() and current_user.is_authenticated and g.pop("api_token_touched", False):
            db.session.commit()

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if _carries_credentials():
            # Nothing a logged-in user sees (pages, API answers, downloads) is kept by a
            # browser or a shared cache (SPEC §5).
            response.headers["Cache-Control"] = "no-store"
        return response
