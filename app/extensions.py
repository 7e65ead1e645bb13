"""Flask extensions, created unbound and attached in create_app."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can alter them on every database.
naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """SQLAlchemy 2.0's typed declarative base, under Flask-SQLAlchemy's db.Model."""

    metadata = MetaData(naming_convention=naming_convention)


db = SQLAlchemy(model_class=Base)

# Models subclass Model. At run time it is db.Model (Base plus Flask-SQLAlchemy's table naming
# and bind key); a type checker cannot follow that class built at run time, so it sees Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def check_limits_in_views_only(app) -> None:
    """Drop Flask-Limiter's before-request check while nothing but decorated views has limits.

    The hook resolves the limits of every request's view (~7% of an API write's Python,
    issue 13), yet here only some views carry ``@limiter.limit``, and such a view checks its
    own limits when it is called. Default, application-wide or blueprint limits are checked
    only by the hook, so it stays as soon as any of them exists.
    """
    manager = limiter.limit_manager
    if manager.default_limits or manager.application_limits or manager._blueprint_limits:
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]
