"""A small HTTP load generator for bench/table.py: N clients, each one keep-alive connection,
sending requests back to back for a fixed time (closed loop, like 20 treasurers' scripts).

Threads in one process: each request costs the client ~0.1 ms of CPU, so even at 1,000
requests/s it takes a tenth of a core. The server (gunicorn) runs in its own processes.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: dict[int, int] = field(default_factory=dict)  # status -> count
    elapsed: float = 0.0
    sent: list = field(default_factory=list)  # what each success sent
    per_client: list[int] = field(default_factory=list)  # successes of each client (fairness)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")


def run(
    host: str,
    port: int,
    clients: int,
    seconds: float | None,
    request: Callable[[int, int], tuple[str, str, dict | None, dict]],
    expect: int,
    count: int | None = None,
) -> Result:
    """``request(client, n)`` gives (method, path, json body or None, headers) for the n-th
    request of a client. Runs ``seconds`` (or ``count`` requests per client)."""
    result = Result()
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)
    deadline: list[float] = [0.0]

    def client(number: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=60)
        latencies, errors, sent = [], {}, []
        start_line.wait()
        n = 0
        while (count is not None and n < count) or (count is None and time.perf_counter() < deadline[0]):
            method, path, body, headers = request(number, n)
            payload = json.dumps(body).encode() if body is not None else None
            hdrs = {**headers, **({"Content-Type": "application/json"} if payload else {})}
            t = time.perf_counter()
            try:
                conn.request(method, path, body=payload, headers=hdrs)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=60)
                status = 0
            took = time.perf_counter() - t
            if status == expect:
                latencies.append(took)
                sent.append(body)
            else:
                errors[status] = errors.get(status, 0) + 1
            n += 1
        conn.close()
        with lock:
            result.latencies += latencies
            result.sent += sent
            result.per_client.append(len(latencies))
            for status, k in errors.items():
                result.errors[status] = result.errors.get(status, 0) + k

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + (seconds or 0)
    t = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - t
    return result


def wait_until_up(host: str, port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answers on {host}:{port}{path}")
        time.sleep(0.2)
