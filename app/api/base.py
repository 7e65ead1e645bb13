"""What every API view shares: reading JSON, validating with the pages' forms, answering."""

import json
from decimal import Decimal

from flask import jsonify, request
from flask_babel import gettext as _
from flask.json.provider import DefaultJSONProvider

from app.errors import ValidationFailed


def loads(raw):
    """JSON as the API reads it: decimals as Decimal, never float; NaN and Infinity refused;
    nesting deeper than Python can follow is invalid JSON (a 400), not a RecursionError."""
    try:
        return json.loads(raw, parse_float=Decimal, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("The body is nested too deeply.") from None


def _no_constant(name):
    raise ValueError(f"{name} is not a number JSON allows.")


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with ``loads`` above, so ``request.get_json()`` anywhere (rate-limit
    keys, the idempotency layer) is as safe as ``body()``."""

    def loads(self, s, **kwargs):
        return loads(s)


def body() -> dict:
    """The request's JSON object. Numbers with decimals arrive as Decimal, never float."""
    raw = request.get_data(cache=True)
    if not raw:
        return {}
    try:
        data = loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed(_("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ValidationFailed(_("The body must be a JSON object."))
    return data


def validate(form_class, data: dict, **kwargs):
    """A form filled from JSON and validated; a 400 with every field error otherwise."""
    form = form_class.for_api(data, **kwargs)
    if not form.validate():
        raise ValidationFailed(_("Some fields are not valid."), form.field_errors())
    return form


class Merged(dict):
    """A PATCH body laid over the record; ``given`` are the keys the client sent."""

    given: frozenset = frozenset()


def merged(current: dict, changes: dict) -> dict:
    """For PATCH: the record as it is, with the given fields replaced, validated whole.
    Only the given fields are type-checked and can be unknown fields."""
    result = Merged({**current, **changes})
    result.given = frozenset(changes)
    return result


def created(payload):
    return jsonify(payload), 201


def no_content():
    return "", 204


def doc(
    summary: str,
    form=None,
    status: int = 200,
    role: str | None = None,
    query=None,
    body: dict | None = None,
    also: dict | None = None,
    *,
    public: bool = False,
    conflict: bool = False,
    limited: bool = False,
):
    """Attach what /api/openapi.json says about a view: ``public`` views need no log-in
    (no 401), ``conflict`` ones can answer 409, ``limited`` ones 429; ``body``: a request
    body's content other than a form's JSON (a file); ``also``: more statuses it answers,
    with why."""

    def decorator(view):
        view.openapi = {
            "summary": summary,
            "form": form,
            "status": status,
            "role": role,
            "query": query or [],
            "public": public,
            "conflict": conflict,
            "limited": limited,
            "body": body,
            "also": also or {},
        }
        return view

    return decorator
