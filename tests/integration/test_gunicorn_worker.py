"""gunicorn.conf.py's worker hands each new connection to the process holding fewest.

Issue 13: with gunicorn's plain ``gthread`` the processes race for every new connection, and
20 keep-alive clients were measured split 16/4 between two processes, the sixteen waiting
four times as long. These tests start gunicorn with the repository's gunicorn.conf.py (two
processes) on a tiny WSGI app that answers with its process id, so a client sees which
process holds its connection.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PID_APP = """
import os

def app(environ, start_response):
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    (tmp_path / "pid_app.py").write_text(PID_APP)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(tmp_path)]),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": "",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "pid_app:app"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while len(_pids_answering(port)) < 2:
            assert process.poll() is None, "gunicorn exited"
            assert time.monotonic() < deadline, "gunicorn's two workers did not come up"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def _pids_answering(port: int) -> set[str]:
    """The workers answering one-off connections (each closed at once)."""
    seen = set()
    for _ in range(20):
        try:
            seen.add(_ask(http.client.HTTPConnection("127.0.0.1", port, timeout=5), close=True))
        except OSError:
            return set()
    return seen


def _ask(connection: http.client.HTTPConnection, close: bool = False) -> str:
    connection.request("GET", "/", headers={"Connection": "close"} if close else {})
    response = connection.getresponse()
    pid = response.read().decode()
    if close:
        connection.close()
    return pid


def open_kept(port: int, count: int) -> list[tuple[http.client.HTTPConnection, str]]:
    """``count`` keep-alive connections opened one after another, each with the pid that
    answered its first request (and holds it from then on)."""
    kept = []
    for _ in range(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        kept.append((connection, _ask(connection)))
    return kept


def test_keep_alive_connections_are_spread_evenly_over_the_processes(server):
    kept = open_kept(server, 8)

    assert sorted(Counter(pid for _, pid in kept).values()) == [4, 4]
    # And each stays where it was accepted.
    assert all(_ask(connection) == pid for connection, pid in kept)
    for connection, _ in kept:
        connection.close()


def test_new_connections_go_to_the_process_whose_clients_left(server):
    kept = open_kept(server, 4)
    by_pid = Counter(pid for _, pid in kept)
    assert sorted(by_pid.values()) == [2, 2]
    emptied = kept[0][1]
    for connection, pid in kept:
        if pid == emptied:
            connection.close()
    time.sleep(1.5)  # the process notices the two closed sockets on its next turn (ms; slack for CI)

    newcomers = open_kept(server, 2)

    assert [pid for _, pid in newcomers] == [emptied, emptied]


def _worker_in_slot(slot: int, pid: int, held: int):
    """A LeastConnectionsWorker as gunicorn would have it, without starting it: its slot in
    the shared counts, a pid there and the connections it holds."""
    import selectors

    import gunicorn_worker

    worker = object.__new__(gunicorn_worker.LeastConnectionsWorker)
    worker.poller, worker.alive, worker.worker_connections = selectors.DefaultSelector(), True, 1000
    worker._slot = slot
    gunicorn_worker._PIDS[slot] = pid
    worker.nr_conns = held
    return worker


def test_an_exited_worker_no_longer_counts():
    import gunicorn_worker

    last = gunicorn_worker.SLOTS - 1
    worker = _worker_in_slot(last - 1, pid=999_999_998, held=3)
    killed = _worker_in_slot(last, pid=999_999_999, held=0)  # exits without a word
    assert worker.worker_connections == 3  # a sibling holds fewer: leave it the next one

    gunicorn_worker.release(killed)  # gunicorn.conf.py's child_exit, in the master

    assert gunicorn_worker._PIDS[last] == 0
    assert worker.worker_connections == 1000
    gunicorn_worker.release(worker)


def test_a_stopping_worker_no_longer_counts():
    """A worker told to stop (a reload, max_requests) goes on serving what it holds for a
    while but accepts nothing: its count, however low, must not stop the others accepting."""
    import gunicorn_worker

    last = gunicorn_worker.SLOTS - 1
    live = _worker_in_slot(last - 1, pid=999_999_998, held=5)
    stopping = _worker_in_slot(last, pid=999_999_999, held=1)
    assert live.worker_connections == 5

    stopping.alive = False
    stopping.wait_for_and_dispatch_events(0)  # its event loop's next turn

    assert gunicorn_worker._PIDS[last] == 0
    assert live.worker_connections == 1000
    gunicorn_worker.release(live)


def test_a_worker_counts_only_once_it_serves():
    """A replacement worker is made in the master and then loads the app for a second or
    two: counted meanwhile (holding none), it would make its siblings refuse new
    connections that nobody accepts yet."""
    import logging

    from gunicorn.config import Config

    import gunicorn_worker

    sibling = _worker_in_slot(gunicorn_worker.SLOTS - 1, pid=999_999_998, held=3)
    newcomer = gunicorn_worker.LeastConnectionsWorker(1, os.getpid(), [], None, 30, Config(), logging)
    try:
        assert newcomer._slot is not None and gunicorn_worker._PIDS[newcomer._slot] == 0
        assert sibling.worker_connections == 1000
    finally:
        gunicorn_worker.release(newcomer)
        gunicorn_worker.release(sibling)
    assert newcomer._slot not in gunicorn_worker._ASSIGNED
