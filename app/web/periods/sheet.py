"""The balance sheet tab (SPEC §5) and its CSV download: the API's numbers, with the columns
in words and in the reader's spreadsheet conventions (``page_sheet_download``)."""

from flask import g
from flask_babel import gettext as _

from app import policy
from app.errors import Forbidden
from app.models import Period
from app.services import balances, billing
from app.services.sheet_downloads import page_sheet_download
from app.tenancy import get_or_404
from app.web.periods.page import bp, panel, render_tab


@panel("sheet")
def build(period: Period, **_) -> dict:
    if not policy.sees_books(g.member):
        return {"visible": False}
    sheet = balances.sheet(period)
    # The strategy reads "by tariff" for a meter item with a unit rate (app.words).
    unit_rates = {item.id: item.unit_rate for item in billing.active_items(period.id)}
    return {"visible": True, "sheet": sheet, "unit_rates": unit_rates}


@bp.get("/<int:period_id>/sheet")
def sheet(period_id):
    return render_tab(get_or_404(Period, period_id), "sheet")


@bp.get("/<int:period_id>/sheet.csv")
def sheet_csv(period_id):
    period = get_or_404(Period, period_id)
    if not policy.sees_books(g.member):
        raise Forbidden(_("This community shows owners only their own balance."))
    return page_sheet_download(balances.sheet(period))
