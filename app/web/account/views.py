"""The logged-in user's own account: change the password, add a community."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from app.errors import ValidationFailed
from app.extensions import db
from app.forms.accounts import CommunityForm, PasswordChangeForm
from app.forms.base import entered
from app.known import record
from app.security import log_in
from app.services import accounts
from app.web.forms import apply_errors

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = record(current_user._get_current_object())  # its password changes
        try:
            accounts.change_password(
                user, current_password=entered(form.current_password), new_password=entered(form.new_password)
            )
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            log_in(user)  # every session ended, this browser's too: it gets a new one
            flash(
                gettext(
                    "Your password is changed. Every other session and every API token of yours has ended."
                ),
                "success",
            )
            return redirect(url_for("account.index"))
    return render_template("account/index.html", form=form), 422 if form.errors else 200


@bp.route("/communities/new", methods=["GET", "POST"])
@login_required
def new_community():
    form = CommunityForm()
    if form.validate_on_submit():
        try:
            community, _ = accounts.add_community(current_user, **form.values())
        except ValidationFailed as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(gettext("%(community)s is ready. You are its admin.", community=community.name), "success")
            return redirect(url_for("community.dashboard", community_slug=community.slug))
    return render_template("account/new_community.html", form=form), 422 if form.errors else 200
