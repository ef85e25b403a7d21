"""The kiosk gets sync going again by itself: after a captive portal, and after many deferrals.

A captive portal answers every request itself (a 200 login page, or a redirect to one), so
the worker's circuit opens; when the real server answers the health probe again, the
circuit closes and the backlog goes, without an admin pressing "sync now".
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from devtools.backlog import seed_audit_backlog
from kiosk.bootstrap import build_app
from kiosk.config import parse_config
from kiosk.store.models import OutboxEntry
from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from sync.pusher import push_pending
from tests.integration.conftest import ThreadServer, free_port
from tests.integration.test_sync_worker import States, client_for, start_worker

PORTAL_PAGE = b"<html><body><form action='/login'>Login Wifi.id</form></body></html>"


class CaptivePortal:
    """In front of the real server: while ``mode`` is set, answers every request itself, as
    a hotel or market Wi-Fi portal does before its login, on every path."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.mode: str | None = None
        self.answered = 0

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.mode is None:
            await self.app(scope, receive, send)
            return
        self.answered += 1
        if self.mode == "redirect":
            status, headers, body = 302, [(b"location", b"http://login.wifi.id/?url=x")], b""
        else:
            status, headers, body = 200, [(b"content-type", b"text/html")], PORTAL_PAGE
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
def portal_server(server_db_url):
    app = create_app(server_db_url)
    portal = CaptivePortal(app)
    running = ThreadServer(portal).start()
    yield running, portal, app.state.engine
    running.stop()
    app.state.engine.dispose()


@pytest.mark.parametrize("mode", ["html", "redirect"])
def test_a_healthy_probe_closes_the_circuit_a_captive_portal_opened(
    portal_server, kiosk_factory, mode
):
    running, portal, engine = portal_server
    app = kiosk_factory(running.url, add_kiosk(engine, "k-rogojampi-1", "rogojampi"))
    seed_audit_backlog(app.store.engine, 12)
    portal.mode = mode  # the market's Wi-Fi wants a login first
    states = States()
    worker = start_worker(app, states, breaker_threshold=2)
    try:
        states.wait_for(lambda s: not s.running and s.last_error is not None)
        worker.notify_submitted()  # a second failure opens the circuit
        opened = states.wait_for(lambda s: s.circuit_open and not s.running)
        assert opened.pending == 12

        portal.mode = None  # someone logged the Wi-Fi in: the real server answers

        state = states.wait_for(lambda s: s.pending == 0 and not s.running, timeout=20)
    finally:
        worker.stop()
    assert state.sent == 12 and not state.circuit_open and state.online
    assert portal.answered >= 2


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for localhost, as ``openssl req -x509`` makes one (it can be its own CA)."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    made = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return cert, key


class TlsServer:
    """The real server over TLS on a fixed loopback port, with the certificate given."""

    def __init__(self, database_url: str, port: int, cert: Path, key: Path) -> None:
        import uvicorn

        self.app = create_app(database_url)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
            ssl_certfile=str(cert), ssl_keyfile=str(key),
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> TlsServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the TLS server did not come up"
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.app.state.engine.dispose()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is not installed")
def test_a_healthy_probe_closes_the_circuit_a_tls_failure_opened(
    server_db_url, kiosk_factory, tmp_path
):
    good_cert, good_key = self_signed(tmp_path, "mpp")
    bad_cert, bad_key = self_signed(tmp_path, "interceptor")  # a middlebox's own certificate
    port = free_port()
    intercepted = TlsServer(server_db_url, port, bad_cert, bad_key).start()
    app = build_app(
        parse_config(
            {
                "kiosk_id": "k-rogojampi-1",
                "outpost": "rogojampi",
                "data_dir": str(tmp_path / "kiosk"),
                "server": {
                    "url": f"https://localhost:{port}",
                    "token": add_kiosk(intercepted.app.state.engine, "k-rogojampi-1", "rogojampi"),
                    "ca_bundle": str(good_cert),
                },
            }
        )
    )
    seed_audit_backlog(app.store.engine, 7)
    states = States()
    worker = start_worker(app, states, breaker_threshold=2)
    real = None
    try:
        states.wait_for(lambda s: not s.running and s.last_error is not None)
        worker.notify_submitted()
        opened = states.wait_for(lambda s: s.circuit_open and not s.running)
        assert "TLS verification failed" in opened.last_error
        states.wait_for(lambda s: s.online is False)
        intercepted.stop()

        real = TlsServer(server_db_url, port, good_cert, good_key).start()

        state = states.wait_for(lambda s: s.pending == 0 and not s.running, timeout=20)
    finally:
        worker.stop()
        app.close()
        if real is not None:
            real.stop()
    assert state.sent == 7 and not state.circuit_open and state.online


def test_a_healthy_probe_does_not_override_a_refused_token(portal_server, kiosk_factory):
    running, portal, engine = portal_server
    add_kiosk(engine, "k-rogojampi-1", "rogojampi")
    app = kiosk_factory(running.url, "a-revoked-token")
    seed_audit_backlog(app.store.engine, 3)
    states = States()
    worker = start_worker(app, states)
    try:
        refused = states.wait_for(lambda s: s.circuit_open and not s.running)
        portal.mode = "html"
        states.wait_for(lambda s: s.online is False)
        portal.mode = None
        states.wait_for(lambda s: s.online is True)
        time.sleep(0.6)  # a few more healthy probes
    finally:
        worker.stop()
    assert "401" in (refused.last_error or "")
    assert states.seen[-1].circuit_open and app.outbox.status().pending == 3
    assert sum(1 for s in states.seen if s.running) == 1  # the token is still wrong: no retry


def test_a_record_put_off_two_thousand_times_is_put_off_again_not_crashed(
    faulty_server, kiosk_factory
):
    running, faults, engine = faulty_server
    app = kiosk_factory(running.url, add_kiosk(engine, "k-rogojampi-1", "rogojampi"))
    (record_id,) = seed_audit_backlog(app.store.engine, 1)
    with app.store.uow() as uow:  # e.g. a server that answered 503 for weeks
        uow.session.execute(update(OutboxEntry).values(attempts=1999))
        uow.commit()
    faults.answer(503, b'{"error":"busy"}', times=4)

    summary = push_pending(app.outbox, client_for(app), include_not_due=True)

    assert (summary.failed_batches, summary.fatal) == (1, False)
    with app.store.uow(read_only=True) as uow:
        entry = uow.session.scalars(select(OutboxEntry)).one()
        assert entry.attempts == 2000 and entry.state == "pending"
        assert entry.record_id == record_id
        wait = entry.next_attempt_at - datetime.now(UTC).replace(tzinfo=None)
    assert wait <= timedelta(seconds=900)  # the 15-minute ceiling, not an overflow
