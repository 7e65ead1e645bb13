"""The community dashboard: the first page after login.

Owners see their own money (app.services.dashboard.mine); admins also see the community's.
"""

from flask import g, render_template

from app.services import dashboard as service
from app.tenancy import community_blueprint

bp = community_blueprint("community", __name__, template_folder="templates")


@bp.get("/")
def dashboard():
    return render_template("community/dashboard.html", **service.for_member(g.member))
