"""The readings tab: a grid for one usage-based budget item, one row per property.

The whole grid is saved at once. Each filled-in row is validated by ReadingForm and written
through ``billing.READINGS`` like an API call; if any row fails, nothing is saved and every
row shows its own errors, so a treasurer never wonders which half went in.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from flask import g, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from app import policy
from app.errors import Conflict, NotFound, ValidationFailed
from app.extensions import db
from app.forms.base import page_input_locale
from app.forms.ledger import ReadingForm
from app.i18n import input_text
from app.ledger.split import Strategy, split_cents, tariff_charge
from app.models import BudgetItem, Period, Property, Reading
from app.money import decimal_text
from app.services import balances, billing, community, members as member_service
from app.tenancy import get_or_404, requires
from app.web import section_or_page
from app.web.periods.forms import ReadingsGridForm
from app.web.periods.page import bp, conflict, context, panel, render_tab


@dataclass
class GridRow:
    prop: Property
    owner: str
    reading: Reading | None
    start: str  # what the start input shows
    end: str  # what the end input shows
    cost: int | None  # the tariff charge, when the item has a unit rate
    errors: list[str] = field(default_factory=list)


def _text(value: Decimal | None) -> str:
    """A reading as the input shows it: plain digits, a decimal comma on a Russian page."""
    text = decimal_text(value)
    return "" if text is None else input_text(text, page_input_locale())


def usage_items(period: Period) -> list[BudgetItem]:
    return [i for i in billing.active_items(period.id) if i.strategy == Strategy.USAGE_BASED]


def chosen_item(items: list[BudgetItem]) -> BudgetItem | None:
    wanted = request.values.get("item", "")
    if wanted:
        for item in items:
            if str(item.id) == wanted:
                return item
        raise NotFound(_("Budget item not found."))
    return items[0] if items else None


def grid(
    period: Period, item: BudgetItem, posted: dict | None = None, errors: dict | None = None
) -> list[GridRow]:
    """One row per active property (and any other with a reading for the item)."""
    existing = {r.property_id: r for r in billing.READINGS.listing(period, budget_item_id=item.id)}
    names = {m.id: m.name for m in member_service.members()}
    rows = []
    for prop in community.properties():
        reading = existing.get(prop.id)
        if not prop.active and reading is None:
            continue
        if reading is not None:
            start, end = _text(reading.start_reading), _text(reading.end_reading)
        else:
            start = _text(billing.previous_end_reading(period, prop.id, item.payment_type_key))
            end = ""
        if posted and prop.id in posted:
            start, end = posted[prop.id]
        rows.append(
            GridRow(
                prop,
                names.get(prop.owner_member_id, ""),
                reading,
                start,
                end,
                billing.reading_cost(reading, item) if reading else None,
                (errors or {}).get(prop.id, []),
            )
        )
    return rows


def may_see_readings() -> bool:
    return policy.sees_books(g.member)


@panel("readings")
def build(
    period: Period,
    item: BudgetItem | None = None,
    posted: dict | None = None,
    errors: dict | None = None,
    **_,
) -> dict:
    if not may_see_readings():
        return {"visible": False}
    items = usage_items(period)
    item = item or chosen_item(items)
    rows = grid(period, item, posted, errors) if item else []
    return {
        "visible": True,
        "items": items,
        "item": item,
        "rows": rows,
        "grid_form": ReadingsGridForm(formdata=None, budget_item_id=item.id if item else ""),
        "grid_error": None,
        "saved": None,
        **_totals(rows),
    }


def _totals(rows: list[GridRow]) -> dict:
    readings = [r.reading for r in rows if r.reading is not None]
    return {
        "total_consumption": sum((r.consumption for r in readings), Decimal(0)),
        "total_cost": sum(r.cost for r in rows if r.cost is not None),
    }


@bp.get("/<int:period_id>/readings")
def readings(period_id):
    return render_tab(get_or_404(Period, period_id), "readings")


@bp.post("/<int:period_id>/readings")
@requires("admin")
def save_readings(period_id):
    period = get_or_404(Period, period_id)
    form = ReadingsGridForm()
    item = _posted_item(period, form.budget_item_id.data)
    if not form.validate_on_submit():
        return _answer(period, item, False, grid_error=_("The form has expired; reload the page."))
    posted, errors, saved = {}, {}, 0
    try:
        for row in grid(period, item):
            start = request.form.get(f"start-{row.prop.id}", "").strip()
            end = request.form.get(f"end-{row.prop.id}", "").strip()
            posted[row.prop.id] = (start, end)
            if end == "":
                continue  # not read yet
            problems = _save_row(period, item, row, start, end)
            if problems is None:
                saved += 1
            elif problems:
                errors[row.prop.id] = problems
    except Conflict as error:
        return conflict(period, "readings", error)
    if errors:
        db.session.rollback()
        return _answer(
            period,
            item,
            False,
            posted=posted,
            errors=errors,
            grid_error=_("Nothing was saved: correct the marked rows."),
        )
    db.session.commit()
    return _answer(period, item, True, saved=saved)


def _save_row(period, item, row: GridRow, start: str, end: str) -> list[str] | None:
    """Create or edit one row's reading. None when written, [] when unchanged, else errors."""
    form = reading_form(row, item, start, end)
    if not form.validate():
        return [message for messages in form.errors.values() for message in messages]
    values = form.values()
    reading = row.reading
    if (
        reading is not None
        and reading.end_reading == values["end_reading"]
        and (values["start_reading"] in (None, reading.start_reading))
    ):
        return []
    try:
        if reading is None:
            billing.READINGS.create(period, **values)
        else:
            billing.READINGS.edit(reading, **values)
    except ValidationFailed as error:
        return [m for messages in error.fields.values() for m in messages] or [error.message]
    return None


@bp.post("/<int:period_id>/readings/<int:reading_id>/void")
@requires("admin")
def void_reading(period_id, reading_id):
    period = get_or_404(Period, period_id)
    reading = get_or_404(Reading, reading_id)
    if reading.period_id != period.id:
        raise NotFound(_("Reading not found."))
    item = get_or_404(BudgetItem, reading.budget_item_id)
    try:
        billing.READINGS.void(reading)
        db.session.commit()
    except Conflict as error:
        return conflict(period, "readings", error)
    return _answer(period, item, True)


def reading_form(row: GridRow, item: BudgetItem, start: str, end: str) -> ReadingForm:
    """One grid row as a ReadingForm read in the page's language (``12,5`` in Russian); the
    grid's own CSRF token covers the whole post."""
    return ReadingForm(
        formdata=MultiDict(
            {
                "property_id": str(row.prop.id),
                "budget_item_id": str(item.id),
                "start_reading": start,
                "end_reading": end,
            }
        ),
        meta={"csrf": False},
    )


def _posted_item(period: Period, item_id) -> BudgetItem:
    for item in usage_items(period):
        if str(item.id) == str(item_id):
            return item
    raise NotFound(_("Budget item not found."))


def _answer(period, item, ok, **extra):
    return section_or_page(
        "periods/show.html",
        "periods/_readings.html",
        ok,
        url_for("periods.readings", period_id=period.id, item=item.id),
        **context(period, "readings", item=item, **extra),
    )


@bp.post("/<int:period_id>/readings/preview")
@requires("admin")
def preview_readings(period_id):
    """The grid as typed, not saved: each row's consumption and provisional cost, swapped into
    the grid's cells out of band while the treasurer types (tariff × consumption, or the
    item's expenses so far split by consumption, as the close would)."""
    period = get_or_404(Period, period_id)
    item = _posted_item(period, request.form.get("budget_item_id", ""))
    consumption: dict[int, Decimal] = {}
    rows = grid(period, item)
    for row in rows:
        start = request.form.get(f"start-{row.prop.id}", "").strip()
        end = request.form.get(f"end-{row.prop.id}", "").strip()
        form = reading_form(row, item, start, end)
        if end and start and form.validate() and form.end_reading.data >= form.start_reading.data:
            consumption[row.prop.id] = form.end_reading.data - form.start_reading.data
    costs = preview_costs(period, item, consumption)
    body = render_template(
        "periods/_readings_preview.html",
        rows=rows,
        item=item,
        consumption=consumption,
        costs=costs,
        total_consumption=sum(consumption.values(), Decimal(0)),
        total_cost=sum(costs.values()),
    )
    return body, 200, {"Vary": "HX-Request"}


def preview_costs(period: Period, item: BudgetItem, consumption: dict[int, Decimal]) -> dict:
    if item.unit_rate is not None:
        return {pid: tariff_charge(c, Decimal(item.unit_rate)) for pid, c in consumption.items()}
    total = balances.expense_totals(period.id).get(item.payment_type_key, ("", 0))[1]
    if not total or not any(consumption.values()):
        return {}
    return split_cents(total, consumption)
