"""Accounts API: sign-up, tokens, new communities, password changes, who am I, invites."""

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from flask_babel import gettext as _
from werkzeug.exceptions import Unauthorized

from app.api import serializers as out
from app.api.base import body, created, doc, validate
from app.errors import NotFound
from app.extensions import db, limiter
from app.forms.accounts import (
    CommunityForm,
    InviteAcceptForm,
    InviteJoinForm,
    PasswordChangeForm,
    SignupForm,
    TokenRequestForm,
)
from app.known import record
from app.security import check_credentials, issue_api_token
from app.services import accounts
from app.tenancy import memberships_of

bp = Blueprint("api_accounts", __name__, url_prefix="/api")


def _signup_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


def _logged_in_user():
    if not current_user.is_authenticated:
        raise Unauthorized(_("Log in or send a bearer token."))
    return record(current_user._get_current_object())  # the ORM row: views change it


@bp.post("/signup")
@limiter.limit(_signup_limit)
@doc(
    "Create a community with you as its admin; answers a bearer token. An email that "
    "already has an account is a 409 `account_exists`: log in and POST /api/communities.",
    SignupForm,
    201,
)
def signup():
    form = validate(SignupForm, body())
    user, community, member = accounts.sign_up(**form.values())
    token = issue_api_token(user, "sign-up")
    db.session.commit()
    return created({"community": out.community(community), "member": out.member(member), "token": token})


@bp.post("/tokens")
@doc(
    "Exchange email and password for a bearer token (failures per email and per address are limited: 429)",
    TokenRequestForm,
    201,
)
def create_token():
    form = validate(TokenRequestForm, body())
    user = check_credentials(form.email.data, form.password.data)
    if user is None:
        raise Unauthorized(_("Wrong email or password."))
    token = issue_api_token(user, form.name.data or "API token")
    db.session.commit()
    return created({"token": token})


@bp.post("/communities")
@doc("Add a community with you (logged in) as its admin", CommunityForm, 201)
def create_community():
    user = _logged_in_user()
    form = validate(CommunityForm, body())
    community, member = accounts.add_community(user, **form.values())
    db.session.commit()
    return created({"community": out.community(community), "member": out.member(member)})


@bp.post("/password")
@doc(
    "Change your password: answers a new token; every session and token of yours, this "
    "one included, is revoked. A wrong current_password is a 400 and a failed credential.",
    PasswordChangeForm,
)
def change_password():
    user = _logged_in_user()
    form = validate(PasswordChangeForm, body())
    accounts.change_password(
        user, current_password=form.current_password.data, new_password=form.new_password.data
    )
    token = issue_api_token(user, "password change")
    db.session.commit()
    return jsonify({"token": token})


@bp.get("/me")
@doc("The current user and their memberships")
def me():
    user = _logged_in_user()
    memberships = [
        {
            "community": m.community.slug,
            "community_slug": m.community.slug,
            "community_name": m.community.name,
            "member_id": m.id,
            "role": m.role,
        }
        for m in memberships_of(user)
    ]
    return jsonify({"user": out.user(user), "memberships": memberships})


@bp.post("/invites/<token>/accept")
@doc(
    "Accept an invite. To an email with no account: set a password. To an email that has "
    "an account: only that account, logged in, joins (no password; else 409 "
    "`account_exists` or 403)",
    InviteAcceptForm,
)
def accept_invite(token):
    member = accounts.member_for_invite(token)
    if member is None:
        raise NotFound(_("This invite link is not valid any more."))
    if accounts.account_for_invite(member) is not None:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        accounts.check_invitee(member, user)  # before reading the body: a password never helps
        form = validate(InviteJoinForm, body())
        user = accounts.join_with_account(token, user, form.name.data)
    else:
        form = validate(InviteAcceptForm, body())
        user = accounts.accept_invite(token, password=form.password.data, name=form.name.data)
    api_token = issue_api_token(user, "invite")
    db.session.commit()
    return jsonify({"token": api_token})
