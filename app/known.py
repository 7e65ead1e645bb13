"""What a login read took of a row, as plain values; the ORM row only when a caller needs it.

Every logged-in request reads its user, and under a community URL the community and the
user's membership of it (app.security, one statement). As ORM objects (with the token or
session) that read cost ~1.0 ms of CPU in process, as a Core row ~0.55 ms; on gunicorn a
recorded contribution went from 2.37 to 2.25 ms of CPU (issue 13, bench/README.md).

A ``Known`` answers what the row's model would for the columns the read took, and for the
model's properties and methods computed from them (``Member.is_admin``, Flask-Login's
``is_authenticated``). Anything else — another column, a relationship — loads the ORM row
(``record()``, one primary-key read, then kept), as an ORM object loads a column it did not
read. It cannot be changed: a change goes to ``record()``, the row the session will flush.
"""

from __future__ import annotations

import inspect
from types import MethodType

from app.extensions import db


class Known:
    def __init__(self, model: type, values: dict) -> None:
        self.__dict__.update(values)
        self.__dict__["_model"] = model
        self.__dict__["_record"] = None

    def record(self):
        """The ORM row (read on first use)."""
        if self._record is None:
            self.__dict__["_record"] = db.session.get(self._model, self.id)
        return self._record

    def __getattr__(self, name: str):  # only for what the read did not take
        if name.startswith("__"):
            raise AttributeError(name)
        found = inspect.getattr_static(self._model, name, None)
        if isinstance(found, property):
            return found.fget(self)  # type: ignore[misc]  # computed from known columns
        if inspect.isfunction(found):
            return MethodType(found, self)
        return getattr(self.record(), name)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(
            f"{self._model.__name__}.{name}: a login's row is read-only here; change its record()"
        )

    def __repr__(self) -> str:
        return f"<Known {self._model.__name__} {self.id}>"


def record(row):
    """The ORM row behind ``row``: a Known's record, or ``row`` itself."""
    return row.record() if isinstance(row, Known) else row
