"""Celery is bound to the Flask app: a task runs inside the app context, eager or on a worker.

The second test starts a real worker (tests/worker.py) and only runs with LEVY_TEST_WORKER=1,
LEVY_TEST_DATABASE_URL and LEVY_TEST_REDIS_URL set, as .ci/run does.
"""

import os

import pytest

from app.tasks import ping

DATABASE_URL = os.environ.get("LEVY_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("LEVY_TEST_REDIS_URL")


def _make_current(flask_app):
    """`ping.delay` sends through Celery's current (thread) or default app."""
    celery_app = flask_app.extensions["celery"]
    celery_app.set_current()
    celery_app.set_default()
    return celery_app


def test_ping_runs_eagerly_inside_the_app_context(app):
    celery_app = _make_current(app)
    if not celery_app.conf.task_always_eager:
        pytest.skip("REDIS_URL is set in the environment: the session app's Celery is not eager")
    assert ping.delay("hi").get(timeout=5) == "hi from app"


@pytest.mark.worker
@pytest.mark.skipif(
    not (os.environ.get("LEVY_TEST_WORKER") == "1" and REDIS_URL and DATABASE_URL),
    reason="needs LEVY_TEST_WORKER=1, LEVY_TEST_REDIS_URL and LEVY_TEST_DATABASE_URL",
)
def test_ping_goes_through_redis_to_a_real_worker_and_back(app):
    from app import create_app
    from tests.worker import start_worker, stop_worker

    # A client app like production's: broker and result backend are Redis. The default
    # config ignores results (nothing polls Celery for them), so this one call asks for it.
    client_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": REDIS_URL,
            "CELERY": {
                "broker_url": REDIS_URL,
                "result_backend": REDIS_URL,
                "task_ignore_result": True,
                "broker_connection_retry_on_startup": True,
            },
        }
    )
    worker = start_worker(DATABASE_URL, REDIS_URL)
    try:
        celery_app = _make_current(client_app)
        assert not celery_app.conf.task_always_eager
        result = ping.apply_async(("hi",), ignore_result=False)
        assert result.get(timeout=30) == "hi from app"
    finally:
        stop_worker(worker)
        # create_app made its Celery the current and default one: give the eager one back.
        _make_current(app)
