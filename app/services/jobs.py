"""Job leases (SPEC §3): a close whose worker died is finished by another within two minutes.

A running job holds a lease: ``runner`` (a random token of this execution) and
``heartbeat_at``, refreshed every JOB_HEARTBEAT_SECONDS by a thread beside the work. Only
an execution that *claims* the job runs it — a compare-and-set that succeeds while the job
is queued, has no runner, or its heartbeat is older than JOB_LEASE_SECONDS — so a
redelivered message (the broker's visibility timeout) and a re-dispatch by the sweeper never
run one job twice at the same time; the close itself is idempotent for the rest.

Every worker process sweeps every JOB_SWEEP_SECONDS (a thread started when the worker is
ready; no beat needed): a running job whose heartbeat is older than the lease loses its
runner and is dispatched again, once — the same compare-and-set refreshes the heartbeat, so
the other workers' sweeps leave it alone for another lease.
"""
import logging
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import and_, func, or_, select, update

from app.extensions import db
from app.models import Job
from app.models.base import utcnow

log = logging.getLogger("levy.jobs")
JOBS = Job.__table__  # Core statements: the lease crosses communities and threads


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def _last_sign_of_life():
    return func.coalesce(JOBS.c.heartbeat_at, JOBS.c.started_at, JOBS.c.created_at)


def claim(job_id: int) -> str | None:
    """Take the job's lease; None when it is done or another execution holds a live lease."""
    token, now = uuid.uuid4().hex, utcnow()
    moved = db.session.execute(update(JOBS).where(
        JOBS.c.id == job_id,
        or_(JOBS.c.status == "queued",
            and_(JOBS.c.status == "running",
                 or_(JOBS.c.runner.is_(None), _last_sign_of_life() < now - _lease()))))
        .values(status="running", runner=token, heartbeat_at=now,
                started_at=func.coalesce(JOBS.c.started_at, now)))
    db.session.commit()
    return token if moved.rowcount == 1 else None


def release(job_id: int, token: str) -> None:
    """Give the lease back (the job ended, failed or will be retried by Celery)."""
    try:
        db.session.rollback()
        db.session.execute(update(JOBS).where(JOBS.c.id == job_id, JOBS.c.runner == token)
                           .values(runner=None))
        db.session.commit()
    except Exception:  # the database is away: the lease simply runs out
        log.warning("could not release the lease of job %s", job_id, exc_info=True)
        db.session.rollback()


@contextmanager
def heartbeat(job_id: int, token: str, enabled: bool = True):
    """Refresh the lease from a thread while the block runs (its own connection: the work's
    transaction may be long)."""
    if not enabled:
        yield
        return
    engine, interval = db.engine, current_app.config["JOB_HEARTBEAT_SECONDS"]
    stop = threading.Event()

    def beat():
        while not stop.wait(interval):
            try:
                with engine.begin() as connection:
                    moved = connection.execute(update(JOBS).where(
                        JOBS.c.id == job_id, JOBS.c.runner == token)
                        .values(heartbeat_at=utcnow()))
                if moved.rowcount != 1:
                    log.warning("job %s: lease taken over; heartbeat stops", job_id)
                    return
            except Exception:
                log.warning("job %s: heartbeat failed", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"levy-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def sweep() -> list[int]:
    """Dispatch again every close whose lease ran out; answers the ids dispatched."""
    from app.tasks import close_period
    now = utcnow()
    stalled = db.session.execute(select(JOBS.c.id, JOBS.c.community_id).where(
        JOBS.c.status == "running", JOBS.c.kind == "close_period",
        _last_sign_of_life() < now - _lease())).all()
    dispatched = []
    for job_id, community_id in stalled:
        won = db.session.execute(update(JOBS).where(
            JOBS.c.id == job_id, JOBS.c.status == "running",
            _last_sign_of_life() < now - _lease())
            .values(runner=None, heartbeat_at=now))
        db.session.commit()
        if won.rowcount == 1:  # another worker's sweep did not get there first
            log.warning("job %s: no heartbeat for %s; dispatching it again", job_id, _lease())
            close_period.delay(job_id, community_id)
            dispatched.append(job_id)
    return dispatched


def start_sweeper(app: Flask) -> threading.Thread:
    """Sweep every JOB_SWEEP_SECONDS in a daemon thread of this (worker) process."""
    interval = app.config["JOB_SWEEP_SECONDS"]

    def loop():
        while True:
            try:
                with app.app_context():
                    sweep()
                    db.session.remove()
            except Exception:
                log.warning("job sweep failed", exc_info=True)
            stopping.wait(interval)
            if stopping.is_set():
                return

    stopping = threading.Event()
    thread = threading.Thread(target=loop, name="levy-job-sweeper", daemon=True)
    thread.stopping = stopping
    thread.start()
    return thread
