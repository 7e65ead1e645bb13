"""Jobs a user can watch: one life cycle for every kind (close, reminders, bank imports), and
the leases that let another worker finish a close whose worker died (SPEC §3).

The life cycle: ``create`` adds the row (queued) in the caller's transaction and notes the
task's arguments; the caller (a view) commits, then ``dispatch`` queues the Celery task
registered for the job's kind (the worker, or the eager task, reads the row from its own
session). The task's body calls ``start``, ``progress`` and ``succeed``; ``fail`` throws
away what the failed attempt wrote, runs the kind's ``on_failure`` (a close puts its period
back to open) and records why.

Tasks register with this module (``@jobs.runs("close_period")`` in app.tasks), so a service
queues a job by its kind and never imports app.tasks.

Transactions: services leave the commit to the view or the task that called them. The one
exception is here: ``change`` (and so ``start``, ``progress``, ``succeed``, ``fail``) commits
at once, because a worker must show its progress to the page polling the row; a job's body
thereby commits its work step by step, each step with the progress it made.

Job leases (SPEC §3): a close whose worker died is finished by another within two minutes.

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
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from typing import cast

from celery import Task
from flask import Flask, current_app, g, has_request_context
from flask_login import current_user
from sqlalchemy import CursorResult, Table, and_, func, or_, select, update

from app.extensions import db
from app.models import Job
from app.models.base import utcnow

log = logging.getLogger("levy.jobs")
JOBS = cast(Table, Job.__table__)  # Core statements: the lease crosses communities and threads

_TASKS: dict[str, Task] = {}  # kind -> the Celery task that runs it (app.tasks)
_ON_FAILURE: dict[str, Callable[[Job], None]] = {}  # kind -> what its failure puts back
_ARGS = "levy.job_args"  # session.info: job id -> the task's extra arguments


# --- registration --------------------------------------------------------------------------


def runs(kind: str) -> Callable[[Task], Task]:
    """Decorator for a Celery task: it runs the jobs of ``kind``, called as
    ``task(job_id, community_id, *args)``."""

    def register(task: Task) -> Task:
        _TASKS[kind] = task
        return task

    return register


Undo = Callable[[Job], None]


def on_failure(kind: str) -> Callable[[Undo], Undo]:
    """Decorator: what a failed job of ``kind`` puts back, in the failure's transaction."""

    def register(undo: Undo) -> Undo:
        _ON_FAILURE[kind] = undo
        return undo

    return register


# --- the life cycle -----------------------------------------------------------------------


def create(kind: str, *args, period_id: int | None = None) -> Job:
    """A queued job of the current community, by the current user; flushed, not committed.
    ``args`` go to the task after the ids when the job is dispatched."""
    job = Job(
        community_id=g.community_id,
        kind=kind,
        status="queued",
        progress=0,
        period_id=period_id,
        created_by_user_id=_user_id(),
    )
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_ARGS, {})[job.id] = args
    return job


def dispatch(*queued: Job) -> None:
    """Queue the registered task of each job, once its transaction is committed (the task
    reads the rows from its own session). Eager, the tasks have run when this returns."""
    pending = db.session.info.setdefault(_ARGS, {})
    for job_id, kind, community_id in [(j.id, j.kind, j.community_id) for j in queued]:
        _TASKS[kind].delay(job_id, community_id, *pending.pop(job_id, ()))
    db.session.expire_all()


def change(job_id: int, **values) -> None:
    """Change the job's row and commit at once, so the page polling it sees the change (the
    one commit a service makes: see the module's docstring)."""
    db.session.execute(update(Job).where(Job.id == job_id).values(**values))
    db.session.commit()


def start(job_id: int) -> None:
    change(job_id, status="running", started_at=utcnow())


def progress(job_id: int, percent: int) -> None:
    change(job_id, progress=max(0, min(100, int(percent))))


def succeed(job_id: int) -> None:
    change(job_id, status="succeeded", progress=100, finished_at=utcnow(), error=None)


def done_at_once(job: Job) -> None:
    """A job whose work the request did itself: succeeded, in the caller's transaction."""
    now = utcnow()
    job.status, job.progress, job.started_at, job.finished_at = "succeeded", 100, now, now


def error_text(error: Exception) -> str:
    return (getattr(error, "message", None) or str(error) or error.__class__.__name__)[:2000]


def fail(job_id: int, error: Exception | str) -> None:
    """Record the failure: first throw away whatever the failed attempt wrote, then let the
    job's kind put back what it must (``on_failure``), committed with the failure."""
    if isinstance(error, Exception):
        log.error("job %s failed", job_id, exc_info=error)
    db.session.rollback()
    job = db.session.execute(select(Job).where(Job.id == job_id)).scalar_one()
    undo = _ON_FAILURE.get(job.kind)
    if undo is not None:
        undo(job)
    message = error if isinstance(error, str) else error_text(error)
    change(job_id, status="failed", error=message[:2000], finished_at=utcnow())


def _user_id() -> int | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user.id
    return None


# --- leases ------------------------------------------------------------------------------


def _lease() -> timedelta:
    return timedelta(seconds=current_app.config["JOB_LEASE_SECONDS"])


def _last_sign_of_life():
    return func.coalesce(JOBS.c.heartbeat_at, JOBS.c.started_at, JOBS.c.created_at)


def claim(job_id: int) -> str | None:
    """Take the job's lease; None when it is done or another execution holds a live lease."""
    token, now = uuid.uuid4().hex, utcnow()
    moved = db.session.execute(
        update(JOBS)
        .where(
            JOBS.c.id == job_id,
            or_(
                JOBS.c.status == "queued",
                and_(
                    JOBS.c.status == "running",
                    or_(JOBS.c.runner.is_(None), _last_sign_of_life() < now - _lease()),
                ),
            ),
        )
        .values(
            status="running", runner=token, heartbeat_at=now, started_at=func.coalesce(JOBS.c.started_at, now)
        )
    )
    db.session.commit()
    return token if cast(CursorResult, moved).rowcount == 1 else None


def release(job_id: int, token: str) -> None:
    """Give the lease back (the job ended, failed or will be retried by Celery)."""
    try:
        db.session.rollback()
        db.session.execute(
            update(JOBS).where(JOBS.c.id == job_id, JOBS.c.runner == token).values(runner=None)
        )
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
                    moved = connection.execute(
                        update(JOBS)
                        .where(JOBS.c.id == job_id, JOBS.c.runner == token)
                        .values(heartbeat_at=utcnow())
                    )
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
    now = utcnow()
    stalled = db.session.execute(
        select(JOBS.c.id, JOBS.c.community_id).where(
            JOBS.c.status == "running", JOBS.c.kind == "close_period", _last_sign_of_life() < now - _lease()
        )
    ).all()
    dispatched = []
    for job_id, community_id in stalled:
        won = db.session.execute(
            update(JOBS)
            .where(JOBS.c.id == job_id, JOBS.c.status == "running", _last_sign_of_life() < now - _lease())
            .values(runner=None, heartbeat_at=now)
        )
        db.session.commit()
        if cast(CursorResult, won).rowcount == 1:  # another worker's sweep did not get there first
            log.warning("job %s: no heartbeat for %s; dispatching it again", job_id, _lease())
            _TASKS["close_period"].delay(job_id, community_id)
            dispatched.append(job_id)
    return dispatched


class _Sweeper(threading.Thread):
    stopping: threading.Event  # set() ends the thread after its current sweep


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
    thread = _Sweeper(target=loop, name="levy-job-sweeper", daemon=True)
    thread.stopping = stopping
    thread.start()
    return thread
