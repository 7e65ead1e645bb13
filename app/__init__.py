"""Levy: common money for communities of property owners."""

import logging
import os

from flask import Flask

from app import config as settings
from app.extensions import csrf, db, limiter, login_manager, mail, migrate


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings.from_environment(app.instance_path))
    if config:
        app.config.update(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    from app import models  # noqa: F401  (registers the tables)

    db.init_app(app)
    from app.db_pool import ping_after_idle

    with app.app_context():
        for engine in db.engines.values():
            ping_after_idle(engine, app.config["DB_PING_AFTER_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), "..", "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)

    from app import idempotency, security, tenancy

    security.init_app(app)
    tenancy.init_app(app)
    idempotency.init_app(app)  # after security: a key is claimed once the user is known
    from app import i18n

    i18n.init_app(app)  # after security: a ?lang= choice is saved on the user
    from app import words

    words.init_app(app)  # code words in words: Jinja filters and globals

    from app.celery import celery_init_app

    celery_init_app(app)
    from app import tasks  # noqa: F401  (registers the tasks)

    from app.errors import register_error_handlers

    register_error_handlers(app)

    from app.web import register_web
    from app.api import register_api

    register_web(app)
    register_api(app)
    from app.extensions import check_limits_in_views_only

    check_limits_in_views_only(app)  # after the views: their limits are known

    from app.cli import register_cli

    register_cli(app)
    return app
