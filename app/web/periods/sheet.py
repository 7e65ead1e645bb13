"""The balance sheet tab (SPEC §5) and its CSV download: the API's numbers, with the columns
in words and in the reader's spreadsheet conventions (``page_sheet_download``)."""
from flask import g
from flask_babel import gettext as _, lazy_gettext

from app import downloads
from app.api.reports import COLUMNS, can_see_sheet
from app.errors import Forbidden
from app.models import Period
from app.services import balances, billing
from app.tenancy import get_or_404
from app.web.periods.page import bp, panel, render_tab


@panel("sheet")
def build(period: Period, **_) -> dict:
    if not can_see_sheet():
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
    if not can_see_sheet():
        raise Forbidden(_("This community shows owners only their own balance."))
    return page_sheet_download(balances.sheet(period))


# The page CSV's columns, as the sheet's table heads them (app/templates/_balance_table.html).
SHEET_CSV_HEADER = (lazy_gettext("Member"), lazy_gettext("Opening"),
                    lazy_gettext("Contributions"), lazy_gettext("Paid expenses"),
                    lazy_gettext("Allocated"), lazy_gettext("Usage"),
                    lazy_gettext("Service charges"), lazy_gettext("Payouts"),
                    lazy_gettext("Adjustments"), lazy_gettext("Closing"))


def page_sheet_download(sheet):
    """The balance sheet as a CSV download from a page (the period's tab, the owner's shared
    sheet): one line per member and the total line, headed in the reader's words, in the
    reader's spreadsheet conventions. The API's (``app.api.reports``) keeps its keys."""
    amount = downloads.amount
    body = downloads.csv_text([str(name) for name in SHEET_CSV_HEADER], [
        *([r.name, *(amount(getattr(r.balance, c)) for c in COLUMNS)] for r in sheet.rows),
        [_("Total"), *(amount(sheet.totals[c]) for c in COLUMNS)]], downloads.page_csv_style())
    name = downloads.filename(g.community.slug, sheet.period.name, "balance-sheet", ext="csv")
    return downloads.attachment(body, name, "text/csv")
