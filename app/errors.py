"""Domain errors raised by services, and how they reach API clients and pages.

Services raise these; the API turns them into SPEC §5's error shape, pages into flashes or
form errors. Nothing else decides status codes.
"""
from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException


class LevyError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message or self.__class__.__doc__ or self.code
        self.fields = fields or {}


class ValidationFailed(LevyError):
    """Some fields are not valid."""
    status, code = 400, "validation_error"


class Conflict(LevyError):
    """The request conflicts with the current state."""
    status, code = 409, "conflict"


class AccountExists(Conflict):
    """This email already has an account: log in instead (SPEC §4)."""
    code = "account_exists"


class NotFound(LevyError):
    """Not found."""
    status, code = 404, "not_found"


class Forbidden(LevyError):
    """You do not have permission to do that."""
    status, code = 403, "forbidden"


def error_body(status: int, code: str, message: str, fields: dict | None = None):
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return jsonify({"error": error}), status


def wants_json() -> bool:
    return request.path.startswith("/api/")


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 422: "validation_error", 429: "rate_limited"}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(LevyError)
    def levy_error(error: LevyError):
        if wants_json():
            return error_body(error.status, error.code, error.message, error.fields)
        template = f"errors/{error.status}.html" if error.status in (403, 404) else "errors/generic.html"
        return render_template(template, status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        # A 429 says when to come back (Retry-After), on pages and in the API alike.
        headers = {k: v for k, v in error.get_headers() if k == "Retry-After"}
        if wants_json():
            message = error.description if status != 429 else "Too many attempts. Try again later."
            body, status = error_body(status, _HTTP_CODES.get(status, "error"), message)
            return body, status, headers
        template = f"errors/{status}.html" if status in (403, 404, 429) else "errors/generic.html"
        return render_template(template, status=status, message=error.description), status, headers

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error")
        if wants_json():
            return error_body(500, "internal_error", "Something went wrong on our side.")
        return render_template("errors/generic.html", status=500,
                               message="Something went wrong on our side."), 500
