"""API: importing properties and a period's contributions from a CSV or XLSX file (SPEC §6)."""

from flask import jsonify, request
from flask_babel import gettext as _, ngettext

from app.errors import ValidationFailed
from app.extensions import db
from app.api.base import doc
from app.models import Period
from app.services import imports
from app.tenancy import community_blueprint, get_or_404, requires

bp = community_blueprint("api_imports", __name__, api=True)

FILE_BODY = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}},
        }
    },
    "text/csv": {"schema": {"type": "string"}},
}
ANSWERS = {200: "Dry run: every row's status and errors; nothing written", 409: "The period is not open"}


def upload() -> bytes:
    """The file: the multipart field ``file``, or the whole body (``text/csv``, an XLSX)."""
    if request.mimetype == "multipart/form-data":
        file = request.files.get("file")
        if file is None:
            raise ValidationFailed(
                _("Send the file in the field named file."),
                {"file": [_("Send the file in the field named file.")]},
            )
        return file.read()
    if request.mimetype in ("application/json", "application/x-www-form-urlencoded"):
        raise ValidationFailed(
            _("Send a CSV or XLSX file, not a form."), {"file": [_("Send a CSV or XLSX file.")]}
        )
    return request.get_data(cache=False)


def dry_run() -> bool:
    value = request.args.get("dry_run", "0").strip().lower()
    if value not in ("1", "true", "yes", "0", "false", "no", ""):
        raise ValidationFailed(_("dry_run is 1 or 0."), {"dry_run": [_("Must be 1 or 0.")]})
    return value in ("1", "true", "yes")


def answer(result, dry: bool):
    rows = [{"line": r.line, "status": r.status, "errors": r.errors} for r in result.rows]
    payload = {"created": result.count("created"), "updated": result.count("updated"), "rows": rows}
    if dry:
        return jsonify(payload), 200
    if not result.ok:
        bad = len(result.line_errors())
        return jsonify(
            {
                "error": {
                    "code": "validation_error",
                    "message": ngettext(
                        "%(num)d row in error; nothing was imported.",
                        "%(num)d rows in error; nothing was imported.",
                        bad,
                    ),
                    "fields": result.line_errors(),
                },
                "rows": rows,
            }
        ), 400
    if result.invites:
        payload["invites"] = [
            {"member_id": m.id, "name": m.name, "email": m.email, "invite_url": url}
            for m, url in result.invites
        ]
    return jsonify(payload), 201


@bp.post("/imports/properties")
@requires("admin")
@doc(
    "Import properties and their owners from a CSV or XLSX file",
    status=201,
    role="admin",
    query=["dry_run"],
    body=FILE_BODY,
    also={200: ANSWERS[200]},
)
def import_properties():
    dry, content = dry_run(), upload()
    result = imports.import_properties(content, dry_run=dry)
    if not result.written:
        db.session.rollback()
        return answer(result, dry)
    db.session.commit()
    return answer(result, dry)


@bp.post("/periods/<int:period_id>/imports/contributions")
@requires("admin")
@doc(
    "Import a period's contributions from a CSV or XLSX file",
    status=201,
    role="admin",
    query=["dry_run"],
    body=FILE_BODY,
    also=ANSWERS,
)
def import_contributions(period_id):
    period = get_or_404(Period, period_id)
    dry, content = dry_run(), upload()
    result = imports.import_contributions(period, content, dry_run=dry)
    if not result.written:
        db.session.rollback()
        return answer(result, dry)
    db.session.commit()
    return answer(result, dry)
