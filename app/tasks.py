"""Celery tasks: ids in, a service call inside, nothing else."""
from celery import shared_task


@shared_task(name="levy.ping")
def ping(value: str = "pong") -> str:
    """Proves the wiring: runs inside the app context, eager or on a worker."""
    from flask import current_app
    return f"{value} from {current_app.name}"
