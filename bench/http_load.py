"""A small HTTP load generator for bench/table.py: N clients, each one keep-alive connection,
sending requests back to back for a fixed time (closed loop, like 20 treasurers' scripts).

Threads in one process, speaking HTTP/1.1 over plain sockets: the client shares the
server's two cores, so what it spends per request is taken from the server. http.client
(header objects, an email parser per response) cost ~0.25-0.5 ms of CPU per request, ~7 %
of the machine at 275 writes/s; a request written as bytes and an answer read by its
Content-Length cost ~0.1 ms. The server (gunicorn) runs in its own processes.
"""

from __future__ import annotations

import json
import socket
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


def encode(host: str, port: int, method: str, path: str, body: dict | None, headers: dict) -> bytes:
    """One HTTP/1.1 request as bytes (a JSON body, if any)."""
    payload = json.dumps(body).encode() if body is not None else b""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


class Connection:
    """One keep-alive connection: send a request, read the answer by its Content-Length."""

    def __init__(self, host: str, port: int):
        self.sock = socket.create_connection((host, port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def exchange(self, request: bytes) -> int:
        """The answer's status (its body read and dropped)."""
        self.sock.sendall(request)
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._more()
        head, self.buffer = self.buffer[:end].lower(), self.buffer[end + 4 :]
        start = head.find(b"\r\ncontent-length:")
        if start < 0:
            raise ConnectionError("an answer without Content-Length")
        line_end = head.find(b"\r\n", start + 2)  # -1: the last header
        length = int(head[start + len(b"\r\ncontent-length:") : line_end if line_end >= 0 else None])
        while len(self.buffer) < length:
            self._more()
        self.buffer = self.buffer[length:]
        return int(head[9:12])

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


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
        conn = Connection(host, port)
        latencies, errors, sent = [], {}, []
        start_line.wait()
        n = 0
        while (count is not None and n < count) or (count is None and time.perf_counter() < deadline[0]):
            method, path, body, headers = request(number, n)
            message = encode(host, port, method, path, body, headers)
            t = time.perf_counter()
            try:
                status = conn.exchange(message)
            except OSError:  # ConnectionError included: a new connection for the next one
                conn.close()
                conn = Connection(host, port)
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
            conn = Connection(host, port)
            status = conn.exchange(encode(host, port, "GET", path, None, {}))
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing answers on {host}:{port}{path}")
        time.sleep(0.2)
