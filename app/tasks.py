"""Celery tasks: ids in, a service call inside, nothing else.

A task that runs a kind of job registers with app.services.jobs (``@jobs.runs(kind)``):
services queue it by the job's kind (``jobs.dispatch``) and never import this module.
"""

from celery import shared_task
from flask import current_app
from sqlalchemy.exc import OperationalError

from app.services import bank_imports, closing, jobs, reminders
from app.tenancy import community_scope


@shared_task(name="levy.ping")
def ping(value: str = "pong") -> str:
    """Proves the wiring: runs inside the app context, eager or on a worker."""
    return f"{value} from {current_app.name}"


@jobs.runs(closing.JOB_KIND)
@shared_task(name="levy.close_period", bind=True, acks_late=True, max_retries=3, default_retry_delay=5)
def close_period(self, job_id: int, community_id: int) -> None:
    """Close a period: the work is app.services.closing.run_close_job."""
    with community_scope(community_id):
        try:
            closing.run_close_job(job_id, heartbeat=not self.request.is_eager)
        except OperationalError as error:
            # The database went away: the transaction left nothing behind; try again.
            if self.request.retries < self.max_retries and not self.request.is_eager:
                raise self.retry(exc=error) from error
            jobs.fail(job_id, error)
            if not self.request.is_eager:
                raise
        except Exception as error:
            jobs.fail(job_id, error)
            # In-process (no Redis) the job row carries the failure and the close request
            # that queued it still answers 202, not a 500; on a worker Celery logs it too.
            if not self.request.is_eager:
                raise


@jobs.runs(reminders.JOB_KIND)
@shared_task(name="levy.send_reminders", bind=True, acks_late=True)
def send_reminders(self, job_id: int, community_id: int, member_ids: list[int]) -> None:
    """One batch of payment reminders: the work is app.services.reminders.run_batch.
    Running it again is harmless: a member is reminded at most once a day."""
    with community_scope(community_id):
        try:
            reminders.run_batch(job_id, member_ids)
        except Exception as error:
            jobs.fail(job_id, error)
            if self.request.is_eager:
                return  # the job row carries the failure; the page shows it
            raise


@jobs.runs(bank_imports.JOB_KIND)
@shared_task(name="levy.parse_bank_import", bind=True, acks_late=True)
def parse_bank_import(self, job_id: int, community_id: int) -> None:
    """Read a bank statement waiting in its import: app.services.bank_imports.run_parse_job."""
    with community_scope(community_id):
        try:
            bank_imports.run_parse_job(job_id)
        except Exception as error:
            jobs.fail(job_id, error)
            if not self.request.is_eager:
                raise
