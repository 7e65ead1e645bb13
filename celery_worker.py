"""Celery worker entry point: `celery -A celery_worker worker --loglevel=info`."""
from app import create_app

app = create_app()
celery_app = app.extensions["celery"]
import app.tasks  # noqa: E402  (registers the tasks)
