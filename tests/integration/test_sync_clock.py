"""A kiosk whose clock is off learns it from the real server at its next push or health
probe, tells its admin (``kiosk-sync status``, ``kiosk --self-check``), and sends the skew
with its records, which the server files by the corrected time."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import load_config
from kiosk.sync_cli import main
from kiosk.usecases import issue_ticket
from kiosk.usecases.clock_check import clock_status
from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import push_pending
from sync.worker import SyncWorker
from tests.integration.conftest import ServerProcess, ThreadServer
from tests.integration.test_sync_cli import write_config


def off_by(delta: timedelta):  # noqa: ANN201 - a kiosk.clock.Clock
    """The kiosk's wall clock, ``delta`` off the real one (the server's)."""
    return lambda: datetime.now(UTC) + delta


def kiosk_at(config: Path, delta: timedelta) -> KioskApp:
    return build_app(load_config(config), clock=off_by(delta))


def stored(server: ServerProcess) -> list[sqlite3.Row]:
    with sqlite3.connect(server.database_url.removeprefix("sqlite:///")) as connection:
        connection.row_factory = sqlite3.Row
        return connection.execute("SELECT * FROM records").fetchall()


@pytest.fixture
def hour_behind(server: ServerProcess, tmp_path: Path):
    """A kiosk whose clock is an hour behind, with one ticket, pushed once."""
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    app = kiosk_at(config, -timedelta(hours=1))
    issue_ticket(app.context, "LEGALISIR")
    client = SyncClient(app.settings.server, backoff=Backoff(0.01, 0.05))
    summary = push_pending(app.outbox, client)
    assert (summary.accepted, summary.remaining) == (1, 0)
    yield app, config
    client.close()
    app.close()


def test_a_push_measures_the_skew_and_the_server_files_by_it(server, hour_behind):
    app, _config = hour_behind

    status = clock_status(app.context)

    assert status.skew is not None and status.skew.skew_s == pytest.approx(3600, abs=2)
    assert status.warnings == ("skew",)
    (row,) = stored(server)
    assert row["kiosk_clock_skew_s"] == pytest.approx(3600, abs=2)
    assert row["time_flag"] == "corrected"
    created = datetime.fromisoformat(row["created_at"]).replace(tzinfo=UTC)
    received = datetime.fromisoformat(row["received_at"]).replace(tzinfo=UTC)
    assert created < received - timedelta(minutes=59)  # the kiosk's time, as written


def test_kiosk_sync_status_tells_the_admin(hour_behind, capsys):
    _app, config = hour_behind

    assert main(["--config", str(config), "status", "--json"]) == 0
    clock = json.loads(capsys.readouterr().out)["clock"]
    assert clock["skew_s"] == pytest.approx(3600, abs=2)
    assert clock["warnings"] == ["skew"]

    assert main(["--config", str(config), "status"]) == 0
    out = capsys.readouterr().out
    assert "1 h 0 min behind the server's" in out
    assert "clock WARNING the kiosk's clock is 1 h 0 min behind the server's" in out


def test_the_self_check_warns_and_still_passes(hour_behind):
    _app, config = hour_behind
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--self-check"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "warning: clock: the kiosk's clock is 1 h 0 min behind the server's" in result.stdout
    assert "self-check ok" in result.stdout


def test_the_worker_health_probe_measures_a_clock_set_while_it_runs(server, tmp_path):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    offset = [timedelta(0)]
    app = build_app(load_config(config), clock=lambda: datetime.now(UTC) + offset[0])
    states = []
    worker = SyncWorker(
        app.outbox,
        SyncClient(app.settings.server, max_tries=1),
        on_state=states.append,
        interval_s=3600,
        probe_interval_s=0.2,
    )
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while worker.state.clock_skew_s is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker.state.clock_skew_s == pytest.approx(0, abs=2)

        offset[0] = timedelta(minutes=30)  # someone sets the clock half an hour ahead
        deadline = time.monotonic() + 10
        while abs((worker.state.clock_skew_s or 0) + 1800) > 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        app.close()
    assert worker.state.clock_skew_s == pytest.approx(-1800, abs=2)
    app = build_app(load_config(config))
    stored_skew = clock_status(app.context).skew
    app.close()
    assert stored_skew is not None and stored_skew.skew_s == pytest.approx(-1800, abs=2)


class ServerBeforeTheSkewField:
    """The server in front of it answers as servers before ``clock_skew_s`` did: an
    envelope field they do not know refuses the batch (422), and no ``server_time``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.envelopes: list[dict] = []

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].endswith("records:batch"):
            await self.app(scope, receive, send)
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        envelope = json.loads(gzip.decompress(body))
        self.envelopes.append(envelope)
        if "clock_skew_s" in envelope:
            answer = b'{"error":"bad_batch","detail":"unknown envelope field \'clock_skew_s\'"}'
            await send(
                {
                    "type": "http.response.start",
                    "status": 422,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await send({"type": "http.response.body", "body": answer})
            return

        async def replay() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def test_a_server_from_before_the_skew_field_still_gets_the_records(server_db_url, tmp_path):
    app = create_app(server_db_url)
    old = ServerBeforeTheSkewField(app)
    running = ThreadServer(old).start()
    token = add_kiosk(app.state.engine, "k-rogojampi-1", "rogojampi")
    kiosk = build_app(load_config(write_config(tmp_path, running.url, token)))
    client = SyncClient(kiosk.settings.server, backoff=Backoff(0.01, 0.05))
    try:
        issue_ticket(kiosk.context, "LEGALISIR")
        summary = push_pending(kiosk.outbox, client)
        issue_ticket(kiosk.context, "LEGALISIR")
        again = push_pending(kiosk.outbox, client)
    finally:
        client.close()
        kiosk.close()
        running.stop()
        app.state.engine.dispose()

    assert (summary.accepted, summary.remaining, summary.failed_batches) == (1, 0, 0)
    assert (again.accepted, again.failed_batches) == (1, 0)
    # refused once with the field, sent again without it, and without it from then on
    assert ["clock_skew_s" in envelope for envelope in old.envelopes] == [True, False, False]
