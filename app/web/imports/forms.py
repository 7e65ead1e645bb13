"""The import pages' two forms: the upload, and the confirmation that carries the file."""
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from app.forms.base import BaseForm


class UploadForm(BaseForm):
    file = FileField("Spreadsheet (CSV or XLSX)", [FileRequired("Choose a file.")])


class ConfirmForm(BaseForm):
    stash = HiddenField()
