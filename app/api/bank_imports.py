"""API: bank imports (SPEC §5, §6): upload a statement, review and fix its lines, confirm."""

from flask import jsonify, request
from flask_babel import gettext as _

from app.api.base import body, doc, validate
from app.api.imports import FILE_BODY as IMPORT_BODY, upload as uploaded_file
from app.errors import ValidationFailed
from app.extensions import db
from app.forms.bank import BankLineForm
from app.models import BankImport
from app.money import format_cents
from app.services import bank_imports
from app.tenancy import community_blueprint, get_or_404, requires

bp = community_blueprint("api_bank_imports", __name__, api=True)

# A bank statement comes as a file upload only (the spreadsheet imports also take text/csv).
FILE_BODY = {"multipart/form-data": IMPORT_BODY["multipart/form-data"]}


def line_json(line) -> dict:
    return {
        "id": line.id,
        "date": line.date.isoformat(),
        "amount": format_cents(line.amount_cents),
        "counterparty": line.counterparty,
        "purpose": line.purpose,
        "kind": line.kind,
        "member_id": line.member_id,
        "payment_type": line.payment_type,
        "period_id": line.period_id,
        "status": line.status,
    }


def import_json(bank_import) -> dict:
    return {"id": bank_import.id, "lines": [line_json(line) for line in bank_imports.lines_of(bank_import)]}


@bp.post("/bank-imports")
@requires("admin")
@doc(
    "Upload a bank statement (CSV or 1CClientBankExchange): every line with its suggestion and status",
    status=201,
    role="admin",
    body=FILE_BODY,
)
def create_bank_import():
    if request.mimetype != "multipart/form-data":
        raise ValidationFailed(
            _("Send the statement in the multipart field named file."),
            {"file": [_("Send the statement in the field named file.")]},
        )
    file = request.files.get("file")
    content = uploaded_file()
    bank_import = bank_imports.upload((file.filename or "") if file else "", content)
    db.session.commit()
    return jsonify(import_json(bank_import)), 201


@bp.get("/bank-imports/<int:import_id>")
@requires("admin")
@doc("A bank import: every line with its suggestion and status", role="admin")
def get_bank_import(import_id):
    return jsonify(import_json(get_or_404(BankImport, import_id)))


@bp.patch("/bank-imports/<int:import_id>/lines/<int:line_id>")
@requires("admin")
@doc(
    "Fix a line: member_id (money in) or payment_type (money out) makes it matched (when "
    'its period is open); status "skipped" skips it',
    BankLineForm,
    role="admin",
    conflict=True,
)
def patch_bank_line(import_id, line_id):
    line = bank_imports.line_of(get_or_404(BankImport, import_id), line_id)
    data = body()
    form = validate(BankLineForm, data)
    bank_imports.fix(
        line,
        set(data),
        member_id=form.member_id.data,
        payment_type=form.payment_type.data or None,
        status=form.status.data or None,
    )
    db.session.commit()
    return jsonify(line_json(line))


@bp.post("/bank-imports/<int:import_id>/confirm")
@requires("admin")
@doc(
    "Record the matched lines: a contribution per line in, a fund-paid expense per line "
    "out; confirming again records nothing",
    role="admin",
)
def confirm_bank_import(import_id):
    created = bank_imports.confirm(get_or_404(BankImport, import_id))
    db.session.commit()
    return jsonify({"created": created})
