"""The answers key is never silently replaced, and `kiosk-sync backup` saves it apart.

A kiosk whose key went missing (a restore that forgot it, a cleaned-up folder) used to make a
new key at its next start: every unsent answer then failed to decrypt and went to the dead
letter. Now start-up stops and names the key backup to put back.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app, open_store
from kiosk.config import KioskSettings, demo_config_text
from kiosk.store.answer_cipher import AnswerKeyError
from kiosk.store.models import ServiceRequest
from kiosk.sync_cli import main as kiosk_sync
from kiosk.usecases import submit_request


def settings(data: Path, kiosk_id: str = "rgj-1") -> KioskSettings:
    return KioskSettings(kiosk_id=kiosk_id, outpost="rogojampi", data_dir=data)


def kiosk_with_an_answer(data: Path, kiosk_id: str = "rgj-1") -> str:
    app = build_app(settings(data, kiosk_id))
    try:
        issued = submit_request(
            app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1"
        )
    finally:
        app.close()
    return issued.request_id


def answers_of(data: Path, request_id: str) -> str:
    app = build_app(settings(data))
    try:
        with app.store.uow(read_only=True) as uow:
            stored = uow.session.get(ServiceRequest, request_id).answers
        return app.context.cipher.decrypt(stored, request_id)
    finally:
        app.close()


def write_config(tmp_path: Path, data: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "rgj-1"\noutpost = "rogojampi"\ndata_dir = "{data.as_posix()}"\n',
        encoding="utf-8",
    )
    return config


def test_a_missing_key_with_encrypted_answers_stops_start_up_and_names_the_backup(tmp_path):
    data = tmp_path / "data"
    kiosk_with_an_answer(data)
    key = data / "keys" / "answers.key"
    key.unlink()  # e.g. the database was restored without its key

    with pytest.raises(AnswerKeyError) as stopped:
        build_app(settings(data))

    words = str(stopped.value)
    assert "missing" in words and "1 encrypted" in words
    assert "kiosk-sync backup" in words and "answers-rgj-1-" in words
    assert not key.exists()  # no new key was made in its place


def test_a_fresh_kiosk_and_one_without_answers_still_get_a_key(tmp_path):
    app = build_app(settings(tmp_path / "fresh"))
    app.close()
    key = tmp_path / "fresh" / "keys" / "answers.key"
    assert len(key.read_bytes()) == 32 and stat.S_IMODE(key.stat().st_mode) == 0o600


def test_a_key_from_another_kiosk_is_refused_not_used(tmp_path):
    data, other = tmp_path / "data", tmp_path / "other"
    kiosk_with_an_answer(data)
    kiosk_with_an_answer(other)
    mine = (data / "keys" / "answers.key").read_bytes()
    (data / "keys" / "answers.key").write_bytes((other / "keys" / "answers.key").read_bytes())

    with pytest.raises(AnswerKeyError, match="does not open"):
        build_app(settings(data))

    (data / "keys" / "answers.key").write_bytes(mine)
    build_app(settings(data)).close()


def test_kiosk_sync_backup_saves_the_key_apart_and_a_restore_reads_the_answers(tmp_path, capsys):
    data = tmp_path / "data"
    request_id = kiosk_with_an_answer(data)
    config = write_config(tmp_path, data)
    usb, other_usb = tmp_path / "usb", tmp_path / "second-usb"

    code = kiosk_sync(
        ["--config", str(config), "backup", "--to", str(usb), "--key-to", str(other_usb)]
    )

    out = capsys.readouterr().out
    assert code == 0
    (copy,) = usb.glob("kiosk-*-manual.db")
    (saved_key,) = other_usb.glob("answers-rgj-1-*.key")
    assert not list(usb.glob("*.key"))  # the key is not next to the database copy
    assert stat.S_IMODE(saved_key.stat().st_mode) == 0o600
    assert saved_key.read_bytes() == (data / "keys" / "answers.key").read_bytes()
    assert str(saved_key) in out

    # the disk dies; the admin restores both as the guide says
    restored = tmp_path / "restored"
    (restored / "keys").mkdir(parents=True)
    copy.rename(restored / "kiosk.db")
    saved_key.rename(restored / "keys" / "answers.key")
    assert answers_of(restored, request_id).startswith('{"nik": "3510091203850001"')


def test_backup_without_key_to_puts_the_key_in_its_own_file_beside_the_copy(tmp_path, capsys):
    data = tmp_path / "data"
    kiosk_with_an_answer(data)
    config = write_config(tmp_path, data)

    assert kiosk_sync(["--config", str(config), "backup"]) == 0
    assert kiosk_sync(["--config", str(config), "backup"]) == 0  # the same key, once

    out = capsys.readouterr().out
    assert len(list((data / "backups").glob("kiosk-*-manual.db"))) >= 1
    (saved_key,) = (data / "backups").glob("answers-rgj-1-*.key")
    assert "keep it apart" in out


def _demo(module: str, *args: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(home))
    return subprocess.run(
        [sys.executable, "-m", module, "--demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_kiosk_and_kiosk_sync_stop_with_words_when_the_key_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_DEMO_DIR", str(tmp_path))
    demo = tmp_path / "demo"
    demo.mkdir()
    (demo / "kiosk.toml").write_text(demo_config_text(demo / "data"), encoding="utf-8")
    app = build_app(
        KioskSettings(kiosk_id="demo-rogojampi-1", outpost="rogojampi", data_dir=demo / "data")
    )
    submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    assert kiosk_sync(["--demo", "backup"]) == 0
    app.close()
    key = demo / "data" / "keys" / "answers.key"
    key.unlink()

    for module, *args in (["kiosk", "--self-check"], ["kiosk.sync_cli", "status"]):
        done = _demo(module, *args, home=tmp_path)
        assert done.returncode != 0, module
        assert "answers key" in done.stderr and "missing" in done.stderr, done.stderr[-2000:]
        assert "backups/answers-demo-rogojampi-1-" in done.stderr, done.stderr[-2000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        assert not key.exists()
    store = open_store(demo / "data" / "kiosk.db", demo / "data" / "backups")
    with store.uow(read_only=True) as uow:  # the answers are still there, still sealed
        assert uow.session.scalars(select(ServiceRequest.answers)).one().startswith("v1:")
    store.engine.dispose()


def test_a_kiosk_from_before_key_ids_has_its_key_checked_on_the_answers(tmp_path):
    from sqlalchemy import delete

    from kiosk.store.answer_key import KEY_ID_STATE
    from kiosk.store.models import KioskState

    data, other = tmp_path / "data", tmp_path / "other"
    request_id = kiosk_with_an_answer(data)
    kiosk_with_an_answer(other)
    store = open_store(data / "kiosk.db", data / "backups")
    with store.uow() as uow:  # as an older kiosk left it: no key id on record
        uow.session.execute(delete(KioskState).where(KioskState.key == KEY_ID_STATE))
        uow.commit()
    store.engine.dispose()
    mine = (data / "keys" / "answers.key").read_bytes()
    (data / "keys" / "answers.key").write_bytes((other / "keys" / "answers.key").read_bytes())

    with pytest.raises(AnswerKeyError, match="does not open"):
        build_app(settings(data))

    (data / "keys" / "answers.key").write_bytes(mine)
    assert answers_of(data, request_id).startswith('{"nik"')
