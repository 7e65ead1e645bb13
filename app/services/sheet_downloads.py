"""The balance sheet as the API's JSON and as a CSV download (SPEC §5): the API, the period
page and the owner's pages serve the same renderings of ``balances.sheet``."""

from operator import attrgetter

from flask import g
from flask_babel import gettext as _, lazy_gettext

from app import downloads
from app.money import format_cents
from app.ledger.balances import TOTAL_KEYS
from app.services.balances import Sheet

COLUMNS = TOTAL_KEYS
_amounts = attrgetter(*COLUMNS)  # a row's amounts in COLUMNS order (2,000 rows per sheet)


def sheet_json(sheet: Sheet) -> dict:
    return {
        "period": {"id": sheet.period.id, "name": sheet.period.name, "status": sheet.period.status},
        "provisional": sheet.provisional,
        "stale": sheet.stale,
        "rows": [
            {
                "member_id": r.balance.member_id,
                "name": r.name,
                **dict(zip(COLUMNS, map(format_cents, _amounts(r.balance)))),
            }
            for r in sheet.rows
        ],
        "totals": {c: format_cents(sheet.totals[c]) for c in COLUMNS},
        "budget": [
            {
                **b,
                "budgeted": format_cents(b["budgeted"]),
                "actual": format_cents(b["actual"]),
                "variance": format_cents(b["variance"]),
                "charged": format_cents(b["charged"]),
            }
            for b in sheet.budget
        ],
        "unassigned": [{**u, "amount": format_cents(u["amount"])} for u in sheet.unassigned],
        "fund": {"cash": format_cents(sheet.fund_cash)},
    }


def sheet_csv(sheet: Sheet) -> str:
    """SPEC §5: one line per row, then the total line; every COLUMNS amount a plain number."""
    amount = downloads.amount
    return downloads.csv_text(
        ["member_id", "name", *COLUMNS],
        [
            *(
                [r.balance.member_id, r.name, *(amount(getattr(r.balance, c)) for c in COLUMNS)]
                for r in sheet.rows
            ),
            ["", "Total", *(amount(sheet.totals[c]) for c in COLUMNS)],
        ],
    )


def sheet_download(sheet: Sheet):
    """The balance sheet as the API's CSV download (its keys, commas and points)."""
    name = downloads.filename(g.community.slug, sheet.period.name, "balance-sheet", ext="csv")
    return downloads.attachment(sheet_csv(sheet), name, "text/csv")


# The page CSV's columns, as the sheet's table heads them (app/templates/_balance_table.html).
SHEET_CSV_HEADER = (
    lazy_gettext("Member"),
    lazy_gettext("Opening"),
    lazy_gettext("Contributions"),
    lazy_gettext("Paid expenses"),
    lazy_gettext("Allocated"),
    lazy_gettext("Usage"),
    lazy_gettext("Service charges"),
    lazy_gettext("Payouts"),
    lazy_gettext("Adjustments"),
    lazy_gettext("Closing"),
)


def page_sheet_download(sheet: Sheet):
    """The balance sheet as a CSV download from a page (the period's tab, the owner's shared
    sheet): one line per member and the total line, headed in the reader's words, in the
    reader's spreadsheet conventions. The API's (``app.api.reports``) keeps its keys."""
    amount = downloads.amount
    body = downloads.csv_text(
        [str(name) for name in SHEET_CSV_HEADER],
        [
            *([r.name, *(amount(getattr(r.balance, c)) for c in COLUMNS)] for r in sheet.rows),
            [_("Total"), *(amount(sheet.totals[c]) for c in COLUMNS)],
        ],
        downloads.page_csv_style(),
    )
    name = downloads.filename(g.community.slug, sheet.period.name, "balance-sheet", ext="csv")
    return downloads.attachment(body, name, "text/csv")
