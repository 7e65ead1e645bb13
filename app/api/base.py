"""What every API view shares: reading JSON, validating with the pages' forms, answering."""
import json
from decimal import Decimal

from flask import jsonify, request

from app.errors import ValidationFailed


def body() -> dict:
    """The request's JSON object. Numbers with decimals arrive as Decimal, never float."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("The body is not valid JSON.")
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return data


def validate(form_class, data: dict, **kwargs):
    """A form filled from JSON and validated; a 400 with every field error otherwise."""
    form = form_class.for_api(data, **kwargs)
    if not form.validate():
        raise ValidationFailed("Some fields are not valid.", form.field_errors())
    return form


def merged(current: dict, changes: dict) -> dict:
    """For PATCH: the record as it is, with the given fields replaced, validated whole."""
    return {**current, **changes}


def created(payload):
    return jsonify(payload), 201


def no_content():
    return "", 204


def doc(summary: str, form=None, status: int = 200, role: str | None = None, query=None,
        body: dict | None = None, also: dict | None = None):
    """Attach what /api/openapi.json says about a view. ``body``: a request body's content
    other than a form's JSON (a file); ``also``: more statuses it answers, with why."""
    def decorator(view):
        view.openapi = {"summary": summary, "form": form, "status": status, "role": role,
                        "query": query or [], "body": body, "also": also or {}}
        return view
    return decorator
