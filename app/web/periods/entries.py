"""Contributions, expenses, service charges, payouts, adjustments and budget items on the
period page.

They share one shape: a table with a totals row, an add form under it, an inline edit
row and a void button, all through the same services and forms as the API. So their routes
are made by one function, ``register``, rather than written six times.

Templates per kind: the tab's section ``periods/_<tab>.html`` and the rows
``periods/_<name>_row.html`` and ``periods/_<name>_edit.html``.
"""

from dataclasses import dataclass
from collections.abc import Callable

from flask import g, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import Conflict, NotFound
from app.extensions import db
from app.forms.ledger import (
    AdjustmentForm,
    BudgetItemForm,
    ContributionForm,
    ExpenseForm,
    PayoutForm,
    RecordForm,
    ServiceChargeForm,
)
from app import policy
from app.models import Period
from app.services import balances, billing, members as member_service, periods, records
from app.services.lifecycle import RecordLife
from app.tenancy import get_or_404, is_admin, requires
from app.web import section_or_page
from app.web.forms import submit
from app.web.periods.page import bp, conflict, context, default_day, panel, render_tab


@dataclass(frozen=True)
class Entry:
    name: str  # "contribution": endpoints add_<name>, edit_<name>, ...
    tab: str  # "contributions": the tab, its URL segment and its section
    ops: RecordLife  # the service: create, edit, void, listing
    form_class: type[RecordForm]  # a RecordForm: it maps its fields to the service's arguments
    extras: Callable  # (period, rows) → totals and whatever else the section shows
    dated: bool = True  # the add form starts on a day inside the period

    @property
    def section(self) -> str:
        return f"periods/_{self.tab}.html"

    def new_form(self, period: Period):
        defaults = {"date": default_day(period)} if self.dated else {}
        return self.form_class(formdata=None, **defaults)

    def rows(self, period: Period) -> list:
        filters = policy.visible_rows(g.member, self.ops.entity)
        return [] if filters is None else self.ops.listing(period, **filters)


def register(entry: Entry) -> None:
    @panel(entry.tab)
    def build(period, **_):
        rows = entry.rows(period)
        members = member_service.members()
        return {
            "rows": rows,
            "members": members,
            "names": {m.id: m.name for m in members},
            "form": entry.new_form(period),
            "editing": None,
            "edit_form": None,
            **entry.extras(period, rows),
        }

    def find(period_id, row_id):
        period = get_or_404(Period, period_id)
        row = get_or_404(entry.ops.model, row_id)
        if row.period_id != period.id:
            raise NotFound(_("Not found in this period."))
        return period, row

    def tab_url(period):
        return url_for(f"periods.{entry.tab}", period_id=period.id)

    def answer(period, ok, **extra):
        return section_or_page(
            "periods/show.html", entry.section, ok, tab_url(period), **context(period, entry.tab, **extra)
        )

    def show_tab(period_id):
        period = get_or_404(Period, period_id)
        extra = {}
        wanted = request.args.get("edit", "")
        if wanted and is_admin() and period.is_open:  # editing without JavaScript
            _, row = find(period_id, wanted)
            extra = {
                "editing": row,
                "edit_form": entry.form_class(formdata=None, **entry.form_class.initial(row)),
            }
        return render_tab(period, entry.tab, **extra)

    @requires("admin")
    def add(period_id):
        period = get_or_404(Period, period_id)
        form = entry.form_class()
        try:
            ok = submit(form, lambda: entry.ops.create(period, **form.values()))
        except Conflict as error:
            return conflict(period, entry.tab, error)
        return answer(period, ok, **({} if ok else {"form": form}))

    @requires("admin")
    def row_view(period_id, row_id):
        period, row = find(period_id, row_id)
        return render_template(f"periods/_{entry.name}_row.html", **context(period, entry.tab, row=row))

    @requires("admin")
    def edit(period_id, row_id):
        period, row = find(period_id, row_id)
        if not period.is_open:
            return conflict(period, entry.tab, Conflict(periods.closed_message(period)))
        form = entry.form_class(formdata=None, **entry.form_class.initial(row))
        return render_template(
            f"periods/_{entry.name}_edit.html", **context(period, entry.tab, row=row, edit_form=form)
        )

    @requires("admin")
    def update(period_id, row_id):
        period, row = find(period_id, row_id)
        form = entry.form_class()
        try:
            ok = submit(form, lambda: entry.ops.edit(row, **form.values()))
        except Conflict as error:
            return conflict(period, entry.tab, error)
        return answer(period, ok, **({} if ok else {"editing": row, "edit_form": form}))

    @requires("admin")
    def void(period_id, row_id):
        period, row = find(period_id, row_id)
        try:
            entry.ops.void(row)
            db.session.commit()
        except Conflict as error:
            return conflict(period, entry.tab, error)
        return answer(period, True)

    base, one = f"/<int:period_id>/{entry.tab}", f"/<int:period_id>/{entry.tab}/<int:row_id>"
    bp.add_url_rule(base, entry.tab, show_tab, methods=["GET"])
    bp.add_url_rule(base, f"add_{entry.name}", add, methods=["POST"])
    bp.add_url_rule(one, f"{entry.name}_row", row_view, methods=["GET"])
    bp.add_url_rule(one + "/edit", f"edit_{entry.name}", edit, methods=["GET"])
    bp.add_url_rule(one, f"update_{entry.name}", update, methods=["POST"])
    bp.add_url_rule(one + "/void", f"void_{entry.name}", void, methods=["POST"])


# --- what each tab shows besides its rows ----------------------------------------------


def _total(rows) -> int:
    return sum(r.amount_cents for r in rows)


def _contribution_extras(period, rows) -> dict:
    per_member: dict[int, int] = {}
    for row in rows:
        per_member[row.member_id] = per_member.get(row.member_id, 0) + row.amount_cents
    return {"total": _total(rows), "per_member": per_member}


def _expense_extras(period, rows) -> dict:
    items = {item.payment_type_key: item for item in billing.active_items(period.id)}
    categories: dict[str, list] = {}
    for row in rows:
        category = categories.setdefault(row.payment_type_key, [row.payment_type, 0])
        category[1] += row.amount_cents
    return {
        "total": _total(rows),
        "items": items,
        "own_only": not policy.sees_books(g.member),
        "categories": sorted(
            ((name, total, items.get(key)) for key, (name, total) in categories.items()),
            key=lambda c: c[0].casefold(),
        ),
    }


def _charge_extras(period, rows) -> dict:
    return {"total": _total(rows)}


def _payout_extras(period, rows) -> dict:
    return {"total": _total(rows)}


def _adjustment_extras(period, rows) -> dict:
    return {
        "total": _total(rows),
        "credits": sum(r.amount_cents for r in rows if r.amount_cents > 0),
        "debits": -sum(r.amount_cents for r in rows if r.amount_cents < 0),
    }


def _budget_extras(period, rows) -> dict:
    sheet = balances.sheet(period)
    lines = {line["budget_item_id"]: line for line in sheet.budget}
    totals = {
        column: sum(line[column] for line in sheet.budget)
        for column in ("budgeted", "actual", "variance", "charged")
    }
    return {"lines": lines, "totals": totals, "unassigned": sheet.unassigned}


register(Entry("contribution", "contributions", records.CONTRIBUTION, ContributionForm, _contribution_extras))
register(Entry("expense", "expenses", records.EXPENSE, ExpenseForm, _expense_extras))
register(Entry("charge", "charges", records.CHARGE, ServiceChargeForm, _charge_extras))
register(Entry("payout", "payouts", records.PAYOUT, PayoutForm, _payout_extras))
register(Entry("adjustment", "adjustments", records.ADJUSTMENT, AdjustmentForm, _adjustment_extras))
register(Entry("budget_item", "budget", billing.BUDGET_ITEMS, BudgetItemForm, _budget_extras, dated=False))
