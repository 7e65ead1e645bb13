"""SPEC §3: a close whose worker died is finished by another worker within two minutes.

The lease and the sweep without a worker (the real SIGKILL is in test_worker_close.py): a
close job whose heartbeat stopped is dispatched again exactly once; a duplicate delivery
while a live worker holds the lease does nothing; the heartbeat keeps a lease alive.
"""

import time
from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import BalanceSnapshot, Job
from app.models.base import utcnow
from app.services import jobs
from tests.integration.test_closing import assert_q1_final, no_worker, world  # noqa: F401


def _set_job(app, job_id, **values):
    with app.app_context():
        db.session.execute(update(Job.__table__).where(Job.__table__.c.id == job_id).values(**values))
        db.session.commit()


def _snapshots(scoped, w):
    with scoped(w.community.id):
        return db.session.execute(
            select(func.count()).select_from(BalanceSnapshot).where(BalanceSnapshot.period_id == w.q1)
        ).scalar_one()


def _run_task(job_id, community_id):
    """The task as a worker would run it (in-process)."""
    from app.tasks import close_period

    close_period.apply(args=(job_id, community_id))


def test_a_close_without_heartbeat_is_dispatched_again_once_and_finished(app, world, no_worker, scoped):
    w = world
    job_id = w.close(w.q1)["job_id"]
    assert len(no_worker) == 1
    # The worker that took it died mid-close: running, its last heartbeat a lease ago.
    lease = app.config["JOB_LEASE_SECONDS"]
    _set_job(
        app,
        job_id,
        status="running",
        runner="dead-worker",
        heartbeat_at=utcnow() - timedelta(seconds=lease + 1),
    )
    with app.app_context():
        assert jobs.sweep() == [job_id]
        assert jobs.sweep() == []  # another worker's sweep a moment later leaves it alone
    assert no_worker[1:] == [(job_id, w.community.id)]
    assert w.get_period(w.q1)["status"] == "closing"

    _run_task(job_id, w.community.id)
    job = w.job(job_id)
    assert (job["status"], job["progress"], job["error"]) == ("succeeded", 100, None)
    assert w.get_period(w.q1)["status"] == "closed"
    assert_q1_final(w, w.sheet(w.q1))
    # The broker redelivers the original message (visibility timeout) later: nothing happens.
    _run_task(job_id, w.community.id)
    assert _snapshots(scoped, w) == 4
    with app.app_context():
        assert jobs.sweep() == []


def test_a_duplicate_delivery_while_a_live_worker_holds_the_lease_does_nothing(app, world, no_worker, scoped):
    w = world
    job_id = w.close(w.q1)["job_id"]
    _set_job(app, job_id, status="running", runner="alive", heartbeat_at=utcnow())
    _run_task(job_id, w.community.id)
    assert w.job(job_id)["status"] == "running"
    assert w.get_period(w.q1)["status"] == "closing"
    assert _snapshots(scoped, w) == 0
    with app.app_context():
        assert jobs.sweep() == []  # its heartbeat is fresh

    # Its heartbeat stops; after the lease the next delivery may take it over.
    _set_job(app, job_id, heartbeat_at=utcnow() - timedelta(seconds=app.config["JOB_LEASE_SECONDS"] + 1))
    _run_task(job_id, w.community.id)
    assert w.job(job_id)["status"] == "succeeded"
    assert_q1_final(w, w.sheet(w.q1))


def test_a_finished_close_gives_its_lease_back(app, world):
    w = world
    job_id = w.close(w.q1)["job_id"]  # eager: runs here and now
    with app.app_context():
        job = db.session.execute(select(Job.__table__).where(Job.__table__.c.id == job_id)).one()
        assert (job.status, job.runner) == ("succeeded", None)
        assert job.heartbeat_at is not None
        assert jobs.claim(job_id) is None  # done: never claimed again


def test_the_heartbeat_keeps_the_lease_alive(app, world, no_worker, monkeypatch):
    w = world
    job_id = w.close(w.q1)["job_id"]
    monkeypatch.setitem(app.config, "JOB_HEARTBEAT_SECONDS", 0.05)
    with app.app_context():
        token = jobs.claim(job_id)
        assert token
        assert jobs.claim(job_id) is None  # held
        _set_job(app, job_id, heartbeat_at=utcnow() - timedelta(hours=1))
        with jobs.heartbeat(job_id, token):
            time.sleep(0.5)
        db.session.rollback()
        beat = db.session.execute(
            select(Job.__table__.c.heartbeat_at).where(Job.__table__.c.id == job_id)
        ).scalar_one()
        assert utcnow() - beat < timedelta(seconds=5)
        assert jobs.sweep() == []
        jobs.release(job_id, token)
        assert jobs.claim(job_id)  # released: the next delivery (a Celery retry) may run it
