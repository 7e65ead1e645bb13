"""Sign-up, invites, joining, password resets."""
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.models import Community, Member, User
from app.models.base import utcnow
from app.security import (check_password, digest, hash_password, new_secret_token,
                          normalize_email, user_by_email)
from app.services import audit, mailer
from app.tenancy import community_scope, unscoped

RESET_MAX_AGE = 60 * 60 * 2


def sign_up(*, community_name, slug, name, email, password, currency="EUR"):
    """A new community with its first admin. An existing user must give their password."""
    if db.session.execute(select(Community.id).where(Community.slug == slug)).first():
        raise ValidationFailed("That web address is taken.", {"slug": ["That web address is taken."]})
    user = user_by_email(email)
    if user is None:
        user = User(email=normalize_email(email), name=name, password_hash=hash_password(password))
        db.session.add(user)
    elif not check_password(user, password):
        raise ValidationFailed("This email already has an account; enter its password.",
                               {"password": ["This email already has an account; enter its password."]})
    community = Community(slug=slug, name=community_name, currency=currency or "EUR")
    db.session.add(community)
    db.session.flush()
    with community_scope(community.id):
        member = Member(community_id=community.id, user_id=user.id, name=name,
                        email=user.email, role="admin", joined_at=utcnow())
        db.session.add(member)
        db.session.flush()
        audit.record("create", "community", community.id, after={"slug": slug, "name": community_name})
    return user, community, member


def invite_url(token: str) -> str:
    return url_for("auth.accept_invite", token=token, _external=True)


def send_invite(member: Member) -> str:
    """Give a member with an email a fresh invite link and mail it; answers the link."""
    token, token_hash = new_secret_token()
    member.invite_token_hash, member.invited_at = token_hash, utcnow()
    existing = user_by_email(member.email)
    url = invite_url(token)
    community = db.session.get(Community, member.community_id)
    mailer.send(member.email, f"You are invited to {community.name} on Levy",
                f"Hello {member.name},\n\n{community.name} uses Levy to keep its common money "
                f"straight.\nJoin here{' (log in with your existing password)' if existing else ''}"
                f": {url}\n")
    return url


def member_for_invite(token: str) -> Member | None:
    with unscoped():
        return db.session.execute(
            select(Member).where(Member.invite_token_hash == digest(token))).scalar_one_or_none()


def accept_invite(token: str, *, password: str, name: str | None = None) -> User:
    member = member_for_invite(token)
    if member is None:
        raise ValidationFailed("This invite link is not valid any more.",
                               {"token": ["This invite link is not valid any more."]})
    user = user_by_email(member.email)
    if user is None:
        user = User(email=member.email, name=name or member.name, password_hash=hash_password(password))
        db.session.add(user)
    elif not check_password(user, password):
        raise ValidationFailed("Enter the password of your existing account.",
                               {"password": ["Enter the password of your existing account."]})
    db.session.flush()
    member.user_id, member.joined_at, member.invite_token_hash = user.id, utcnow(), None
    if name:
        member.name = name
    with community_scope(member.community_id):
        audit.record("join", "member", member.id, after={"user_id": user.id})
    return user


def accept_invite_for_demo(member: Member, password: str) -> User:
    """The demo's owners join at once, as if they had followed their invite links."""
    user = User(email=member.email, name=member.name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    member.user_id, member.joined_at, member.invite_token_hash = user.id, utcnow(), None
    return user


def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def send_password_reset(email: str) -> None:
    """Mail a reset link. Says nothing about whether the email exists."""
    user = user_by_email(email)
    if user is None:
        return
    # The hash is part of the token, so a link stops working once the password changes.
    token = _reset_serializer().dumps({"id": user.id, "h": user.password_hash[-16:]})
    url = url_for("auth.reset_password", token=token, _external=True)
    mailer.send(user.email, "Reset your Levy password",
                f"Set a new password here (valid for two hours): {url}\n"
                "If you did not ask for this, ignore this mail.\n")


def user_for_reset(token: str) -> User:
    """The user a reset link is for; a link that expired or was used is refused."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, SignatureExpired):
        data = None
    user_id = data.get("id") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.password_hash[-16:] != data.get("h"):
        raise Conflict("This reset link is not valid any more. Ask for a new one.")
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset(token)
    user.password_hash = hash_password(password)
    return user
