"""API: the balance sheet (JSON and CSV) and one member's balance with its lines."""

from flask import g, jsonify, request
from flask_babel import gettext as _

from app import downloads, policy
from app.api import serializers as out
from app.api.base import doc
from app.errors import Forbidden
from app.models import Member, Period
from app.money import format_cents
from app.services import balances, exports, statements
from app.services.sheet_downloads import COLUMNS, sheet_download, sheet_json
from app.tenancy import community_blueprint, get_or_404, is_admin

bp = community_blueprint("api_reports", __name__, api=True)


def can_see_sheet() -> bool:
    return policy.sees_books(g.member)


@bp.get("/periods/<int:period_id>/balance-sheet")
@doc("The balance sheet; ?format=csv for CSV", query=["format"])
def balance_sheet(period_id):
    period = get_or_404(Period, period_id)
    if not can_see_sheet():
        raise Forbidden(_("This community shows owners only their own balance."))
    sheet = balances.sheet(period)
    if request.args.get("format") == "csv":
        return sheet_download(sheet)
    return jsonify(sheet_json(sheet))


def statement_json(data: statements.Statement) -> dict:
    row, sheet = data.row, data.sheet
    item_ids = {item.key: item.id for item in sheet.items}
    return {
        "period": {"id": data.period.id, "name": data.period.name, "status": data.period.status},
        "provisional": sheet.provisional,
        "stale": sheet.stale,
        "member_id": data.member.id,
        "name": data.member.name,
        **{c: format_cents(getattr(row, c) if row else 0) for c in COLUMNS},
        "lines": {
            "opening": format_cents(row.opening if row else 0),
            "contributions": [out.contribution(c) for c in data.contributions],
            "paid_expenses": [out.expense(e, item_ids.get(e.payment_type_key)) for e in data.paid_expenses],
            "service_charges": [out.charge(c) for c in data.service_charges],
            "payouts": [out.payout(p) for p in data.payouts],
            "adjustments": [out.adjustment(a) for a in data.adjustments],
            "allocations": [
                {
                    "budget_item_id": line.item_id,
                    "payment_type": line.payment_type,
                    "strategy": line.strategy,
                    "property_id": line.property_id,
                    "property": label,
                    "basis": out.decimal_text(line.basis),
                    "basis_total": out.decimal_text(line.basis_total),
                    "total": format_cents(line.total),
                    "share": format_cents(line.cents),
                    "rounding": format_cents(line.rounding),
                }
                for line, label in data.allocations
            ],
            "usage": [
                {
                    "budget_item_id": line.item_id,
                    "payment_type": line.payment_type,
                    "property_id": line.property_id,
                    "property": label,
                    "consumption": out.decimal_text(line.basis),
                    "amount": format_cents(line.cents),
                }
                for line, label in data.usage
            ],
        },
    }


@bp.get("/periods/<int:period_id>/balances/<int:member_id>")
@doc("One member's balance in the period, with the lines behind it")
def member_balance(period_id, member_id):
    period = get_or_404(Period, period_id)
    member = get_or_404(Member, member_id)
    if not is_admin() and member.id != g.member.id:
        raise Forbidden(_("Owners see only their own balance."))
    return jsonify(statement_json(statements.statement(period, member)))


@bp.get("/export.beancount")
@doc("The whole ledger as Beancount text (admins, or owners when the sheet is shared)")
def export_beancount():
    if not can_see_sheet():
        raise Forbidden(_("Only admins can export the ledger."))
    return downloads.attachment(
        exports.beancount(), downloads.filename(g.community.slug, ext="beancount"), "text/plain"
    )
