"""Celery bound to the Flask app: every task runs inside an application context."""

from celery import Celery, Task, signals
from flask import Flask

from app.extensions import db
from app.services.jobs import start_sweeper


def celery_init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app: Celery = Celery(app.name, task_cls=FlaskTask)
    celery_app.config_from_object(app.config["CELERY"])
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    _connect_worker_signals(app)
    return celery_app


def _connect_worker_signals(app: Flask) -> None:
    """Only a worker process sends these: the web app and the tests never do."""

    def sweep_stalled_jobs(**_):
        # Beside the consumer, in the worker's main process: a dead worker's close is
        # dispatched again within a lease and a sweep, however long the broker's
        # visibility timeout (app/services/jobs.py).
        start_sweeper(app)

    def fresh_connections(**_):
        # A pool child must not share the parent's database connections (the sweeper's).
        with app.app_context():
            db.engine.dispose(close=False)

    signals.worker_ready.connect(sweep_stalled_jobs, weak=False)
    signals.worker_process_init.connect(fresh_connections, weak=False)
