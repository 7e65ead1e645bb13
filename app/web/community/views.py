"""The community dashboard: the first page after login."""
from flask import g, render_template

from app.tenancy import community_blueprint

bp = community_blueprint("community", __name__, template_folder="templates")


@bp.get("/")
def dashboard():
    context = {}
    try:
        from app.services import dashboard
        context = dashboard.for_member(g.member)
    except ImportError:
        pass
    return render_template("community/dashboard.html", **context)
