"""Domain errors raised by services, and how they reach API clients and pages.

Services raise these; the API turns them into SPEC §5's error shape, pages into flashes or
form errors. Nothing else decides status codes.
"""
import re
from contextlib import contextmanager

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DataError, IntegrityError
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
    """SPEC §5's error shape. Every 400 has a ``fields`` object, empty when no single field
    is to blame; other statuses carry it only when it names something."""
    error = {"code": code, "message": message}
    if fields or status == 400:
        error["fields"] = fields or {}
    return jsonify({"error": error}), status


# Unique columns that are also input fields: a violation names the field (SPEC §5).
UNIQUE_FIELDS = {"slug": "That web address is taken.", "email": "This email is already in use."}


def unique_violation(error) -> Conflict:
    """An IntegrityError (two requests saving the same slug or email at once, a row that
    went away meanwhile) as a 409 naming the field when it is one a user typed."""
    text = str(getattr(error, "orig", error))
    columns = []
    match = re.search(r"Key \(([^)]*)\)", text)  # PostgreSQL: Key (community_id, email)=…
    if match:
        columns = [c.strip() for c in match.group(1).split(",")]
    match = re.search(r"UNIQUE constraint failed: (.*)", text)  # SQLite: members.email, …
    if match:
        columns = [c.strip().rsplit(".", 1)[-1] for c in match.group(1).split(",")]
    for column in reversed(columns):
        if column in UNIQUE_FIELDS:
            return Conflict(UNIQUE_FIELDS[column], {column: [UNIQUE_FIELDS[column]]})
    return Conflict("Someone saved a conflicting change at the same moment; try again.")


@contextmanager
def unique_fields(**messages: str):
    """Around a service call and its commit: a unique violation on one of the named columns
    becomes a 409 with that message on that field; any other IntegrityError a plain 409.
    ``with unique_fields(slug="That web address is taken."): …``"""
    from sqlalchemy.exc import IntegrityError

    from app.extensions import db
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        conflict = unique_violation(error)
        for name in conflict.fields:
            if name in messages:
                conflict = Conflict(messages[name], {name: [messages[name]]})
        raise conflict from None


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

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # A race the views did not foresee is a conflict, never a 500 (SPEC §5).
        from app.extensions import db
        db.session.rollback()
        app.logger.warning("integrity error answered as 409: %s", error.orig)
        return levy_error(unique_violation(error))

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # The forms refuse what a column cannot hold; this is the net under them.
        from app.extensions import db
        db.session.rollback()
        app.logger.warning("data error answered as 400: %s", error.orig)
        return levy_error(ValidationFailed("Some value cannot be stored."))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error")
        if wants_json():
            return error_body(500, "internal_error", "Something went wrong on our side.")
        return render_template("errors/generic.html", status=500,
                               message="Something went wrong on our side."), 500
