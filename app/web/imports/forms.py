"""The import pages' two forms: the upload, and the confirmation that carries the file."""

from flask_babel import lazy_gettext
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField
from wtforms.validators import Length

from app.forms.base import BaseForm


class UploadForm(BaseForm):
    file = FileField(
        lazy_gettext("Spreadsheet (CSV or XLSX)"), [FileRequired(lazy_gettext("Choose a file."))]
    )


class ConfirmForm(BaseForm):
    # The signed, compressed file (app/web/imports/stash.py): far longer than a one-line
    # text, bounded by the form memory limit (MAX_FORM_MEMORY_SIZE, 500 kB) anyway.
    stash = HiddenField(validators=[Length(max=500_000)])
