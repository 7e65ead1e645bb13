"""Gunicorn's threaded worker, with new connections going to the process that holds fewest.

Each gunicorn process accepts connections from the one shared socket, and a keep-alive
connection stays with the process that accepted it for as long as the client keeps it open.
Which process accepts is a race, so 20 clients can end up 16/4 on two processes (measured,
issue 13); each process gets at most one core (the GIL), so the sixteen wait four times as
long as the four. Here every process publishes how many connections it holds in memory shared
with its siblings, and stops accepting while a sibling holds fewer: the least-connections
rule of a load balancer, between the processes of one server.

Gunicorn's ``ThreadWorker`` accepts only while ``nr_conns < worker_connections``, checked on
every turn of its event loop; ``worker_connections`` here is that limit, lowered to the
current count while a sibling holds fewer. Written for gunicorn 27's event loop (pinned in
pyproject.toml); tests/integration/test_gunicorn_worker.py holds it to the behaviour.
"""

from __future__ import annotations

import os
from multiprocessing.sharedctypes import RawArray

from gunicorn.workers.gthread import ThreadWorker

# Created when gunicorn's master imports this module, before it forks the workers: every
# worker shares these pages. A worker counts once _PIDS[its slot] holds its pid, from the
# moment its event loop starts (not while its app loads: a sibling would wait for it).
# Every turn of a worker's event loop reads them all, so they are few; a worker beyond the
# 64th gets no slot and accepts as plain gthread does.
SLOTS = 64
_PIDS = RawArray("q", SLOTS)
_CONNECTIONS = RawArray("q", SLOTS)
# The slots of the workers the master has made and not yet seen exit (the master's own
# bookkeeping: it alone assigns slots, one worker at a time, so no lock is needed).
_ASSIGNED: set[int] = set()
# How often a process that stopped listening looks at the counts again.
RECHECK_SECONDS = 0.02


def release(worker) -> None:
    """Free the slot of a worker that exited (gunicorn.conf.py's ``child_exit``, in the
    master): a dead worker's count must not keep its siblings from accepting."""
    slot = getattr(worker, "_slot", None)
    if slot is not None:
        _PIDS[slot] = 0
        _CONNECTIONS[slot] = 0
        _ASSIGNED.discard(slot)


class LeastConnectionsWorker(ThreadWorker):
    """``gthread``, accepting only while no sibling process holds fewer connections."""

    _slot: int | None = None
    _held = 0
    _limit = 0

    def __init__(self, *args, **kwargs) -> None:
        # In the master, before the fork (gunicorn's Arbiter.spawn_worker).
        super().__init__(*args, **kwargs)
        free = [slot for slot in range(SLOTS) if slot not in _ASSIGNED]
        if free:
            self._slot = free[0]
            _ASSIGNED.add(self._slot)

    def run(self) -> None:
        # In the worker, its app loaded: from now on it counts, and accepts.
        if self._slot is not None:
            _CONNECTIONS[self._slot] = self._held
            _PIDS[self._slot] = os.getpid()
        super().run()

    def _leave(self) -> None:
        """Stop counting (a stopping worker accepts nothing more, whatever it holds)."""
        slot, self._slot = self._slot, None
        if slot is not None:
            _CONNECTIONS[slot] = 0
            _PIDS[slot] = 0

    @property
    def nr_conns(self) -> int:
        """Connections this process holds (the parent class counts them)."""
        return self._held

    @nr_conns.setter
    def nr_conns(self, value: int) -> None:
        self._held = value
        slot = self._slot
        if slot is not None:
            _CONNECTIONS[slot] = value  # read by siblings only once _PIDS[slot] is set

    def _sibling_holds_fewer(self) -> bool:
        held, mine = self._held, self._slot
        if mine is None:
            return False
        return any(slot != mine and _PIDS[slot] and _CONNECTIONS[slot] < held for slot in range(SLOTS))

    @property
    def worker_connections(self) -> int:
        """The configured limit, or the connections held now while a sibling holds fewer
        (so that the event loop's ``nr_conns < worker_connections`` is false and this
        process stops listening for new connections)."""
        return self._held if self._sibling_holds_fewer() else self._limit

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._limit = value

    def accept(self, listener) -> None:
        # Every process listening wakes for a new connection; the counts may have changed
        # since this one last decided to listen. Leave it to the sibling holding fewer.
        if self._sibling_holds_fewer():
            self.set_accept_enabled(False)
            return
        super().accept(listener)

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if not self.alive:
            self._leave()
        elif not self._accepting:
            # Not listening: look at the counts again soon rather than after gunicorn's
            # second, or a connection could wait for this process to notice that its
            # sibling now holds more.
            timeout = min(timeout, RECHECK_SECONDS)
        super().wait_for_and_dispatch_events(timeout)
