"""``mpp-server serve`` on loopback against slow and greedy clients.

A client that trickles its headers (or its body) a line a second, or connects and says
nothing, is closed within a bound; connections beyond the concurrency limit get 503; a
200 MB body sent without a token barely moves the server's memory. The helpers are
devtools/slow_clients.py, shared with ``python -m benchmarks reliability``.
"""

from __future__ import annotations

import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devtools.slow_clients import (
    Served,
    seconds_until_closed,
    trickled_headers_close_s,
    unauthenticated_body_growth_kb,
)
from mpp_server.db import add_kiosk, open_engine

HEADER_BOUND_S = 15.0
"""The issue's bound: a trickling client is closed within this many seconds."""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.db'}"


@pytest.fixture
def served_by_default(database_url: str) -> Iterator[Served]:
    served = Served(database_url)
    yield served
    served.stop()


def test_a_client_trickling_header_lines_is_closed_within_15_s(served_by_default):
    closed_after = trickled_headers_close_s(served_by_default.port, HEADER_BOUND_S + 5)
    assert closed_after is not None and closed_after <= HEADER_BOUND_S, closed_after
    assert requests.get(served_by_default.url + "/api/v1/health", timeout=5).ok


def test_200_mb_without_a_token_barely_moves_the_servers_memory(served_by_default):
    for path in ("/api/v1/records:exists", "/api/v1/records:batch"):
        moved = unauthenticated_body_growth_kb(served_by_default, path, 200 * 1024 * 1024)
        assert moved["status"] == 401, moved
        assert moved["growth_kb"] <= 16 * 1024, moved
    assert requests.get(served_by_default.url + "/api/v1/health", timeout=5).ok


def test_silent_and_trickling_bodies_are_closed_by_their_timeouts(database_url):
    engine = open_engine(database_url)
    token = add_kiosk(engine, "k1", "rogojampi")
    engine.dispose()
    served = Served(database_url, "--timeout-headers", "2", "--timeout-body", "2")
    try:
        silent = seconds_until_closed(served.port, b"", None, limit_s=10)
        assert silent is not None and silent <= 4, silent
        head = (
            "POST /api/v1/records:batch HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: 100000\r\n\r\n"
        ).encode("ascii")
        body = seconds_until_closed(served.port, head + b'{"records": [', b" ", limit_s=10)
        assert body is not None and body <= 4, body
        # a kept-alive connection: the next request's head has its own deadline
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            sock.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: mpp\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
            started = time.monotonic()
            lines = [b"GET / HTTP/1.1\r\n"] + [b"X-Slow: 1\r\n"] * 9
            for line in lines:  # one every half second: the keep-alive timer never fires
                try:
                    sock.sendall(line)
                    readable, _, _ = select.select([sock], [], [], 0.5)
                    if readable and not sock.recv(65536):
                        break
                except OSError:
                    break
            assert time.monotonic() - started <= 4
        # requests that arrive in time are served as before, twice on one connection
        with requests.Session() as session:
            assert session.get(served.url + "/api/v1/health", timeout=5).ok
            assert session.get(served.url + "/api/v1/health", timeout=5).ok
    finally:
        served.stop()


def test_connections_past_the_concurrency_limit_get_503(database_url):
    served = Served(database_url, "--limit-concurrency", "4")
    idle = [socket.create_connection(("127.0.0.1", served.port)) for _ in range(4)]
    try:
        time.sleep(0.3)
        busy = requests.get(served.url + "/api/v1/health", timeout=5)
        assert busy.status_code == 503
        for sock in idle:
            sock.close()
        time.sleep(0.3)
        assert requests.get(served.url + "/api/v1/health", timeout=5).status_code == 200
    finally:
        for sock in idle:
            sock.close()
        served.stop()
