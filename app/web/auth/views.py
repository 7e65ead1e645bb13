"""Sign-up, login, logout, invite acceptance and password reset pages."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_limiter.util import get_remote_address
from flask_login import current_user

from app.errors import AccountExists, Conflict, Forbidden, NotFound, ValidationFailed
from app.extensions import db, limiter
from app.forms.base import entered
from app.forms.accounts import (
    InviteAcceptForm,
    InviteJoinForm,
    LoginForm,
    ResetPasswordForm,
    ResetRequestForm,
    SignupForm,
)
from app.security import check_credentials, log_in, log_out, normalize_email
from app.services import accounts
from app.web.forms import apply_errors

bp = Blueprint("auth", __name__, template_folder="templates")


def _email_key() -> str:
    return "email:" + normalize_email(request.form.get("email", ""))


def _safe_next(default: str) -> str:
    """Only a path on this site: browsers read "//host" and "/\\host" as another site."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if (
        not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(ch) < 32 for ch in target)
        or parts.netloc
        or parts.scheme
    ):
        return default
    return target


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    form = SignupForm()
    account_exists = False
    if form.validate_on_submit():
        try:
            user, community, _ = accounts.sign_up(**form.values())
        except AccountExists:
            db.session.rollback()
            account_exists = True
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            log_in(user)
            flash(gettext("Welcome to Levy. %(community)s is ready.", community=community.name), "success")
            return redirect(url_for("community.dashboard", community_slug=community.slug))
    status = 409 if account_exists else 422 if form.errors else 200
    return render_template("auth/signup.html", form=form, account_exists=account_exists), status


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = check_credentials(entered(form.email), entered(form.password))
        if user is not None:
            log_in(user)
            return redirect(_safe_next(url_for("public.landing")))
        form.password.errors = [gettext("Wrong email or password.")]
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    log_out()
    flash(gettext("You are logged out."), "info")
    return redirect(url_for("public.landing"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token):
    member = accounts.member_for_invite(token)
    if member is None:
        return render_template("auth/invite_invalid.html"), 404
    if accounts.account_for_invite(member) is not None:
        return _join_with_account(token, member)
    form = InviteAcceptForm(name=member.name)
    if form.validate_on_submit():
        try:
            user = accounts.accept_invite(token, password=entered(form.password), name=form.name.data)
        except NotFound:  # accepted meanwhile, in another tab
            db.session.rollback()
            return render_template("auth/invite_invalid.html"), 404
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            return _joined(member, user)
    return render_template(
        "auth/invite.html", form=form, member=member, existing=False
    ), 422 if form.errors else 200


def _join_with_account(token, member):
    """An invite to an email that has an account: that account, logged in, presses Join."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    form = InviteJoinForm(name=member.name)
    refusal, status = None, 200
    try:
        accounts.check_invitee(member, user)
    except (AccountExists, Forbidden) as error:
        refusal = error.message
        status = error.status if request.method == "POST" else 200
    else:
        if form.validate_on_submit():
            accounts.join_with_account(token, user, form.name.data)
            return _joined(member, user, fresh_login=False)
    return render_template(
        "auth/invite.html", form=form, member=member, existing=True, refusal=refusal, logged_in_as=user
    ), 422 if form.errors else status


def _joined(member, user, fresh_login=True):
    slug = member.community.slug
    db.session.commit()
    if fresh_login:
        log_in(user)
    flash(gettext("Welcome! You have joined the community."), "success")
    return redirect(url_for("community.dashboard", community_slug=slug))


def _reset_email_limit():
    return current_app.config["PASSWORD_RESET_EMAIL_LIMIT"]


def _reset_address_limit():
    return current_app.config["PASSWORD_RESET_ADDRESS_LIMIT"]


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_address_limit, methods=["POST"], key_func=get_remote_address)
@limiter.limit(_reset_email_limit, methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(entered(form.email))
        flash(gettext("If that email has an account, a reset link is on its way."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        accounts.user_for_reset(token)
    except Conflict as error:
        flash(error.message, "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = accounts.reset_password(token, entered(form.password))
        db.session.commit()
        log_in(user)
        flash(
            gettext("Your password is changed. Every other session and every API token of yours has ended."),
            "success",
        )
        return redirect(url_for("public.landing"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
