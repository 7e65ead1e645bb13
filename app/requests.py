"""What kind of request this is, decided in one place (errors, tenancy, security and the
language choice all ask)."""

from flask import has_request_context, request

API_PREFIX = "/api/"


def is_api_request() -> bool:
    """A request to the JSON API (``/api/...``): it answers JSON errors, reads bearer tokens
    and speaks only in its error messages."""
    return has_request_context() and request.path.startswith(API_PREFIX)
