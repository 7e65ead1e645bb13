"""The correction preview panel of a reopened period (SPEC §6): loaded by htmx after the
page, so the period page stays as fast as it was; the same numbers as the API's
``recompute-preview`` (app.services.correction_preview)."""

from app.errors import Conflict
from app.models import Period
from app.services import correction_preview
from app.tenancy import get_or_404, requires
from app.web import render
from app.web.periods.page import bp


@bp.get("/<int:period_id>/recompute-preview")
@requires("admin")
def recompute_preview(period_id):
    period = get_or_404(Period, period_id)
    try:
        periods, refused = correction_preview.preview(period), None
    except Conflict as error:
        # Shown in the panel (htmx swaps only 2xx answers): why there is nothing to preview.
        periods, refused = [], error.message
    return render(
        "periods/preview.html", "periods/_preview.html", period=period, periods=periods, refused=refused
    )
