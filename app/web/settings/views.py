"""Community settings (admins)."""

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.forms.community import SettingsForm
from app.services import community as service
from app.tenancy import community_blueprint, requires

bp = community_blueprint("settings", __name__, "/settings", template_folder="templates")


@bp.route("/", methods=["GET", "POST"])
@requires("admin")
def index():
    form = SettingsForm(obj=g.community)
    if form.validate_on_submit():
        service.update_settings(**form.values())
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("settings.index"))
    return render_template("settings/index.html", form=form), 422 if form.errors else 200
