"""Sign-up, login, logout, invite acceptance and password reset pages."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from app.errors import Conflict, ValidationFailed
from app.extensions import db, limiter
from app.forms.accounts import (InviteAcceptForm, LoginForm, ResetPasswordForm,
                                ResetRequestForm, SignupForm)
from app.security import check_password, normalize_email, user_by_email
from app.services import accounts
from app.web.forms import apply_errors

bp = Blueprint("auth", __name__, template_folder="templates")


def _failed(response) -> bool:
    # A failed login re-renders the form (200/422); a success redirects.
    return request.method == "POST" and response.status_code != 302


def _email_key() -> str:
    return "email:" + normalize_email(request.form.get("email", ""))


def _limit():
    return current_app.config["CREDENTIAL_FAILURE_LIMIT"]


def _safe_next(default: str) -> str:
    """Only a path on this site: browsers read "//host" and "/\\host" as another site."""
    target = request.args.get("next") or ""
    parts = urlsplit(target)
    if (not target.startswith("/") or target.startswith("//") or "\\" in target
            or any(ord(ch) < 32 for ch in target) or parts.netloc or parts.scheme):
        return default
    return target


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_RATE_LIMIT"], methods=["POST"])
def signup():
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user, community, _ = accounts.sign_up(
                community_name=form.community_name.data, slug=form.slug.data,
                name=form.name.data, email=form.email.data, password=form.password.data,
                currency=form.currency.data or "EUR")
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(f"Welcome to Levy. {community.name} is ready.", "success")
            return redirect(url_for("community.dashboard", community_slug=community.slug))
    return render_template("auth/signup.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_limit, key_func=_email_key, methods=["POST"], deduct_when=_failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = user_by_email(form.email.data)
        if check_password(user, form.password.data):
            login_user(user)
            return redirect(_safe_next(url_for("public.landing")))
        form.password.errors = ["Wrong email or password."]
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("public.landing"))


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=_failed)
def accept_invite(token):
    member = accounts.member_for_invite(token)
    if member is None:
        return render_template("auth/invite_invalid.html"), 404
    existing = user_by_email(member.email)
    form = InviteAcceptForm(name=member.name)
    if form.validate_on_submit():
        try:
            user = accounts.accept_invite(token, password=form.password.data, name=form.name.data)
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            slug = member.community.slug
            db.session.commit()
            login_user(user)
            flash("Welcome! You have joined the community.", "success")
            return redirect(url_for("community.dashboard", community_slug=slug))
    return render_template("auth/invite.html", form=form, member=member,
                           existing=existing), 422 if form.errors else 200


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], key_func=_email_key)
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data)
        flash("If that email has an account, a reset link is on its way.", "info")
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
        user = accounts.reset_password(token, form.password.data)
        db.session.commit()
        login_user(user)
        flash("Your password is changed.", "success")
        return redirect(url_for("public.landing"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
