"""/api/openapi.json, built from the routes themselves so no endpoint goes undocumented,
and /api/docs, a vendored Swagger UI."""

import re
from typing import Any, cast

from flask import Blueprint, current_app, jsonify, render_template
from wtforms import BooleanField, DateField, SelectField

from app.extensions import limiter
from app.forms.base import AmountField, DecimalPlacesField, IdField, is_multi_line, max_length
from app.forms.ledger import SignedAmountField

bp = Blueprint("api_docs", __name__, url_prefix="/api")

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}
VALIDATION_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "properties": ERROR_SCHEMA["properties"]["error"]["properties"],
        }
    },
}

_ERRORS = {
    400: (
        "Invalid input: `fields` names each field at fault (empty when no single field is "
        "to blame, e.g. a body that is not a JSON object)",
        VALIDATION_ERROR_SCHEMA,
    ),
    401: ("Not logged in", ERROR_SCHEMA),
    403: ("Not allowed for your role", ERROR_SCHEMA),
    404: ("Not found (also: another community's id, or a community you are not in)", ERROR_SCHEMA),
    409: (
        "Conflicts with the current state (a closed period, a record saved at the same "
        "moment, a reused Idempotency-Key)",
        ERROR_SCHEMA,
    ),
    429: ("Too many attempts; try again later", ERROR_SCHEMA),
}

_ID = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "pattern": r"^[0-9]{1,18}$"}]}


# SPEC §5 "Retries are safe": every POST may carry one (app/idempotency.py).
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Send a POST again with the same key and body within 24 hours and get the "
    "first answer again, with nothing written twice. The same key with another "
    "request, or while the first is still running, is a 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}


def _field_schema(field) -> dict:
    if isinstance(field, SignedAmountField):
        return {
            "oneOf": [
                {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]{1,2})?$", "example": "-1250.00"},
                {"type": "number", "multipleOf": 0.01},
            ],
            "description": "Signed money, non-zero, at most ±1000000000.00 with at most "
            "two decimals; negative is a debt",
        }
    if isinstance(field, AmountField):
        return {
            "oneOf": [
                {"type": "string", "pattern": r"^[0-9]+(\.[0-9]{1,2})?$", "example": "1250.00"},
                {"type": "number", "multipleOf": 0.01},
            ],
            "description": "Money, > 0 and ≤ 1000000000.00, at most two decimals",
        }
    if isinstance(field, DecimalPlacesField):
        return {
            "oneOf": [{"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"}, {"type": "number"}],
            "description": f"Decimal with at most {field.places} decimals",
        }
    if isinstance(field, IdField):
        return dict(_ID)
    if isinstance(field, BooleanField):
        return {"type": "boolean"}
    if isinstance(field, DateField):
        return {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
    if isinstance(field, SelectField):
        choices = cast("list[tuple[str, str]]", field.choices)  # ours are (value, label) pairs
        return {"type": "string", "enum": [value for value, _ in choices]}
    schema = {"type": "string", "maxLength": max_length(field)}
    if is_multi_line(field):
        schema["description"] = "Multi-line text: no control characters but \\n, \\r, \\t"
    else:
        schema["description"] = "One line: no control characters, no line breaks"
    return schema


def _form_schema(form_class, required_allowed=True) -> dict:
    with current_app.test_request_context():
        form = form_class(meta={"csrf": False})
        properties, required = {}, []
        for field in form:
            if field.name == "csrf_token":
                continue
            schema = _field_schema(field)
            is_required = any(getattr(v, "field_flags", {}).get("required") for v in field.validators)
            if not is_required:
                schema = {**schema, "nullable": True}
            properties[field.name] = schema
            if is_required:
                required.append(field.name)
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    if required and required_allowed:
        schema["required"] = required
    return schema


def _rate_limited(view) -> bool:
    """Whether a flask-limiter limit decorates the view (or limits apply everywhere)."""
    try:
        manager = limiter.limit_manager
        if manager.application_limits or manager.default_limits:
            return True
        name = f"{view.__module__}.{view.__name__}"
        return any(key == name or key.startswith(name + ".") for key in manager._decorated_limits)
    except AttributeError:  # another flask-limiter: say what the view's @doc says
        return False


def _responses(rule, info, method, view, has_params) -> dict:
    status = int(info.get("status", 200))
    community = "/api/c/" in rule.rule
    codes = {400}
    if not info.get("public"):
        codes.add(401)  # every endpoint but sign-up, tokens and invites needs a login
    if community:
        codes |= {403, 404}  # an owner at an admin's door; a community you are not in
    if has_params:
        codes.add(404)
    if method in ("POST", "PATCH", "PUT", "DELETE") or info.get("conflict"):
        codes.add(409)
    if info.get("limited") or _rate_limited(view):
        codes.add(429)
    responses: dict[str, dict[str, Any]] = {str(status): {"description": "Success"}}
    for code in sorted(codes):
        description, schema = _ERRORS[code]
        responses[str(code)] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
    return responses


_PUBLIC = {"api_accounts.signup", "api_accounts.create_token", "api_accounts.accept_invite"}


def build_document() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api_docs."):
            continue
        view = current_app.view_functions[rule.endpoint]
        info = dict(getattr(view, "openapi", {"summary": rule.endpoint, "status": 200}))
        if rule.endpoint in _PUBLIC:
            info["public"] = True
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        int_params = set(re.findall(r"<int:([a-z_]+)>", rule.rule))
        names = re.findall(r"{([a-z_]+)}", path)
        params = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer", "minimum": 0} if name in int_params else {"type": "string"},
            }
            for name in names
        ]
        params += [
            {"name": q, "in": "query", "required": False, "schema": {"type": "string"}}
            for q in info.get("query", [])
        ]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            operation = {
                "summary": info["summary"],
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "parameters": params,
                "responses": _responses(rule, info, method, view, bool(names)),
            }
            if info.get("public"):
                operation["security"] = []
            if info.get("role") == "self" and "403" in operation["responses"]:
                operation["responses"]["403"]["description"] = (
                    "Admins, or the member themselves; another owner is refused"
                )
            if method == "POST":  # 409 is listed for every write already
                operation["parameters"] = [*params, IDEMPOTENCY_KEY]
            for code, why in info.get("also", {}).items():
                answer = operation["responses"].setdefault(str(code), {"description": why})
                if answer["description"] != why:
                    answer["description"] = f"{why}; {answer['description']}"
                if int(code) >= 400 and int(code) in _ERRORS:
                    answer.setdefault("content", {"application/json": {"schema": _ERRORS[int(code)][1]}})
            if info.get("body") and method in ("POST", "PATCH", "PUT"):
                operation["requestBody"] = {"required": True, "content": info["body"]}
            elif info.get("form") and method in ("POST", "PATCH", "PUT"):
                operation["requestBody"] = {
                    "required": method == "POST",
                    "content": {
                        "application/json": {
                            "schema": _form_schema(info["form"], required_allowed=method == "POST")
                        }
                    },
                }
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Levy API",
            "version": "1",
            "description": "Common money for communities of property owners. Amounts are "
            "decimal strings with two decimals; ids are integers. Every "
            'error is {"error": {code, message, fields?}}; every 400 '
            "has `fields`.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA, "ValidationError": VALIDATION_ERROR_SCHEMA},
        },
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_document())


@bp.get("/docs")
def api_docs():
    return render_template("api/docs.html")
