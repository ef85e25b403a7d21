"""The answers key sealed by systemd-creds, when the config asks for it.

``tests/fake_systemd_creds.py`` stands in for the real tool (it behaves as systemd-creds(1)
describes encrypt and decrypt, name check and ``--user`` included); a host secret file plays
the machine's TPM2 chip and credential secret.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.config import parse_config
from kiosk.store.answer_cipher import AnswerKeyError
from kiosk.store.answer_key import CREDENTIAL_NAME
from kiosk.store.models import ServiceRequest
from kiosk.sync_cli import main as kiosk_sync
from kiosk.usecases import submit_request
from tests.fake_systemd_creds import CALLS_ENV, SECRET_ENV, install


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A machine with (fake) systemd-creds on its PATH; yields the host secret's path."""
    secret = tmp_path / "machine" / "credential.secret"
    secret.parent.mkdir()
    install(tmp_path / "bin", secret)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(SECRET_ENV, str(secret))
    monkeypatch.setenv(CALLS_ENV, str(tmp_path / "calls.txt"))
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    return secret


def sealed_settings(data: Path, store: str = "systemd-creds", **key: str):
    return parse_config(
        {
            "kiosk_id": "rgj-1",
            "outpost": "rogojampi",
            "data_dir": str(data),
            "answer_key": {"store": store, **key},
        }
    )


def submit_one(data: Path, store: str = "systemd-creds") -> str:
    app = build_app(sealed_settings(data, store))
    try:
        issued = submit_request(
            app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1"
        )
    finally:
        app.close()
    return issued.request_id


def read_back(data: Path, request_id: str, store: str = "systemd-creds") -> str:
    app = build_app(sealed_settings(data, store))
    try:
        with app.store.uow(read_only=True) as uow:
            stored = uow.session.get(ServiceRequest, request_id).answers
        return app.context.cipher.decrypt(stored, request_id)
    finally:
        app.close()


def test_a_configured_kiosk_seals_its_key_and_keeps_no_plain_copy(machine, tmp_path):
    data = tmp_path / "data"

    request_id = submit_one(data)

    sealed = data / "keys" / "answers.key.cred"
    assert sealed.exists() and not (data / "keys" / "answers.key").exists()
    assert oct(sealed.stat().st_mode & 0o777) == "0o600"
    assert '"nik": "3510091203850001"' in read_back(data, request_id)
    calls = (tmp_path / "calls.txt").read_text()
    assert f"encrypt --user --name={CREDENTIAL_NAME} -" in calls
    assert f"decrypt --user --name={CREDENTIAL_NAME}" in calls


def test_a_plain_key_is_sealed_when_the_config_switches_and_answers_stay_readable(
    machine, tmp_path
):
    data = tmp_path / "data"
    request_id = submit_one(data, store="file")
    plain = (data / "keys" / "answers.key").read_bytes()

    assert '"nik"' in read_back(data, request_id)  # now with store = "systemd-creds"

    assert not (data / "keys" / "answers.key").exists()
    assert plain not in (data / "keys" / "answers.key.cred").read_bytes()


def test_the_sealed_key_does_not_open_on_another_machine_until_the_backup_is_put_back(
    machine, tmp_path
):
    data = tmp_path / "data"
    request_id = submit_one(data)
    app = build_app(sealed_settings(data))
    saved = app.keys.read()  # what `kiosk-sync backup` saves
    app.close()
    sealed = (data / "keys" / "answers.key.cred").read_bytes()
    machine.write_bytes(os.urandom(32))  # the disk in another machine: another TPM and secret

    with pytest.raises(AnswerKeyError, match="systemd-creds decrypt of the answers key failed"):
        build_app(sealed_settings(data))
    assert (data / "keys" / "answers.key.cred").read_bytes() == sealed  # left as it was

    (data / "keys" / "answers.key").write_bytes(os.urandom(32))  # a wrong key first
    with pytest.raises(AnswerKeyError, match="does not open"):
        build_app(sealed_settings(data))
    assert (data / "keys" / "answers.key.cred").read_bytes() == sealed  # never sealed over

    (data / "keys" / "answers.key").write_bytes(saved)  # as the error message says
    assert '"nik"' in read_back(data, request_id)
    assert not (data / "keys" / "answers.key").exists()  # sealed again, for this machine


def test_the_service_managers_credential_is_used_when_it_hands_one_in(
    machine, tmp_path, monkeypatch
):
    data = tmp_path / "data"
    request_id = submit_one(data)
    app = build_app(sealed_settings(data))
    key = app.keys.read()
    app.close()
    loaded = tmp_path / "run-credentials"  # what LoadCredentialEncrypted= makes
    loaded.mkdir()
    (loaded / CREDENTIAL_NAME).write_bytes(key)
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(loaded))
    (tmp_path / "calls.txt").unlink()

    assert '"nik"' in read_back(data, request_id)
    assert not (tmp_path / "calls.txt").exists()  # the tool was not needed


def test_backup_saves_the_unsealed_key_so_a_new_machine_can_restore(machine, tmp_path):
    data = tmp_path / "data"
    request_id = submit_one(data)
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "rgj-1"\noutpost = "rogojampi"\ndata_dir = "{data.as_posix()}"\n'
        '[answer_key]\nstore = "systemd-creds"\n',
        encoding="utf-8",
    )
    assert kiosk_sync(["--config", str(config), "backup", "--to", str(tmp_path / "usb")]) == 0
    (copy,) = (tmp_path / "usb").glob("kiosk-*.db")
    (key,) = (tmp_path / "usb").glob("answers-rgj-1-*.key")

    new_machine = tmp_path / "new"
    (new_machine / "keys").mkdir(parents=True)
    copy.rename(new_machine / "kiosk.db")
    key.rename(new_machine / "keys" / "answers.key")
    assert '"nik"' in read_back(new_machine, request_id, store="file")


def test_a_missing_systemd_creds_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    settings = sealed_settings(tmp_path / "data", systemd_creds=str(tmp_path / "no-such-tool"))

    with pytest.raises(AnswerKeyError, match="not installed"):
        build_app(settings)
