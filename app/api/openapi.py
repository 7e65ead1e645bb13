"""/api/openapi.json, built from the routes themselves so no endpoint goes undocumented,
and /api/docs, a vendored Swagger UI."""
import re

from flask import Blueprint, current_app, jsonify, render_template
from wtforms import BooleanField, DateField, SelectField

from app.forms.base import AmountField, DecimalPlacesField, IdField
from app.forms.ledger import SignedAmountField

bp = Blueprint("api_docs", __name__, url_prefix="/api")

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {
            "type": "array", "items": {"type": "string"}}}}}},
}


# SPEC §5 "Retries are safe": every POST may carry one (app/idempotency.py).
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Send a POST again with the same key and body within 24 hours and get the "
                   "first answer again, with nothing written twice. The same key with another "
                   "request, or while the first is still running, is a 409.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]+$"},
}


def _field_schema(field) -> dict:
    if isinstance(field, SignedAmountField):
        return {"type": "string", "pattern": r"^-?\d+(\.\d{1,2})?$", "example": "-1250.00",
                "description": "Signed money, non-zero, at most ±1000000000.00 with at most "
                               "two decimals; negative is a debt"}
    if isinstance(field, AmountField):
        return {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$", "example": "1250.00",
                "description": "Money, > 0 and ≤ 1000000000.00, at most two decimals"}
    if isinstance(field, DecimalPlacesField):
        return {"type": "string", "pattern": r"^\d+(\.\d+)?$",
                "description": f"Decimal with at most {field.places} decimals"}
    if isinstance(field, IdField):
        return {"type": "integer"}
    if isinstance(field, BooleanField):
        return {"type": "boolean"}
    if isinstance(field, DateField):
        return {"type": "string", "format": "date"}
    if isinstance(field, SelectField):
        return {"type": "string", "enum": [value for value, _ in field.choices]}
    return {"type": "string"}


def _form_schema(form_class) -> dict:
    with current_app.test_request_context():
        form = form_class(meta={"csrf": False})
        properties, required = {}, []
        for field in form:
            properties[field.name] = _field_schema(field)
            if any(getattr(v, "field_flags", {}).get("required") for v in field.validators):
                required.append(field.name)
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def build_document() -> dict:
    paths: dict = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api_docs."):
            continue
        view = current_app.view_functions[rule.endpoint]
        info = getattr(view, "openapi", {"summary": rule.endpoint, "status": 200})
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        params = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer" if name.endswith("_id") else "string"}}
                  for name in re.findall(r"{([a-z_]+)}", path)]
        params += [{"name": q, "in": "query", "required": False, "schema": {"type": "string"}}
                   for q in info.get("query", [])]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            status = str(info.get("status", 200))
            operation = {
                "summary": info["summary"], "operationId": f"{rule.endpoint}.{method.lower()}",
                "parameters": params,
                "responses": {status: {"description": "Success"},
                              "400": {"description": "Invalid input", "content": {
                                  "application/json": {"schema": ERROR_SCHEMA}}},
                              "401": {"description": "Not logged in"},
                              "404": {"description": "Not found (also: another community's id)"}},
            }
            if method in ("POST", "PATCH", "DELETE") and path.startswith("/api/c/"):
                operation["responses"]["409"] = {
                    "description": "State conflict (e.g. the period is closing or closed)",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}}}
            if info.get("role") == "admin":
                operation["responses"]["403"] = {"description": "Admins only"}
            elif info.get("role") == "self":
                operation["responses"]["403"] = {
                    "description": "Admins, or the member themselves; another owner is refused"}
            if method == "POST":
                operation["parameters"] = params + [IDEMPOTENCY_KEY]
                operation["responses"].setdefault("409", {
                    "description": "Conflict (also: an Idempotency-Key reused or in use)",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}}})
            if info.get("form") and method in ("POST", "PATCH", "PUT"):
                operation["requestBody"] = {"required": method == "POST", "content": {
                    "application/json": {"schema": _form_schema(info["form"])}}}
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {"title": "Levy API", "version": "1",
                 "description": "Common money for communities of property owners. Amounts are "
                                "decimal strings with two decimals; ids are integers."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Error": ERROR_SCHEMA}},
        "security": [{"bearer": []}],
        "paths": dict(sorted(paths.items())),
    }


@bp.get("/openapi.json")
def openapi_json():
    return jsonify(build_document())


@bp.get("/docs")
def api_docs():
    return render_template("api/docs.html")
