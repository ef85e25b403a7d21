"""What the server stores for a submitted request: the fields the resident's slip shows.

A request submitted through the kiosk's use case, pushed to the real reference server on
loopback, and read back from the server's own database file with plain sqlite3: the
stored payload must carry the ticket number the resident was handed, not just an id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import parse_config
from kiosk.usecases import submit_request
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import push_pending
from tests.integration.conftest import LEGALISIR_ANSWERS, ServerProcess

SUBMITTED_AT = datetime(2026, 11, 27, 17, 30, 0, 123456, tzinfo=UTC)
"""00:30 WIB on 28 November: the UTC date and the service day differ."""


class KioskClock:
    """Reads SUBMITTED_AT while the resident submits; the push happens later, with the
    kiosk's clock right (a clock still at SUBMITTED_AT would be days behind the server's,
    and the server would file the records by the corrected time: test_server_record_time)."""

    def __init__(self) -> None:
        self.now: datetime | None = SUBMITTED_AT

    def __call__(self) -> datetime:
        return self.now or datetime.now(UTC)


@pytest.fixture
def kiosk(server: ServerProcess, tmp_path: Path) -> Iterator[KioskApp]:
    settings = parse_config(
        {
            "kiosk_id": "k-rogojampi-1",
            "outpost": "rogojampi",
            "data_dir": str(tmp_path / "kiosk"),
            "server": {"url": server.url, "token": server.add_kiosk("k-rogojampi-1")},
        }
    )
    app = build_app(settings, clock=KioskClock())
    yield app
    app.close()


def stored_rows(server: ServerProcess) -> dict[str, sqlite3.Row]:
    path = server.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        return {row["id"]: row for row in connection.execute("SELECT * FROM records")}


def push(app: KioskApp) -> None:
    clock = app.context.clock
    assert isinstance(clock, KioskClock)
    clock.now = None  # it is later now
    client = SyncClient(app.settings.server, backoff=Backoff(base_s=0.01, ceiling_s=0.05))
    summary = push_pending(app.outbox, client)
    assert (summary.accepted, summary.rejected, summary.remaining) == (2, 0, 0)


def test_the_server_stores_the_request_with_the_residents_ticket_number(server, kiosk):
    issued = submit_request(
        kiosk.context, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="2026.1"
    )

    push(kiosk)

    row = stored_rows(server)[issued.request_id]
    payload = json.loads(row["payload"])
    assert issued.number == "J-001"
    assert payload["ticket_number"] == issued.number
    assert payload["ticket_id"] == issued.ticket_id
    latest = kiosk.catalogue.form("legalisir").version  # 2 since the notice asks consent once
    assert (row["kind"], row["form_id"], row["form_version"]) == (
        "service_request",
        "legalisir",
        latest,
    )
    assert latest >= 2
    assert (payload["service_code"], payload["language"]) == ("LEGALISIR", "id")
    assert payload["answers"]["nik"] == "3510091203850001"
    assert (payload["day"], row["day"]) == ("2026-11-28", "2026-11-28")
    assert payload["notice_accepted_at"] == "2026-11-27T17:30:00.123456+00:00"
    # The server keeps UTC; SQLite hands it back without an offset.
    assert datetime.fromisoformat(row["created_at"]).replace(tzinfo=UTC) == SUBMITTED_AT


def test_the_tickets_issued_event_carries_the_same_number(server, kiosk):
    issued = submit_request(
        kiosk.context, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="2026.1"
    )

    push(kiosk)

    events = [row for row in stored_rows(server).values() if row["kind"] == "ticket_event"]
    (event,) = [json.loads(row["payload"]) for row in events]
    assert (event["event"], event["number"], event["ticket_id"]) == (
        "issued",
        issued.number,
        issued.ticket_id,
    )
    assert (event["service_code"], event["day"]) == ("LEGALISIR", "2026-11-28")
