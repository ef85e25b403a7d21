"""Residents' answers encrypted at rest on the real server (mpp_server.answers_at_rest):
the database row holds no NIK and no name, the staff page shows them, a resent record is
still a duplicate, and a blob moved to another row or read with another key stays shut.
SQLite always; PostgreSQL too when ``MPP_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import text

from mpp_server.accounts import add_staff
from mpp_server.answers_at_rest import (
    AnswersCipher,
    AnswersKeyError,
    new_key_file,
    read_key_file,
)
from mpp_server.app import create_app
from mpp_server.db import add_kiosk, open_engine
from mpp_server.retention import purge_answers
from tests.integration.conftest import ThreadServer, free_port, wait_healthy
from tests.integration.test_status_server import (
    NAME,
    NIK,
    PASSWORD,
    ROOMY,
    Server,
    new_code,
    service_request,
    signed_in,
)

UNREADABLE_ID = "Jawaban tidak dapat dibaca dengan kunci server ini"
UNREADABLE_EN = "The answers cannot be read with this server&#39;s key"


def _bearer(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


@contextmanager
def running(url: str, cipher: AnswersCipher | None, *, first: bool = True) -> Iterator[Server]:
    """The real server in a thread on ``url``; ``first`` adds its kiosk and staff."""
    app = create_app(url, public_limits=ROOMY, answers_cipher=cipher)
    engine = app.state.engine
    token = ""
    if first:
        token = add_kiosk(engine, "k1", "rogojampi")
        add_staff(engine, "siti", "officer", PASSWORD)
    thread = ThreadServer(app).start()
    kiosk = _bearer(token)
    try:
        yield Server(thread.url, engine, kiosk, kiosk, kiosk, token)
    finally:
        kiosk.close()
        thread.stop()
        engine.dispose()


def _push(server: Server, *records: dict[str, Any]) -> list[tuple[str, str | None]]:
    answer = server.kiosk.post(server.url + "/api/v1/records:batch", json={"records": records})
    assert answer.status_code == 200, answer.text
    return [(r["status"], r.get("reason")) for r in answer.json()["results"]]


def _raw_payload(url: str, record_id: str) -> str:
    """The row as stored, read with plain SQL (not the server's models)."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT payload FROM records WHERE id = :id"), {"id": record_id}
            ).scalar_one()
    finally:
        engine.dispose()


def _page(server: Server, record_id: str) -> str:
    staff = signed_in(server)
    try:
        answer = staff.get(f"{server.url}/staff/requests/{record_id}")
        assert answer.status_code == 200, answer.text[:500]
        return answer.text
    finally:
        staff.close()


@pytest.fixture
def key(tmp_path: Path) -> AnswersCipher:
    new_key_file(tmp_path / "answers.key")
    return read_key_file(tmp_path / "answers.key")


def test_the_row_holds_no_nik_or_name_and_the_staff_page_shows_them(any_db_url, key):
    code = new_code()
    record = service_request(code)
    with running(any_db_url, key) as server:
        assert _push(server, record) == [("accepted", None)]
        page = _page(server, record["id"])
    raw = _raw_payload(any_db_url, record["id"])
    assert NIK not in raw and NAME not in raw and "Budi" not in raw
    stored = json.loads(raw)
    assert stored["answers"].startswith("sealed:v1:")
    sent = record["payload"]
    for field in ("tracking_code", "status_secret", "service_code", "ticket_number"):
        assert stored[field] == sent[field]  # the figures and the status page still read them
    assert NIK in page and NAME in page
    assert UNREADABLE_ID not in page


def test_a_record_resent_after_sealing_is_a_duplicate_and_a_changed_one_a_conflict(any_db_url, key):
    record = service_request(new_code())
    with running(any_db_url, key) as server:
        assert _push(server, record) == [("accepted", None)]
        assert _push(server, record) == [("duplicate", None)]
        changed = json.loads(json.dumps(record))
        changed["payload"]["answers"]["nama"] = "Siti Aminah"
        assert _push(server, changed) == [("rejected", "conflict")]
        page = _page(server, record["id"])
    assert NAME in page and "Siti Aminah" not in page  # the stored one is kept


def test_a_sealed_blob_copied_to_another_row_does_not_open(any_db_url, key):
    first, second = service_request(new_code()), service_request(new_code())
    second["payload"]["answers"] = {**second["payload"]["answers"], "nama": "Ani Lestari"}
    with running(any_db_url, key) as server:
        assert _push(server, first, second) == [("accepted", None)] * 2
        blob = json.loads(_raw_payload(any_db_url, first["id"]))["answers"]
        moved = json.loads(_raw_payload(any_db_url, second["id"]))
        moved["answers"] = blob
        with server.engine.begin() as connection:
            connection.execute(
                text("UPDATE records SET payload = :p WHERE id = :id"),
                {"p": json.dumps(moved), "id": second["id"]},
            )
        page = _page(server, second["id"])
        still = _page(server, first["id"])
    assert UNREADABLE_ID in page and UNREADABLE_EN in page
    assert NIK not in page and NAME not in page
    assert NAME in still  # on its own row it opens
    with pytest.raises(ValueError):
        key.open(blob, second["id"])
    assert key.open(blob, first["id"])["nik"] == NIK


def test_a_server_with_another_key_or_none_says_the_answers_cannot_be_read(
    any_db_url, key, tmp_path
):
    record = service_request(new_code())
    with running(any_db_url, key) as server:
        assert _push(server, record) == [("accepted", None)]
    new_key_file(tmp_path / "other.key")
    for other in (read_key_file(tmp_path / "other.key"), None):
        with running(any_db_url, other, first=False) as server:
            page = _page(server, record["id"])
        assert UNREADABLE_ID in page and UNREADABLE_EN in page
        assert NIK not in page and NAME not in page
    with running(any_db_url, key, first=False) as server:  # the right key still reads them
        assert NIK in _page(server, record["id"])


def test_retention_erases_sealed_answers(any_db_url, key):
    old = service_request(None, days_ago=400)
    with running(any_db_url, key) as server:
        assert _push(server, old) == [("accepted", None)]
        assert purge_answers(server.engine, 180, now=datetime.now(UTC)).requests == 1
        assert _push(server, old) == [("duplicate", None)]
    stored = json.loads(_raw_payload(any_db_url, old["id"]))
    assert stored["answers"] is None and stored["service_code"] == "LEGALISIR"


def test_new_answers_key_is_owner_only_and_never_overwritten(tmp_path: Path):
    path = tmp_path / "answers.key"
    cli = [sys.executable, "-m", "mpp_server.cli", "new-answers-key", str(path)]
    done = subprocess.run(cli, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text().strip())) == 32
    before = path.read_bytes()
    again = subprocess.run(cli, capture_output=True, text=True)
    assert again.returncode == 1 and "never overwritten" in again.stderr
    assert path.read_bytes() == before
    read_key_file(path)


def test_serve_refuses_a_damaged_key_and_seals_with_a_good_one(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    bad = tmp_path / "bad.key"
    bad.write_text("not a key\n")
    serve = [sys.executable, "-m", "mpp_server.cli", "serve", "--database-url", url]
    refused = subprocess.run([*serve, "--answers-key-file", str(bad)], capture_output=True,
                             text=True, timeout=60)  # fmt: skip
    assert refused.returncode == 1 and "not a key" in refused.stderr
    with pytest.raises(AnswersKeyError):
        read_key_file(tmp_path / "missing.key")

    good = tmp_path / "answers.key"
    new_key_file(good)
    engine = open_engine(url)
    token = add_kiosk(engine, "k1", "rogojampi")
    engine.dispose()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "MPP_ANSWERS_KEY_FILE"}
    proc = subprocess.Popen(
        [*serve, "--port", str(port), "--log-level", "warning", "--answers-key-file", str(good)],
        env=env,
    )
    record = service_request(new_code())
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc=proc)
        answer = requests.post(
            base + "/api/v1/records:batch",
            json={"records": [record]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.json()["results"][0]["status"] == "accepted", answer.text
    finally:
        proc.terminate()
        proc.wait(10)
    raw = _raw_payload(url, record["id"])
    assert NIK not in raw and NAME not in raw
    assert read_key_file(good).open(json.loads(raw)["answers"], record["id"])["nik"] == NIK
