"""Celery tasks: ids in, a service call inside, nothing else."""
from celery import shared_task


@shared_task(name="levy.ping")
def ping(value: str = "pong") -> str:
    """Proves the wiring: runs inside the app context, eager or on a worker."""
    from flask import current_app
    return f"{value} from {current_app.name}"


@shared_task(name="levy.close_period", bind=True, acks_late=True, max_retries=3,
             default_retry_delay=5)
def close_period(self, job_id: int, community_id: int) -> None:
    """Close a period: the work is app.services.closing.run_close_job."""
    from sqlalchemy.exc import OperationalError

    from app.services import closing
    from app.tenancy import community_scope
    with community_scope(community_id):
        try:
            closing.run_close_job(job_id)
        except OperationalError as error:
            # The database went away: the transaction left nothing behind; try again.
            if self.request.retries < self.max_retries and not self.request.is_eager:
                raise self.retry(exc=error)
            closing.fail(job_id, error)
            raise
        except Exception as error:
            closing.fail(job_id, error)
            raise
