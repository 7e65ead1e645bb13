"""SPEC §3 closing on a real Celery worker (Redis broker, the same PostgreSQL database).

Runs only with LEVY_TEST_WORKER=1, LEVY_TEST_DATABASE_URL and LEVY_TEST_REDIS_URL (CI's
.ci/run sets them). The requests come from a test app of our own whose Celery is *not*
eager (broker = Redis), so `.delay()` really goes through the broker to the worker process
started by tests/worker.py. The numbers are tests/integration/test_closing.py's Q1, checked
to the cent.

    (a) close → poll the job until it succeeds → the final sheet is exact;
    (b) two close requests at the same moment → exactly one 202 and one 409;
    (c) the worker is SIGKILLed while the close job runs (it pauses LEVY_CLOSE_STEP_DELAY
        seconds inside its transaction): the period stays `closing` with no snapshot; a new
        worker finishes it (the unacknowledged task comes back after
        CELERY_VISIBILITY_TIMEOUT=5 s, or the sweep dispatches it again once the lease ran
        out: whichever comes first claims the job, the other does nothing);
    (d) the same with the broker's default visibility timeout (600 s): the job's lease and
        every worker's sweep finish the close within SPEC §3's two minutes, written once.
"""

import os
import signal
import threading
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import BalanceSnapshot, JournalEntry
from tests.conftest import Community, signup
from tests.integration.test_closing import assert_q1_final, build

DATABASE_URL = os.environ.get("LEVY_TEST_DATABASE_URL")
REDIS_URL = os.environ.get("LEVY_TEST_REDIS_URL")
VISIBILITY_TIMEOUT = 5

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        not (os.environ.get("LEVY_TEST_WORKER") == "1" and DATABASE_URL and REDIS_URL),
        reason="needs LEVY_TEST_WORKER=1, LEVY_TEST_DATABASE_URL and LEVY_TEST_REDIS_URL",
    ),
    pytest.mark.skipif(
        bool(DATABASE_URL) and not DATABASE_URL.startswith("postgres"),
        reason="the worker shares the database: PostgreSQL only",
    ),
]


def _flush_redis():
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def _use_celery(flask_app):
    """`shared_task.delay` sends through Celery's current (thread) or default app."""
    celery_app = flask_app.extensions["celery"]
    celery_app.set_current()
    celery_app.set_default()


@pytest.fixture(scope="module")
def broker_app(app):
    """Like the session app (same database), but Celery sends tasks to Redis."""
    from app import create_app

    _flush_redis()
    queued_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "MAIL_SUPPRESS_SEND": True,
            "SERVER_NAME": "levy.test",
            "REDIS_URL": REDIS_URL,
            "CELERY": {
                "broker_url": REDIS_URL,
                "result_backend": REDIS_URL,
                "task_ignore_result": True,
                "task_acks_late": True,
                "task_reject_on_worker_lost": True,
                "worker_prefetch_multiplier": 1,
                "broker_connection_retry_on_startup": True,
                "broker_transport_options": {"visibility_timeout": VISIBILITY_TIMEOUT},
            },
        }
    )
    assert not queued_app.extensions["celery"].conf.task_always_eager
    yield queued_app
    # create_app made this Celery the current and default one: give the eager one back.
    _use_celery(app)
    with queued_app.app_context():
        db.engine.dispose()
    _flush_redis()


@pytest.fixture
def celery_to_redis(broker_app):
    """`.delay()` goes through Redis while a test of this module runs."""
    _use_celery(broker_app)
    yield


class Workers:
    """Worker processes started by a test; each one is stopped at the end."""

    def __init__(self):
        self.running = []

    def start(self, **env):
        from tests import worker

        saved = {key: os.environ.get(key) for key in env}
        os.environ.update({key: str(value) for key, value in env.items()})
        try:
            proc = worker.start_worker(DATABASE_URL, REDIS_URL)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        self.running.append(proc)
        return proc

    def kill(self, proc):
        """SIGKILL the worker and its pool children: no shutdown, no ack, no rollback."""
        try:
            os.killpg(os.getpgid(proc.pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
        self.running.remove(proc)

    def stop_all(self):
        from tests import worker

        for proc in self.running:
            worker.stop_worker(proc)
        self.running = []


@pytest.fixture(scope="module")
def module_workers():
    workers = Workers()
    yield workers
    workers.stop_all()


@pytest.fixture
def worker(module_workers, celery_to_redis):
    """One plain worker for the module (started on first use)."""
    if not module_workers.running:
        module_workers.start(CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    return module_workers


def new_community(broker_app, slug="maple"):
    client = broker_app.test_client()
    return Community(client, signup(client, slug=slug))


def poll_job(w, job_id, until=("succeeded", "failed"), timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        job = w.job(job_id)
        if job["status"] in until:
            return job
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']} after {timeout}s"
        time.sleep(0.2)


def snapshot_and_derived(scoped, community_id, period_id):
    with scoped(community_id):
        snapshots = db.session.execute(
            select(func.count()).select_from(BalanceSnapshot).where(BalanceSnapshot.period_id == period_id)
        ).scalar_one()
        derived = db.session.execute(
            select(func.count())
            .select_from(JournalEntry)
            .where(JournalEntry.period_id == period_id, JournalEntry.source_type.in_(("allocation", "usage")))
        ).scalar_one()
    return snapshots, derived


def test_close_runs_on_the_worker(broker_app, worker):
    w = build(new_community(broker_app))
    answer = w.close(w.q1)
    assert answer["period"]["status"] == "closing"  # queued, not run in the request
    job = poll_job(w, answer["job_id"])
    assert (job["status"], job["progress"], job["error"]) == ("succeeded", 100, None)
    assert w.get_period(w.q1)["status"] == "closed"
    assert_q1_final(w, w.sheet(w.q1))


def test_two_simultaneous_close_requests_one_wins(broker_app, worker):
    w = build(new_community(broker_app))
    token = w.community.admin_token
    url = w.url(f"/periods/{w.q1}/close")
    barrier = threading.Barrier(2)
    answers = []

    def request():
        client = broker_app.test_client()  # one client per thread
        barrier.wait()
        response = client.post(url, headers={"Authorization": f"Bearer {token}"})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=request) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(status for status, _ in answers) == [202, 409], answers
    accepted = next(body for status, body in answers if status == 202)
    refused = next(body for status, body in answers if status == 409)
    assert refused["error"]["code"] == "conflict"
    job = poll_job(w, accepted["job_id"])
    assert job["status"] == "succeeded"
    assert_q1_final(w, w.sheet(w.q1))


def test_a_worker_killed_mid_close_leaves_no_half_state_and_a_new_worker_finishes(
    broker_app, module_workers, celery_to_redis, scoped
):
    module_workers.stop_all()  # only the slow worker may take this job
    # A lease shorter than the visibility timeout: the redelivered message finds the dead
    # worker's lease run out and claims the job (test (d) covers the sweep).
    lease = {"LEVY_JOB_HEARTBEAT_SECONDS": 1, "LEVY_JOB_LEASE_SECONDS": 4}
    slow = module_workers.start(
        LEVY_CLOSE_STEP_DELAY=3, CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT, **lease
    )
    w = build(new_community(broker_app))
    answer = w.close(w.q1)
    job_id = answer["job_id"]
    # The job is inside its transaction (period locked), pausing before it writes.
    poll_job(w, job_id, until=("running", "succeeded", "failed"), timeout=60)
    delivered_by = time.monotonic()
    module_workers.kill(slow)

    assert w.get_period(w.q1)["status"] == "closing"
    assert w.job(job_id)["status"] == "running"
    assert snapshot_and_derived(scoped, w.community.id, w.q1) == (0, 0)

    # The message was delivered but never acknowledged. Once the visibility timeout has
    # passed, the next worker's first sweep of Redis' unacked index puts it back in the queue
    # (kombu then sweeps only every unacked_restore_interval × throttle seconds, 100 s by
    # default, so the new worker is started after the timeout rather than before).
    time.sleep(max(0.0, delivered_by + VISIBILITY_TIMEOUT + 1.5 - time.monotonic()))
    module_workers.start(CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT, **lease)
    job = poll_job(w, job_id, timeout=90)
    assert (job["status"], job["progress"], job["error"]) == ("succeeded", 100, None), job
    assert w.get_period(w.q1)["status"] == "closed"
    assert_q1_final(w, w.sheet(w.q1))
    snapshots, derived = snapshot_and_derived(scoped, w.community.id, w.q1)
    assert (snapshots, derived) == (4, 4)  # written once, not twice


def test_a_dead_workers_close_is_finished_within_two_minutes_not_the_visibility_timeout(
    broker_app, module_workers, celery_to_redis, scoped
):
    module_workers.stop_all()
    slow = module_workers.start(LEVY_CLOSE_STEP_DELAY=8, CELERY_VISIBILITY_TIMEOUT=600)
    w = build(new_community(broker_app, slug="lease"))
    job_id = w.close(w.q1)["job_id"]
    poll_job(w, job_id, until=("running", "succeeded", "failed"), timeout=60)
    module_workers.kill(slow)
    killed_at = time.monotonic()
    assert w.get_period(w.q1)["status"] == "closing"
    assert snapshot_and_derived(scoped, w.community.id, w.q1) == (0, 0)

    # Redis gives the unacknowledged message back only after 600 s: the sweep must do it.
    module_workers.start(CELERY_VISIBILITY_TIMEOUT=600)
    job = poll_job(w, job_id, timeout=max(1.0, killed_at + 120 - time.monotonic()))
    assert (job["status"], job["progress"], job["error"]) == ("succeeded", 100, None), job
    assert time.monotonic() - killed_at < 120
    assert w.get_period(w.q1)["status"] == "closed"
    assert_q1_final(w, w.sheet(w.q1))
    assert snapshot_and_derived(scoped, w.community.id, w.q1) == (4, 4)
