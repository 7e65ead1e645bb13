"""Putting service-level field errors onto a page's form."""

from flask import flash

from app.errors import ValidationFailed
from app.extensions import db


def apply_errors(form, error: ValidationFailed) -> None:
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + list(messages)
        else:
            flash(" ".join(messages), "error")
    if not error.fields:
        flash(error.message, "error")


def submit(form, action) -> bool:
    """Validate a posted form and run ``action()`` (a service call) in one transaction.

    True when it was saved; False when the form or the service found errors, which are
    then on the form's fields. A Conflict (closed period, ...) propagates to the caller.
    """
    if not form.validate_on_submit():
        return False
    try:
        action()
        db.session.commit()
    except ValidationFailed as error:
        db.session.rollback()
        apply_errors(form, error)
        return False
    return True
