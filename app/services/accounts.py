"""Sign-up, new communities, invites, joining, password resets and changes."""

import hmac

from flask import current_app, url_for
from flask_babel import force_locale, gettext, lazy_gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.errors import AccountExists, Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db
from app.i18n import community_language
from app.models import Community, Member, User
from app.models.base import utcnow
from app.models.tenancy import new_nonce
from app.security import (
    check_credentials,
    digest,
    end_sessions_and_tokens,
    hash_password,
    new_secret_token,
    normalize_email,
    user_by_email,
)
from app.services import audit, mailer
from app.tenancy import community_scope, unscoped

RESET_MAX_AGE = 60 * 60 * 2


def sign_up(*, community_name, slug, name, email, password, currency="EUR"):
    """A new user with a new community, as its admin.

    An email that already has an account is refused before anything else, and no password
    is checked: sign-up must not become a way to guess passwords or to take over an account
    someone planted (SPEC §4). That person logs in and adds a community (add_community).
    """
    if user_by_email(email) is not None:
        raise AccountExists(ACCOUNT_EXISTS_SIGNUP)
    _check_slug(slug)
    user = User(email=normalize_email(email), name=name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    community, member = add_community(user, community_name=community_name, slug=slug, currency=currency)
    return user, community, member


ACCOUNT_EXISTS_SIGNUP = lazy_gettext(
    "This email already has a Levy account. Log in, then add a community from your account."
)
ACCOUNT_EXISTS_INVITE = lazy_gettext(
    "This email already has a Levy account. Log in as it, then accept the invite."
)


def _check_slug(slug):
    if db.session.execute(select(Community.id).where(Community.slug == slug)).first():
        taken = gettext("That web address is taken.")
        raise ValidationFailed(taken, {"slug": [taken]})


def add_community(user: User, *, community_name, slug, currency="EUR"):
    """A new community with this (logged-in) user as its first admin."""
    _check_slug(slug)
    community = Community(slug=slug, name=community_name, currency=currency or "EUR")
    db.session.add(community)
    db.session.flush()
    with community_scope(community.id):
        member = Member(
            community_id=community.id,
            user_id=user.id,
            name=user.name,
            email=user.email,
            role="admin",
            joined_at=utcnow(),
        )
        db.session.add(member)
        db.session.flush()
        audit.record("create", "community", community.id, after={"slug": slug, "name": community_name})
    return community, member


def invite_url(token: str) -> str:
    return url_for("auth.accept_invite", token=token, _external=True)


def send_invite(member: Member) -> str:
    """Give a member with an email a fresh invite link and mail it; answers the link."""
    email = member.email
    if email is None:
        raise ValueError("an invite needs the member's email")
    token, token_hash = new_secret_token()
    member.invite_token_hash, member.invited_at = token_hash, utcnow()
    existing = user_by_email(email)
    url = invite_url(token)
    community = db.session.get_one(Community, member.community_id)
    # Mails to a member speak the community's language, whoever sent the invite (SPEC §7).
    with force_locale(community_language(community)):
        subject = gettext("You are invited to %(community)s on Levy", community=community.name)
        join = (
            gettext("Join here (log in to your Levy account first): %(url)s", url=url)
            if existing
            else gettext("Join here: %(url)s", url=url)
        )
        body = (
            gettext("Hello %(name)s,", name=member.name)
            + "\n\n"
            + gettext("%(community)s uses Levy to keep its common money straight.", community=community.name)
            + "\n"
            + join
            + "\n"
        )
    mailer.send(email, subject, body)
    return url


def member_for_invite(token: str) -> Member | None:
    with unscoped():
        return db.session.execute(
            select(Member).where(Member.invite_token_hash == digest(token))
        ).scalar_one_or_none()


def account_for_invite(member: Member) -> User | None:
    """The account that already has the invited email, if any."""
    return user_by_email(member.email)


def accept_invite(token: str, *, password: str, name: str | None = None) -> User:
    """An invite to an email with no account: the person sets a password and joins.

    An email that has an account is never joined by a password typed here, right or wrong:
    that account logs in and joins (join_with_account).
    """
    member = _member_or_invalid(token)
    if account_for_invite(member) is not None:
        raise AccountExists(ACCOUNT_EXISTS_INVITE)
    user = User(email=member.email, name=name or member.name, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    _join(member, user, name)
    return user


def check_invitee(member: Member, user: User | None) -> User:
    """Only the account with the invited email, logged in, may join by an invite to it."""
    if user is None:
        raise AccountExists(ACCOUNT_EXISTS_INVITE)
    if user.email != member.email:
        raise Forbidden(
            gettext(
                "This invite is for another account (%(email)s). Log out and log in as that account to join.",
                email=member.email,
            )
        )
    return user


def join_with_account(token: str, user: User | None, name: str | None = None) -> User:
    member = _member_or_invalid(token)
    user = check_invitee(member, user)
    _join(member, user, name)
    return user


def _member_or_invalid(token: str) -> Member:
    member = member_for_invite(token)
    if member is None:
        # Used, replaced or never issued; also the loser of two acceptances racing: a 404.
        raise NotFound(gettext("This invite link is not valid any more."))
    return member


def _join(member: Member, user: User, name: str | None) -> None:
    member.user_id, member.joined_at, member.invite_token_hash = user.id, utcnow(), None
    if name:
        member.name = name
    with community_scope(member.community_id):
        audit.record("join", "member", member.id, after={"user_id": user.id})


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
    """Mail a reset link. Says nothing about whether the email exists.

    The link signs the user's id and their random reset nonce, never anything derived from
    the password hash; the nonce changes on every reset or password change, so a used link
    (and any other link sent before) stops working.
    """
    user = user_by_email(email)
    if user is None:
        return
    token = _reset_serializer().dumps({"id": user.id, "n": user.reset_nonce})
    url = url_for("auth.reset_password", token=token, _external=True)
    # In the language of the page that asked (the user's saved choice, else the browser's).
    mailer.send(
        user.email,
        gettext("Reset your Levy password"),
        gettext("Set a new password here (valid for two hours): %(url)s", url=url)
        + "\n"
        + gettext("If you did not ask for this, ignore this mail.")
        + "\n",
    )


def user_for_reset(token: str) -> User:
    """The user a reset link is for; a link that expired or was used is refused."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except (BadSignature, SignatureExpired):
        data = None
    user_id = data.get("id") if isinstance(data, dict) else None
    nonce = data.get("n") if isinstance(data, dict) else None
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not isinstance(nonce, str)
        or not hmac.compare_digest(user.reset_nonce.encode(), nonce.encode())
    ):
        raise Conflict(gettext("This reset link is not valid any more. Ask for a new one."))
    return user


def reset_password(token: str, password: str) -> User:
    user = user_for_reset(token)
    set_password(user, password)
    return user


def change_password(user: User, *, current_password: str, new_password: str) -> None:
    """A logged-in change. A wrong current password counts as a failed credential."""
    if check_credentials(user.email, current_password) is None:
        wrong = gettext("That is not your current password.")
        raise ValidationFailed(wrong, {"current_password": [wrong]})
    set_password(user, new_password)


def set_password(user: User, password: str) -> None:
    """A new password ends every session and API token of the user and every reset link."""
    user.password_hash = hash_password(password)
    user.reset_nonce = new_nonce()
    end_sessions_and_tokens(user)
