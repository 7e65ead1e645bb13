"""The landing page."""
from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from app.tenancy import memberships_of

bp = Blueprint("public", __name__, template_folder="templates")


@bp.app_template_global()
def has_view(endpoint: str) -> bool:
    """The layout links to areas that may not be built yet; a missing one is left out
    instead of breaking every page."""
    return endpoint in current_app.view_functions


@bp.get("/")
def landing():
    if current_user.is_authenticated:
        memberships = memberships_of(current_user)
        if len(memberships) == 1:
            return redirect(url_for("community.dashboard",
                                    community_slug=memberships[0].community.slug))
    return render_template("public/landing.html")


@bp.get("/healthz")
def health():
    return {"status": "ok"}
