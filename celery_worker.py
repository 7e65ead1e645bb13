"""Celery worker entry point: `celery -A celery_worker worker --loglevel=info`.

``create_app`` builds the Flask app and its Celery app and registers the tasks; Celery's
``-A`` finds ``celery_app`` here (the module's one Celery instance).
"""

from app import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
