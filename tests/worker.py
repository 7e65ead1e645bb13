"""Start and stop a real Celery worker for tests that need one (not a test module).

    proc = start_worker(database_url, redis_url)   # returns once the worker answers a ping
    ...
    stop_worker(proc)

The worker is `celery -A celery_worker worker` run from the repository root with
DATABASE_URL and REDIS_URL set, exactly as in production, plus whatever else is in
os.environ (tests pass e.g. LEVY_CLOSE_STEP_DELAY that way). It runs in a session (process
group) of its own, so a test may SIGKILL the worker and its pool children with
`os.killpg(os.getpgid(proc.pid), signal.SIGKILL)` without touching pytest. Its output goes
to a log file (`proc.log_path`), so a chatty worker never blocks on a full pipe; the tail of
that log is in the error when it fails to start.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def _celery(*args: str) -> list[str]:
    # The interpreter running the tests, so the worker uses the same virtualenv.
    return [sys.executable, "-m", "celery", "-A", "celery_worker", *args]


def _env(database_url: str, redis_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "PYTHONUNBUFFERED": "1"}


def start_worker(database_url: str, redis_url: str, *, timeout: float = START_TIMEOUT) -> subprocess.Popen:
    """Start one worker (prefork pool, concurrency 1) and wait until it answers a ping."""
    # A unique node name, so the ping below hears this worker and not an older one.
    nodename = f"levy-test-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    env = _env(database_url, redis_url)
    fd, log_path = tempfile.mkstemp(prefix="levy-worker-", suffix=".log")
    log = os.fdopen(fd, "w")
    proc = subprocess.Popen(
        _celery(
            "worker",
            "--loglevel=info",
            "--concurrency=1",
            "--pool=prefork",
            "--hostname",
            nodename,
            "--without-mingle",
            "--without-gossip",
        ),
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()  # the child holds its own copy
    proc.log_path = log_path
    proc.nodename = nodename

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {proc.returncode}:\n" + _tail(log_path))
        if _answers_ping(nodename, env):
            return proc
        if time.monotonic() > deadline:
            stop_worker(proc)
            raise TimeoutError(
                f"the Celery worker did not answer a ping within {timeout:.0f}s:\n" + _tail(log_path)
            )
        time.sleep(0.5)


def _answers_ping(nodename: str, env: dict) -> bool:
    """`celery -A celery_worker inspect ping -d <node>`: exit 0 once the node replies."""
    try:
        result = subprocess.run(
            _celery("inspect", "ping", "--destination", nodename, "--timeout", "2"),
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return False
    return result.returncode == 0 and "pong" in result.stdout


def stop_worker(proc: subprocess.Popen, *, timeout: float = STOP_TIMEOUT) -> None:
    """SIGTERM (Celery's warm shutdown), then SIGKILL the whole group after `timeout` s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait(timeout=timeout)
    # Pool children left behind by a main process that died first.
    _kill_group(proc)


def _kill_group(proc: subprocess.Popen) -> None:
    # start_new_session=True made the worker the leader of its own group: pgid == pid.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: str, lines: int = 40) -> str:
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no worker log)"
