"""The landing page."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from app.tenancy import memberships_of

bp = Blueprint("public", __name__, template_folder="templates")


@bp.get("/")
def landing():
    if current_user.is_authenticated:
        memberships = memberships_of(current_user)
        if len(memberships) == 1:
            return redirect(url_for("community.dashboard", community_slug=memberships[0].community.slug))
    return render_template("public/landing.html")


@bp.get("/healthz")
def health():
    return {"status": "ok"}
