"""``mpp-server purge``: residents' answers erased after the retention, the figures kept.

Records arrive through the real API; the purge runs as the admin runs it. A purged
request keeps its day, service, kiosk, ticket number and the notice it was given, so the
counts per outpost and day and the queue figures stay; its answers are gone, also from
the bytes of the database file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import select
from uuid6 import uuid7

from mpp_server.app import create_app
from mpp_server.cli import main as mpp_server
from mpp_server.db import add_kiosk
from mpp_server.models import StoredRecord
from tests.integration.conftest import LEGALISIR_ANSWERS, ThreadServer

OLD_NIK, RECENT_NIK = "3510091203850007", "3510091203850008"
KEPT = ("service_code", "language", "ticket_id", "ticket_number", "day", "notice_version")


@pytest.fixture
def api(tmp_path: Path) -> Iterator[tuple[str, requests.Session, Any, Path]]:
    db = tmp_path / "server.db"
    app = create_app(f"sqlite:///{db}")
    running = ThreadServer(app).start()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {add_kiosk(app.state.engine, 'k1', 'rogojampi')}"
    yield running.url, session, app.state.engine, db
    session.close()
    running.stop()
    app.state.engine.dispose()


def request_record(days_ago: int, number: str, nik: str = OLD_NIK) -> dict[str, Any]:
    created = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "id": str(uuid7()),
        "kind": "service_request",
        "kiosk_id": "k1",
        "outpost": "rogojampi",
        "created_at": created.isoformat(),
        "form_id": "legalisir",
        "form_version": 1,
        "payload": {
            "service_code": "LEGALISIR",
            "language": "id",
            "answers": {**LEGALISIR_ANSWERS, "nik": nik},
            "ticket_id": str(uuid7()),
            "ticket_number": number,
            "day": created.date().isoformat(),
            "notice_version": "2026.1",
            "notice_accepted_at": created.isoformat(),
        },
    }


def ticket_event(days_ago: int, number: str) -> dict[str, Any]:
    created = datetime.now(UTC) - timedelta(days=days_ago)
    return {
        "id": str(uuid7()),
        "kind": "ticket_event",
        "kiosk_id": "k1",
        "outpost": "rogojampi",
        "created_at": created.isoformat(),
        "payload": {"event": "served", "number": number, "counter": "2", "operator_id": "op-1"},
    }


def push(api, records: list[dict[str, Any]]) -> list[str]:
    url, session, _engine, _db = api
    answer = session.post(url + "/api/v1/records:batch", json={"records": records})
    assert answer.status_code == 200, answer.text
    return [result["status"] for result in answer.json()["results"]]


def stored(engine: Any) -> dict[str, tuple[dict[str, Any], datetime | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(StoredRecord.id, StoredRecord.payload, StoredRecord.purged_at)
        ).all()
    return {rid: (json.loads(payload), purged_at) for rid, payload, purged_at in rows}


def purge(capsys, db: Path, *args: str) -> str:
    assert mpp_server(["purge", "--database-url", f"sqlite:///{db}", *args]) == 0
    return capsys.readouterr().out


def test_purge_erases_old_answers_and_keeps_the_figures(api, capsys):
    _url, _session, engine, db = api
    old, recent = request_record(200, "J-001"), request_record(10, "J-002", RECENT_NIK)
    old_event = ticket_event(200, "J-001")
    assert push(api, [old, recent, old_event]) == ["accepted"] * 3
    overview_before = requests.get(api[0] + "/").text

    out = purge(capsys, db, "--retention-days", "180")

    assert "1 request older than 180 days" in out
    rows = stored(engine)
    payload, purged_at = rows[old["id"]]
    assert payload["answers"] is None and purged_at is not None
    assert {key: payload[key] for key in KEPT} == {key: old["payload"][key] for key in KEPT}
    assert rows[recent["id"]] == (recent["payload"], None)
    assert rows[old_event["id"]] == (old_event["payload"], None)
    assert requests.get(api[0] + "/").text == overview_before
    wal = db.with_name(db.name + "-wal")
    on_disk = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert OLD_NIK.encode() not in on_disk and RECENT_NIK.encode() in on_disk


def test_a_purged_request_sent_again_is_still_a_duplicate(api, capsys):
    old = request_record(400, "J-003")
    push(api, [old])
    purge(capsys, api[3], "--retention-days", "180")

    assert push(api, [old]) == ["duplicate"]
    changed = {**old, "payload": {**old["payload"], "ticket_number": "J-999"}}
    assert push(api, [changed]) == ["rejected"]


def test_purge_is_idempotent_and_dry_run_changes_nothing(api, capsys):
    _url, _session, engine, db = api
    push(api, [request_record(100, "J-004"), request_record(100, "J-005")])

    dry = purge(capsys, db, "--retention-days", "90", "--dry-run")
    assert "2 requests older than 90 days" in dry and "would be purged" in dry
    assert all(purged is None for _payload, purged in stored(engine).values())
    assert "2 requests older than 90 days" in purge(capsys, db, "--retention-days", "90")
    assert "0 requests older than 90 days" in purge(capsys, db, "--retention-days", "90")


def test_the_retention_defaults_to_180_days_and_can_come_from_the_environment(
    api, capsys, monkeypatch
):
    _url, _session, engine, db = api
    push(api, [request_record(170, "J-006"), request_record(190, "J-007")])

    assert "1 request older than 180 days" in purge(capsys, db)
    monkeypatch.setenv("MPP_RETENTION_DAYS", "160")
    assert "1 request older than 160 days" in purge(capsys, db)
    assert all(purged is not None for _payload, purged in stored(engine).values())


@pytest.mark.parametrize("days", ["0", "-5", "many"])
def test_a_retention_below_one_day_is_refused(tmp_path, capsys, days):
    with pytest.raises(SystemExit) as exited:
        mpp_server(["purge", "--database-url", f"sqlite:///{tmp_path / 's.db'}",
                    "--retention-days", days])  # fmt: skip
    assert exited.value.code == 2
    assert "retention" in capsys.readouterr().err
