"""API: contributions, expenses, service charges, payouts, adjustments, budget items and
readings of a period.

They share one shape (list and create under a period; get, patch and delete by id), so the
routes are made by one function per kind rather than written seven times.
"""

from flask import g, jsonify, request
from flask_babel import gettext as _

from app import policy
from app.api import serializers as out
from app.api.base import body, created, doc, merged, no_content, validate
from app.errors import Forbidden, ValidationFailed
from app.extensions import db
from app.forms.ledger import (
    AdjustmentForm,
    BudgetItemForm,
    ContributionForm,
    ExpenseForm,
    PayoutForm,
    ReadingForm,
    ServiceChargeForm,
)
from app.models import BudgetItem, Period
from app.money import format_cents
from app.services import billing, records
from app.tenancy import community_blueprint, get_or_404, is_id, requires

bp = community_blueprint("api_records", __name__, api=True)


def register(name, path, ops, form_class, to_json, *, filters=(), many=None):
    """List/create under /periods/<id>/<path>; get/patch/delete under /<path>/<id>.

    Owners read only the rows app.policy lets them see (the form maps fields to the service).
    """

    def owner_filters() -> dict:
        visible = policy.visible_rows(g.member, ops.entity)
        if visible is None:
            raise Forbidden(_("Only admins can list these records."))
        return visible

    @requires("admin")
    @doc(f"Record a {name} in the period", form_class, 201, "admin")
    def create_view(period_id):
        try:
            values = validate(form_class, body()).values()
        except ValidationFailed:
            get_or_404(Period, period_id)  # another community's period: not found, whatever the body
            raise
        # On PostgreSQL the write itself checks the period and members (Kind.create_in).
        row = ops.create_in(period_id, **values)
        answer = to_json(row)  # before the commit expires the row: no re-read
        db.session.commit()
        return created(answer)

    @doc(f"List the period's {name}s", query=[q for q, _ in filters])
    def list_view(period_id):
        period = get_or_404(Period, period_id)
        wanted = {column: _int_arg(arg) for arg, column in filters}
        wanted.update(owner_filters())
        rows = ops.listing(period, **wanted)
        return jsonify(many(period, rows) if many else [to_json(r) for r in rows])

    @doc(f"One {name}")
    def get_view(row_id):
        row = get_or_404(ops.model, row_id)
        if any(getattr(row, column) != value for column, value in owner_filters().items()):
            get_or_404(ops.model, 0)  # another owner's row: not found, like another community's
        return jsonify(to_json(row))

    @requires("admin")
    @doc(f"Change a {name}", form_class, role="admin")
    def patch_view(row_id):
        row = get_or_404(ops.model, row_id)
        ops.edit(row, **validate(form_class, merged(to_json(row), body())).values())
        db.session.commit()
        return jsonify(to_json(row))

    @requires("admin")
    @doc(f"Void a {name} (kept in the audit log)", status=204, role="admin")
    def delete_view(row_id):
        ops.void(get_or_404(ops.model, row_id))
        db.session.commit()
        return no_content()

    endpoint = path.replace("-", "_")
    bp.add_url_rule(f"/periods/<int:period_id>/{path}", f"list_{endpoint}", list_view, methods=["GET"])
    bp.add_url_rule(f"/periods/<int:period_id>/{path}", f"create_{endpoint}", create_view, methods=["POST"])
    bp.add_url_rule(f"/{path}/<int:row_id>", f"get_{endpoint}", get_view, methods=["GET"])
    bp.add_url_rule(f"/{path}/<int:row_id>", f"patch_{endpoint}", patch_view, methods=["PATCH"])
    bp.add_url_rule(f"/{path}/<int:row_id>", f"delete_{endpoint}", delete_view, methods=["DELETE"])


def _int_arg(name):
    value = request.args.get(name)
    if value is None or value == "":
        return None
    if not is_id(value):  # like IdField: a huge id is a 400, not a 500
        raise ValidationFailed(_("Not a valid filter."), {name: [_("Must be a whole number id.")]})
    return int(value)


def _expenses_json(period, rows):
    items = billing.budget_item_ids_by_key(period.id)
    return [out.expense(r, items.get(r.payment_type_key)) for r in rows]


def _contributions_json(period, rows):
    """Chronological, with each member's running total."""
    running: dict[int, int] = {}
    result = []
    for row in rows:
        running[row.member_id] = running.get(row.member_id, 0) + row.amount_cents
        result.append({**out.contribution(row), "cumulative": format_cents(running[row.member_id])})
    return result


def _reading_json(reading):
    item = db.session.get_one(BudgetItem, reading.budget_item_id)
    return out.reading(reading, billing.reading_cost(reading, item))


def _readings_json(period, rows):
    items = {item.id: item for item in billing.active_items(period.id)}
    return [out.reading(r, billing.reading_cost(r, items[r.budget_item_id])) for r in rows]


def _expense_json(row):
    return out.expense(row, billing.budget_item_id_for(row))


register(
    "contribution",
    "contributions",
    records.CONTRIBUTION,
    ContributionForm,
    out.contribution,
    filters=[("member_id", "member_id")],
    many=_contributions_json,
)
register(
    "expense",
    "expenses",
    records.EXPENSE,
    ExpenseForm,
    _expense_json,
    filters=[("paid_by", "paid_by_member_id")],
    many=_expenses_json,
)
register(
    "service charge",
    "charges",
    records.CHARGE,
    ServiceChargeForm,
    out.charge,
    filters=[("member_id", "member_id")],
)
register("payout", "payouts", records.PAYOUT, PayoutForm, out.payout, filters=[("member_id", "member_id")])
register(
    "adjustment",
    "adjustments",
    records.ADJUSTMENT,
    AdjustmentForm,
    out.adjustment,
    filters=[("member_id", "member_id")],
)
register("budget item", "budget-items", billing.BUDGET_ITEMS, BudgetItemForm, out.budget_item)
register("reading", "readings", billing.READINGS, ReadingForm, _reading_json, many=_readings_json)
