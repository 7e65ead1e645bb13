"""Domain errors raised by services, and how they reach API clients and pages.

Services raise these; the API turns them into SPEC §5's error shape, pages into flashes or
form errors. Nothing else decides status codes.

Messages are people's words, so they follow the request's language (SPEC §7): a message
given as a lazy string (``lazy_gettext``) or as ``_("...")`` in the raising code is turned
into text when the error is made, in the language of the request that raised it.
"""

import re
from contextlib import contextmanager

from flask import Flask, jsonify, render_template
from flask_babel import gettext as _, lazy_gettext
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException, default_exceptions

from app.extensions import db
from app.requests import is_api_request


class LevyError(Exception):
    status = 400
    code = "bad_request"
    default_message = lazy_gettext("That did not work.")

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None):
        text = str(message or self.default_message)
        super().__init__(text)
        self.message = text
        self.fields = {name: [str(m) for m in messages] for name, messages in (fields or {}).items()}


class ValidationFailed(LevyError):
    status, code = 400, "validation_error"
    default_message = lazy_gettext("Some fields are not valid.")


class Conflict(LevyError):
    status, code = 409, "conflict"
    default_message = lazy_gettext("The request conflicts with the current state.")


class AccountExists(Conflict):
    """An email that already has an account (SPEC §4)."""

    code = "account_exists"
    default_message = lazy_gettext("This email already has an account: log in instead.")


class NotFound(LevyError):
    status, code = 404, "not_found"
    default_message = lazy_gettext("Not found.")


class Forbidden(LevyError):
    status, code = 403, "forbidden"
    default_message = lazy_gettext("You do not have permission to do that.")


def error_body(status: int, code: str, message: str, fields: dict | None = None):
    """SPEC §5's error shape. Every 400 has a ``fields`` object, empty when no single field
    is to blame; other statuses carry it only when it names something."""
    error: dict[str, object] = {"code": code, "message": str(message)}
    if fields or status == 400:
        error["fields"] = fields or {}
    return jsonify({"error": error}), status


# Unique columns that are also input fields: a violation names the field (SPEC §5).
UNIQUE_FIELDS = {
    "slug": lazy_gettext("That web address is taken."),
    "email": lazy_gettext("This email is already in use."),
}


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
    return Conflict(_("Someone saved a conflicting change at the same moment; try again."))


@contextmanager
def unique_fields(**messages: str):
    """Around a service call and its commit: a unique violation on one of the named columns
    becomes a 409 with that message on that field; any other IntegrityError a plain 409.
    ``with unique_fields(slug="That web address is taken."): …``"""
    try:
        yield
    except IntegrityError as error:
        db.session.rollback()
        conflict = unique_violation(error)
        for name in conflict.fields:
            if name in messages:
                conflict = Conflict(messages[name], {name: [messages[name]]})
        raise conflict from None


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


# Werkzeug's own descriptions are English; ours, for each status it raises, are translated.
_HTTP_MESSAGES = {
    400: lazy_gettext("The request could not be understood."),
    401: lazy_gettext("Log in first."),
    403: lazy_gettext("You do not have permission to do that."),
    404: lazy_gettext("Not found."),
    405: lazy_gettext("This address does not take that method."),
    413: lazy_gettext("The request is too large."),
    415: lazy_gettext("Send the body as JSON (Content-Type: application/json)."),
    429: lazy_gettext("Too many attempts. Try again later."),
}


def _http_message(status: int, description: str | None) -> str:
    """Werkzeug's stock description becomes ours, translated; a description a view chose
    (``abort(404, _("..."))``) is kept as given."""
    stock = default_exceptions.get(status)
    if status in _HTTP_MESSAGES and (
        status == 429 or stock is None or description in (None, "", stock.description)
    ):
        return str(_HTTP_MESSAGES[status])
    return str(description or "")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(LevyError)
    def levy_error(error: LevyError):
        if is_api_request():
            return error_body(error.status, error.code, error.message, error.fields)
        template = f"errors/{error.status}.html" if error.status in (403, 404) else "errors/generic.html"
        return render_template(template, status=error.status, message=error.message), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        # A 429 says when to come back (Retry-After), on pages and in the API alike.
        headers = {k: v for k, v in error.get_headers() if k == "Retry-After"}
        if is_api_request():
            message = _http_message(status, error.description)
            body, status = error_body(status, _HTTP_CODES.get(status, "error"), message)
            return body, status, headers
        template = f"errors/{status}.html" if status in (403, 404, 429) else "errors/generic.html"
        message = _http_message(status, error.description)
        return render_template(template, status=status, message=message), status, headers

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        # A race the views did not foresee is a conflict, never a 500 (SPEC §5).
        db.session.rollback()
        app.logger.warning("integrity error answered as 409: %s", error.orig)
        return levy_error(unique_violation(error))

    @app.errorhandler(DataError)
    def data_error(error: DataError):
        # The forms refuse what a column cannot hold; this is the net under them.
        db.session.rollback()
        app.logger.warning("data error answered as 400: %s", error.orig)
        return levy_error(ValidationFailed(_("Some value cannot be stored.")))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unhandled error")
        if is_api_request():
            return error_body(500, "internal_error", _("Something went wrong on our side."))
        return render_template(
            "errors/generic.html", status=500, message=_("Something went wrong on our side.")
        ), 500
