"""Putting service-level field errors onto a page's form."""
from flask import flash

from app.errors import ValidationFailed


def apply_errors(form, error: ValidationFailed) -> None:
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
        else:
            flash(" ".join(messages), "error")
    if not error.fields:
        flash(error.message, "error")
