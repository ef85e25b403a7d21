"""Purging personal answers after the retention period, never before they are synced."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest
from kiosk.usecases import day_summary, submit_request
from kiosk.usecases.privacy import purge_personal_data
from tests.fakes import SteppingClock


@pytest.fixture
def clock():
    return SteppingClock()


@pytest.fixture
def app(tmp_path, clock):
    app = build_app(
        KioskSettings(kiosk_id="rgj-1", outpost="rogojampi", data_dir=tmp_path),
        clock=clock,
        monotonic=clock.monotonic,
    )
    yield app
    app.close()


def test_purge_erases_old_synced_answers_and_keeps_the_rest(app, clock):
    synced = submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    unsynced = submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    with app.store.uow() as uow:
        uow.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.record_id == synced.request_id)
            .values(state="sent")
        )
        uow.commit()
    first_day = clock().date()
    clock.advance(days=10)
    recent = submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    with app.store.uow() as uow:
        uow.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.record_id == recent.request_id)
            .values(state="sent")
        )
        uow.commit()

    assert purge_personal_data(app.context, retention_days=7) == 1

    with app.store.uow(read_only=True) as uow:
        rows = uow.session.execute(select(ServiceRequest.id, ServiceRequest.answers)).all()
        answers = {row.id: row.answers for row in rows}
        tickets = uow.session.scalars(select(QueueTicket.number)).all()
    assert answers[synced.request_id] is None
    assert answers[unsynced.request_id] is not None  # never purged before the server has it
    assert answers[recent.request_id] is not None  # younger than the retention
    assert len(tickets) == 3
    assert day_summary(app.context, first_day).total_issued == 2  # statistics survive


def test_kiosk_sync_purge_command(tmp_path):
    import subprocess
    import sys

    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "k1"\noutpost = "genteng"\nretention_days = 30\ndata_dir = "{tmp_path}"\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.sync_cli", "--config", str(config), "purge"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "0 requests older than 30 days purged" in result.stdout


def test_kiosk_sync_backup_makes_an_owner_only_consistent_copy(tmp_path):
    import sqlite3
    import stat
    import subprocess
    import sys

    data = tmp_path / "data"
    app = build_app(KioskSettings(kiosk_id="k1", outpost="rogojampi", data_dir=data))
    submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    config = tmp_path / "kiosk.toml"
    config.write_text(f'kiosk_id = "k1"\noutpost = "rogojampi"\ndata_dir = "{data}"\n')
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk.sync_cli",
            "--config",
            str(config),
            "backup",
            "--to",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    app.close()
    assert result.returncode == 0, result.stderr
    (copy,) = (tmp_path / "out").glob("kiosk-*-manual.db")
    assert stat.S_IMODE(copy.stat().st_mode) & 0o077 == 0
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM service_requests").fetchone()[0] == 1
    assert "answers.key" in result.stdout
