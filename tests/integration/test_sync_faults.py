"""How the client and pusher take each kind of failure, against the real server on loopback.

The fault layer in front of the server answers the next requests with 429, 503, HTML and
so on; everything else is the real server. 413 and resets are real too.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from devtools.backlog import seed_audit_backlog
from kiosk.store.models import OutboxEntry
from sync.backoff import Backoff
from sync.client import SyncAuthError, SyncClient
from sync.pusher import SyncFailure, push_pending


@pytest.fixture
def kiosk(faulty_server, kiosk_factory):
    running, faults, engine = faulty_server
    from mpp_server.db import add_kiosk

    app = kiosk_factory(running.url, add_kiosk(engine, "k-rogojampi-1", "rogojampi"))
    app.faults = faults
    app.server_engine = engine
    return app


def client_for(app: Any, sleeps: list[float] | None = None, **kwargs: Any) -> SyncClient:
    return SyncClient(
        app.settings.server,
        backoff=Backoff(base_s=0.01, ceiling_s=30),
        sleep=(sleeps.append if sleeps is not None else lambda _s: None),
        **kwargs,
    )


def entries(app: Any) -> list[OutboxEntry]:
    with app.store.uow(read_only=True) as uow:
        rows = list(uow.session.scalars(select(OutboxEntry).order_by(OutboxEntry.seq)))
        uow.session.expunge_all()
        return rows


def server_count(app: Any) -> int:
    from sqlalchemy import func

    from mpp_server.models import StoredRecord

    with app.server_engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(StoredRecord))


def test_429_retry_after_is_honoured_then_the_batch_goes(kiosk):
    seed_audit_backlog(kiosk.store.engine, 10)
    kiosk.faults.answer(429, b'{"error":"slow down"}', headers={"Retry-After": "2"})
    sleeps: list[float] = []

    summary = push_pending(kiosk.outbox, client_for(kiosk, sleeps))

    assert summary.accepted == 10
    assert sleeps and sleeps[0] >= 2


def test_5xx_is_retried_with_backoff_and_then_left_for_later(kiosk):
    seed_audit_backlog(kiosk.store.engine, 10)
    kiosk.faults.answer(503, times=4)
    sleeps: list[float] = []

    summary = push_pending(kiosk.outbox, client_for(kiosk, sleeps, max_tries=4))

    assert (summary.failed_batches, summary.fatal, summary.remaining) == (1, False, 10)
    assert summary.last_failure == SyncFailure("server_trouble", 503)
    assert kiosk.faults.seen == 4 and len(sleeps) == 3
    assert all(e.state == "pending" and e.next_attempt_at is not None for e in entries(kiosk))
    assert push_pending(kiosk.outbox, client_for(kiosk)).accepted == 0  # not due yet
    assert push_pending(kiosk.outbox, client_for(kiosk), include_not_due=True).accepted == 10


def _defer_all_by(app: Any, delta: timedelta) -> None:
    """What a deferral made under a clock that has since been set back (or not) leaves."""
    with app.store.uow() as uow:
        uow.session.execute(
            update(OutboxEntry).values(
                attempts=1, next_attempt_at=datetime.now(UTC).replace(tzinfo=None) + delta
            )
        )
        uow.commit()


def test_a_deferral_made_before_the_clock_was_set_back_does_not_strand_records(kiosk):
    seed_audit_backlog(kiosk.store.engine, 10)
    _defer_all_by(kiosk, timedelta(days=365))  # deferred when the clock said next year

    assert push_pending(kiosk.outbox, client_for(kiosk)).accepted == 10


def test_a_real_deferral_still_waits(kiosk):
    seed_audit_backlog(kiosk.store.engine, 10)
    _defer_all_by(kiosk, timedelta(minutes=10))  # within the backoff's longest wait

    assert push_pending(kiosk.outbox, client_for(kiosk)).accepted == 0


def test_captive_portal_html_200_marks_nothing(kiosk):
    seed_audit_backlog(kiosk.store.engine, 10)
    portal = b"<html><body>Login to Wifi.id</body></html>"
    kiosk.faults.answer(200, portal, content_type="text/html", times=3)

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert summary.fatal and summary.accepted == 0
    assert "captive portal" in summary.last_error
    assert summary.last_failure == SyncFailure("not_the_server")
    assert kiosk.faults.seen == 1  # not retried blindly
    assert {e.state for e in entries(kiosk)} == {"pending"}


@pytest.mark.parametrize(
    "body",
    [b'{"ok": true}', b'{"protocol": 1, "results": []}', b"not json"],
    ids=["other-json", "no-results", "garbage"],
)
def test_a_200_that_is_not_a_full_protocol_answer_marks_nothing(kiosk, body):
    seed_audit_backlog(kiosk.store.engine, 3)
    kiosk.faults.answer(200, body)

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert summary.fatal and summary.sent == 0
    assert {e.state for e in entries(kiosk)} == {"pending"}


def test_other_4xx_is_not_retried_blindly(kiosk):
    seed_audit_backlog(kiosk.store.engine, 3)
    kiosk.faults.answer(400, b'{"error":"bad"}', times=5)

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert summary.fatal and kiosk.faults.seen == 1
    assert "400" in summary.last_error
    assert summary.last_failure == SyncFailure("refused", 400)


def test_403_stops_and_raises(kiosk):
    seed_audit_backlog(kiosk.store.engine, 3)
    kiosk.faults.answer(403, b'{"error":"forbidden","detail":"disabled"}')

    with pytest.raises(SyncAuthError):
        push_pending(kiosk.outbox, client_for(kiosk))
    assert {e.state for e in entries(kiosk)} == {"pending"}


def test_413_splits_the_batch_and_a_single_oversized_record_goes_dead(kiosk):
    seed_audit_backlog(kiosk.store.engine, 120, detail_bytes=60_000)  # 7 MB in one batch
    seed_audit_backlog(kiosk.store.engine, 1, detail_bytes=6_000_000)

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert (summary.accepted, summary.rejected, summary.remaining) == (120, 1, 0)
    assert kiosk.outbox.status().dead_reasons == {"too_large": 1}
    assert server_count(kiosk) == 120


class ResetProxy:
    """Forwards TCP to the server, but resets the next ``resets`` connections at once: a
    connection refused or cut by a NAT box or a flaky village link arrives at the kiosk as a
    TCP RST (SO_LINGER 0, as the kernel sends it), which requests raises as ConnectionError."""

    def __init__(self, upstream_port: int, resets: int) -> None:
        self.upstream_port, self.resets = upstream_port, resets
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            if self.resets > 0:
                self.resets -= 1
                conn.recv(1024)
                conn.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                conn.close()
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            for a, b in ((conn, upstream), (upstream, conn)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


def test_connection_resets_are_retried(faulty_server, kiosk_factory):
    running, _faults, engine = faulty_server
    from mpp_server.db import add_kiosk

    proxy = ResetProxy(running.port, resets=2)
    app = kiosk_factory(
        f"http://127.0.0.1:{proxy.port}", add_kiosk(engine, "k-rogojampi-1", "rogojampi")
    )
    seed_audit_backlog(app.store.engine, 10)

    summary = push_pending(app.outbox, client_for(app, max_tries=4))

    proxy.close()
    assert (summary.accepted, summary.failed_batches) == (10, 0)
