"""API tokens of the logged-in user: create (shown once) and revoke."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.extensions import db
from app.forms.accounts import TokenForm
from app.forms.base import entered
from app.models import ApiToken
from app.models.base import utcnow
from app.security import issue_api_token

bp = Blueprint("tokens", __name__, url_prefix="/tokens", template_folder="templates")


def _tokens():
    return list(
        db.session.execute(
            select(ApiToken)
            .where(ApiToken.user_id == current_user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc())
        ).scalars()
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TokenForm()
    new_token = None
    if form.validate_on_submit():
        new_token = issue_api_token(current_user, entered(form.name))
        db.session.commit()
        form = TokenForm(formdata=None)
    return render_template("tokens/index.html", form=form, tokens=_tokens(), new_token=new_token)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    token = db.session.execute(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id)
    ).scalar_one_or_none()
    if token is not None:
        token.revoked_at = utcnow()
        db.session.commit()
        flash(_("Token revoked."), "info")
    return redirect(url_for("tokens.index"))
