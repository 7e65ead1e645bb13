"""Public API: sign-up, tokens, who am I, accepting an invite."""
from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user

from app.api import serializers as out
from app.api.base import body, created, doc, validate
from app.errors import ValidationFailed
from app.extensions import db, limiter
from app.forms.accounts import InviteAcceptForm, SignupForm, TokenRequestForm
from app.security import check_password, issue_api_token, normalize_email, user_by_email
from app.services import accounts
from app.tenancy import memberships_of

bp = Blueprint("api_accounts", __name__, url_prefix="/api")


def _failed(response) -> bool:
    return response.status_code in (400, 401)


def _email_key() -> str:
    data = request.get_json(silent=True) or {}
    email = data.get("email") if isinstance(data, dict) else None
    return "email:" + normalize_email(email if isinstance(email, str) else "")


def _credential_limit():
    return current_app.config["CREDENTIAL_FAILURE_LIMIT"]


def _signup_limit():
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.post("/signup")
@limiter.limit(_signup_limit)
@doc("Create a community with you as its admin; answers a bearer token", SignupForm, 201)
def signup():
    form = validate(SignupForm, body())
    user, community, member = accounts.sign_up(
        community_name=form.community_name.data, slug=form.slug.data, name=form.name.data,
        email=form.email.data, password=form.password.data, currency=form.currency.data or "EUR")
    token = issue_api_token(user, "sign-up")
    db.session.commit()
    return created({"community": out.community(community), "member": out.member(member),
                    "token": token})


@bp.post("/tokens")
@limiter.limit(_credential_limit, deduct_when=_failed)
@limiter.limit(_credential_limit, key_func=_email_key, deduct_when=_failed)
@doc("Exchange email and password for a bearer token (failures are rate-limited)",
     TokenRequestForm, 201)
def create_token():
    form = validate(TokenRequestForm, body())
    user = user_by_email(form.email.data)
    if not check_password(user, form.password.data):
        from werkzeug.exceptions import Unauthorized
        raise Unauthorized("Wrong email or password.")
    token = issue_api_token(user, form.name.data or "API token")
    db.session.commit()
    return created({"token": token})


@bp.get("/me")
@doc("The current user and their memberships")
def me():
    if not current_user.is_authenticated:
        from werkzeug.exceptions import Unauthorized
        raise Unauthorized("Log in or send a bearer token.")
    memberships = [{"community": m.community.slug, "community_slug": m.community.slug,
                    "community_name": m.community.name, "member_id": m.id, "role": m.role}
                   for m in memberships_of(current_user)]
    return jsonify({"user": out.user(current_user), "memberships": memberships})


@bp.post("/invites/<token>/accept")
@limiter.limit(_credential_limit, deduct_when=_failed)
@doc("Accept an invite: set a password (or give your existing one) and join", InviteAcceptForm)
def accept_invite(token):
    form = validate(InviteAcceptForm, body())
    try:
        user = accounts.accept_invite(token, password=form.password.data, name=form.name.data)
    except ValidationFailed as error:
        if "token" in error.fields:
            from app.errors import NotFound
            raise NotFound(error.message)
        raise
    api_token = issue_api_token(user, "invite")
    db.session.commit()
    return jsonify({"token": api_token})
