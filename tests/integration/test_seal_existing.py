"""``mpp-server seal-answers``: answers a server stored in clear, before it had an answers
key, sealed afterwards (mpp_server.seal_existing). Records are pushed to the real server
without a key, then the command runs with a new one. SQLite always; PostgreSQL too when
``MPP_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from Crypto.Cipher import AES
from sqlalchemy import text

from mpp_server import seal_existing
from mpp_server.answers_at_rest import AnswersCipher, new_key_file, read_key_file
from mpp_server.cli import main as mpp_server
from mpp_server.db import open_engine
from mpp_server.retention import purge_answers
from mpp_server.seal_existing import count_clear_answers, seal_stored_answers
from tests.integration.conftest import free_port, wait_healthy
from tests.integration.test_server_answers_at_rest import (
    _bearer,
    _page,
    _push,
    running,
)
from tests.integration.test_status_server import NAME, NIK, Server, new_code, service_request


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.key"
    new_key_file(path)
    return path


@pytest.fixture(autouse=True)
def no_key_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPP_ANSWERS_KEY_FILE", raising=False)


def stored_in_clear(url: str, *records: dict[str, Any]) -> str:
    """Push through the real server running without a key; returns the kiosk's token."""
    with running(url, None) as server:
        assert _push(server, *records) == [("accepted", None)] * len(records)
        return server.kiosk_token


def seal(url: str, *args: str) -> tuple[int, str, str]:
    """``mpp-server seal-answers`` on ``url``: its exit code, stdout and stderr."""
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = mpp_server(["seal-answers", "--database-url", url, *args])
    return code, out.getvalue(), err.getvalue()


def rows(url: str) -> dict[str, tuple[str, str]]:
    """Every record's stored payload text and content hash, read with plain SQL."""
    engine = open_engine(url)
    try:
        with engine.connect() as connection:
            found = connection.execute(text("SELECT id, payload, content_hash FROM records"))
            return {record_id: (payload, digest) for record_id, payload, digest in found}
    finally:
        engine.dispose()


def opened_by_hand(key_file: Path, sealed: str, record_id: str) -> Any:
    """AES-256-GCM as the module docstring lays it out, without our AnswersCipher."""
    assert sealed.startswith("sealed:v1:")
    raw = base64.b64decode(sealed[len("sealed:v1:") :])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    gcm = AES.new(bytes.fromhex(key_file.read_text().strip()), AES.MODE_GCM, nonce=nonce)
    gcm.update(record_id.encode())
    return json.loads(gcm.decrypt_and_verify(body, tag))


def as_kiosk(server: Server, token: str) -> Server:
    """The server as the kiosk that pushed before (a restarted server adds no kiosk)."""
    return dataclasses.replace(server, kiosk=_bearer(token))


def test_sealed_answers_open_with_the_key_and_a_resent_record_is_still_a_duplicate(
    any_db_url, key_file
):
    first, second = service_request(new_code()), service_request(new_code())
    token = stored_in_clear(any_db_url, first, second)
    before = rows(any_db_url)
    assert NIK in before[first["id"]][0]

    code, out, _ = seal(any_db_url, "--answers-key-file", str(key_file))

    assert code == 0 and out == "sealed 2 records; 0 already sealed; 0 without answers\n"
    after = rows(any_db_url)
    for record in (first, second):
        payload, digest = after[record["id"]]
        assert NIK not in payload and NAME not in payload
        assert digest == before[record["id"]][1]
        sealed = json.loads(payload)["answers"]
        assert opened_by_hand(key_file, sealed, record["id"]) == record["payload"]["answers"]
    with running(any_db_url, read_key_file(key_file), first=False) as server:
        page = _page(server, first["id"])
        kiosk = as_kiosk(server, token)
        assert _push(kiosk, first) == [("duplicate", None)]
        changed = json.loads(json.dumps(first))
        changed["payload"]["answers"]["nama"] = "Siti Aminah"
        assert _push(kiosk, changed) == [("rejected", "conflict")]
    assert NIK in page and NAME in page


def test_a_second_run_seals_nothing_and_a_dry_run_changes_nothing(any_db_url, key_file):
    records = [service_request(new_code()) for _ in range(3)]
    stored_in_clear(any_db_url, *records)
    before = rows(any_db_url)

    code, out, _ = seal(any_db_url, "--answers-key-file", str(key_file), "--dry-run")
    assert code == 0 and out == "would seal 3 records; 0 already sealed; 0 without answers\n"
    assert rows(any_db_url) == before

    assert seal(any_db_url, "--answers-key-file", str(key_file))[0] == 0
    sealed = rows(any_db_url)
    code, out, _ = seal(any_db_url, "--answers-key-file", str(key_file))

    assert code == 0 and out == "sealed 0 records; 3 already sealed; 0 without answers\n"
    assert rows(any_db_url) == sealed != before


def test_without_a_key_or_with_a_damaged_one_nothing_changes(any_db_url, tmp_path, monkeypatch):
    stored_in_clear(any_db_url, service_request(new_code()))
    before = rows(any_db_url)
    damaged = tmp_path / "damaged.key"
    damaged.write_text("not a key\n")

    no_key = seal(any_db_url)
    bad_key = seal(any_db_url, "--answers-key-file", str(damaged))
    missing = seal(any_db_url, "--answers-key-file", str(tmp_path / "missing.key"))

    assert no_key[0] == 1 and "no answers key" in no_key[2] and "nothing changed" in no_key[2]
    assert bad_key[0] == 1 and "is not a key" in bad_key[2]
    assert missing[0] == 1 and "cannot be read" in missing[2]
    assert rows(any_db_url) == before
    good = tmp_path / "answers.key"
    new_key_file(good)
    monkeypatch.setenv("MPP_ANSWERS_KEY_FILE", str(good))  # the key `serve` is given
    assert seal(any_db_url)[1].startswith("sealed 1 record;")


def test_purged_requests_are_skipped_and_stay_purged(any_db_url, key_file):
    old, recent = service_request(None, days_ago=400), service_request(new_code())
    token = stored_in_clear(any_db_url, old, recent)
    engine = open_engine(any_db_url)
    try:
        assert purge_answers(engine, 180).requests == 1
    finally:
        engine.dispose()
    purged = rows(any_db_url)[old["id"]]

    code, out, _ = seal(any_db_url, "--answers-key-file", str(key_file))

    assert code == 0 and out == "sealed 1 record; 0 already sealed; 1 without answers\n"
    assert rows(any_db_url)[old["id"]] == purged
    assert json.loads(purged[0])["answers"] is None
    with running(any_db_url, read_key_file(key_file), first=False) as server:
        assert _push(as_kiosk(server, token), old, recent) == [("duplicate", None)] * 2


class FailingAfter(AnswersCipher):
    """Stops the run (a crash, a kill) once it has sealed ``allowed`` answers."""

    def __init__(self, key: bytes, allowed: int) -> None:
        super().__init__(key)
        self.allowed = allowed

    def seal(self, answers: Any, record_id: str) -> str:
        if self.allowed == 0:
            raise RuntimeError("stopped")
        self.allowed -= 1
        return super().seal(answers, record_id)


def test_a_stopped_run_keeps_the_batches_it_committed_and_the_next_one_goes_on(
    any_db_url, key_file, monkeypatch
):
    stored_in_clear(any_db_url, *(service_request(new_code()) for _ in range(5)))
    monkeypatch.setattr(seal_existing, "_PAGE", 2)
    key = bytes.fromhex(key_file.read_text().strip())
    engine = open_engine(any_db_url)
    try:
        with pytest.raises(RuntimeError):
            seal_stored_answers(engine, FailingAfter(key, allowed=3))
        assert count_clear_answers(engine) == 3  # two pages of two; the third rolled back
        done = seal_stored_answers(engine, AnswersCipher(key))
        assert (done.sealed, done.already_sealed, done.without_answers) == (3, 2, 0)
        assert count_clear_answers(engine) == 0
    finally:
        engine.dispose()


def test_no_clear_answer_is_left_in_the_sqlite_files(tmp_path, key_file):
    db = tmp_path / "server.db"
    url = f"sqlite:///{db}"
    stored_in_clear(url, service_request(new_code()))
    assert NIK.encode() in _on_disk(db)

    assert seal(url, "--answers-key-file", str(key_file))[0] == 0

    assert NIK.encode() not in _on_disk(db) and NAME.encode() not in _on_disk(db)


def _on_disk(db: Path) -> bytes:
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_serve_with_a_key_warns_once_while_answers_are_in_clear(tmp_path, key_file):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    stored_in_clear(url, service_request(new_code()), service_request(new_code()))

    first = _serve_log(url, key_file)
    assert seal(url, "--answers-key-file", str(key_file))[0] == 0
    after = _serve_log(url, key_file)

    warned = [line for line in first.splitlines() if "seal-answers" in line]
    assert len(warned) == 1 and "2 records hold residents' answers IN CLEAR" in warned[0]
    assert "seal-answers" not in after


def _serve_log(url: str, key_file: Path) -> str:
    """What ``mpp-server serve --answers-key-file`` logs until it is healthy and stopped."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "MPP_ANSWERS_KEY_FILE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mpp_server.cli", "serve", "--database-url", url,
         "--port", str(port), "--answers-key-file", str(key_file), "--log-level", "warning"],
        env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc=proc)
    finally:
        proc.terminate()
        _, log = proc.communicate(timeout=10)
    return log


def test_the_warning_counts_what_the_command_would_seal(any_db_url, key_file):
    records = [service_request(new_code()) for _ in range(2)]
    stored_in_clear(any_db_url, *records, service_request(None, days_ago=400))
    engine = open_engine(any_db_url)
    try:
        purge_answers(engine, 180)
        assert count_clear_answers(engine) == 2
        done = seal_stored_answers(engine, read_key_file(key_file), dry_run=True)
        assert done.sealed == 2 and done.without_answers == 1
    finally:
        engine.dispose()
