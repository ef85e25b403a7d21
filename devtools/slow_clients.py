"""Slow and greedy clients against ``mpp-server serve`` on loopback, and what they cost it.

``Served`` is the server as an admin starts it, in a child process whose memory can be read;
the functions trickle, stall or flood a connection and measure how the server answered.
Shared by tests/reliability/test_server_slow_clients.py and ``python -m benchmarks
reliability``.
"""

from __future__ import annotations

import select
import socket
import subprocess
import sys
import time
from pathlib import Path

from devtools.loopback import free_port, wait_healthy


class Served:
    """``mpp-server serve`` as an admin starts it, in a child process."""

    def __init__(self, database_url: str, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mpp_server.cli", "serve", "--database-url", database_url,
             "--port", str(self.port), "--log-level", "warning", *extra],
        )  # fmt: skip
        try:
            wait_healthy(self.url, proc=self.proc)
        except RuntimeError:
            self.stop()
            raise

    def rss_kb(self) -> int:
        return _status_kb(self.proc.pid, "VmRSS")

    def peak_rss_kb(self) -> int:
        return _status_kb(self.proc.pid, "VmHWM")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def seconds_until_closed(
    port: int, first: bytes, drip: bytes | None, limit_s: float, every_s: float = 1.0
) -> float | None:
    """Send ``first``, then ``drip`` every ``every_s`` (None: stay silent) until the server
    closes the connection; the seconds that took, or None if it was still open at ``limit_s``.
    Whatever the server answers before it closes is read and ignored."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(first)
        next_drip = started + every_s
        while (now := time.monotonic()) - started < limit_s:
            readable, _, _ = select.select([sock], [], [], max(0.0, min(next_drip - now, 0.2)))
            try:
                if readable and not sock.recv(65536):
                    return time.monotonic() - started
                if drip is not None and time.monotonic() >= next_drip:
                    sock.sendall(drip)
                    next_drip += every_s
            except OSError:  # reset, or a broken pipe on the next drip: closed
                return time.monotonic() - started
    return None


def trickled_headers_close_s(port: int, limit_s: float) -> float | None:
    """A request line, then one more header line each second, never the blank line."""
    return seconds_until_closed(
        port, b"GET /api/v1/health HTTP/1.1\r\nHost: mpp\r\n", b"X-Slow: 1\r\n", limit_s
    )


def unauthenticated_body_growth_kb(served: Served, path: str, size: int) -> dict[str, int]:
    """Send ``size`` bytes to ``path`` without a token; how the server's memory moved.

    ``growth_kb`` is the server's peak RSS during the upload minus its RSS before it.
    """
    before = served.rss_kb()
    peak_before = served.peak_rss_kb()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n"
    ).encode("ascii")
    chunk = b" " * (1024 * 1024)
    sent = 0
    status = b""
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as sock:
        sock.sendall(head + b'{"ids": [')
        sent = 9
        try:
            while sent < size:
                piece = chunk[: min(len(chunk), size - sent)]
                sock.sendall(piece)
                sent += len(piece)
        except OSError:  # the server may close once it has answered
            pass
        sock.settimeout(30)
        try:
            status = sock.recv(4096).split(b"\r\n", 1)[0]
        except OSError:
            status = b""
    peak = max(served.peak_rss_kb(), peak_before)
    return {
        "growth_kb": max(0, peak - before),
        "sent": sent,
        "status": int(status.split()[1]) if status.count(b" ") >= 2 else 0,
    }
