"""Retention at the kiosk covers what was never sent, and the kiosk's own backups.

Answers of sent requests go after ``retention_days``; those of requests never sent or in the
dead letter get a grace of 30 days more (time to notice a sync that stopped), then go too,
and their records move to the dead letter rather than reach the server empty. Database
copies in ``<data>/backups`` go after ``retention_days``. ``kiosk-sync status`` says what
is due and when, before it happens.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.clock import wib_day
from kiosk.config import KioskSettings
from kiosk.store.models import OutboxEntry, ServiceRequest
from kiosk.sync_cli import main as kiosk_sync
from kiosk.usecases import submit_request
from kiosk.usecases.privacy import GRACE_DAYS, purge_personal_data, retention_forecast
from tests.fakes import SteppingClock


@pytest.fixture
def clock():
    return SteppingClock()


@pytest.fixture
def app(tmp_path, clock):
    settings = KioskSettings(
        kiosk_id="rgj-1", outpost="rogojampi", data_dir=tmp_path / "data", retention_days=30
    )
    app = build_app(settings, clock=clock, monotonic=clock.monotonic)
    yield app
    app.close()


def submit(app) -> str:  # noqa: ANN001
    issued = submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    return issued.request_id


def set_state(app, request_id: str, state: str, error: str | None = None) -> None:  # noqa: ANN001
    with app.store.uow() as uow:
        uow.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.record_id == request_id)
            .values(state=state, last_error=error)
        )
        uow.commit()


def answers(app) -> dict[str, str | None]:  # noqa: ANN001
    with app.store.uow(read_only=True) as uow:
        return dict(uow.session.execute(select(ServiceRequest.id, ServiceRequest.answers)).all())


def outbox(app, request_id: str) -> tuple[str, str | None]:  # noqa: ANN001
    with app.store.uow(read_only=True) as uow:
        entry = uow.session.scalars(
            select(OutboxEntry).where(OutboxEntry.record_id == request_id)
        ).one()
        return entry.state, entry.last_error


def test_dead_and_never_sent_answers_are_purged_after_retention_and_grace(app, clock):
    dead, never_sent, sent = submit(app), submit(app), submit(app)
    set_state(app, dead, "dead", "invalid_answers")
    set_state(app, sent, "sent")
    clock.advance(days=30 + 10)
    young = submit(app)

    assert purge_personal_data(app.context, 30) == 1  # the sent one only: grace for the rest
    kept = answers(app)
    assert kept[sent] is None and kept[dead] and kept[never_sent] and kept[young]

    clock.advance(days=GRACE_DAYS - 10 + 1)  # 61 days after the first three
    assert purge_personal_data(app.context, 30) == 2

    kept = answers(app)
    assert kept[dead] is None and kept[never_sent] is None and kept[young] is not None
    assert outbox(app, never_sent) == ("dead", "answers purged: not sent within 60 days")
    assert outbox(app, dead)[0] == "dead"
    assert outbox(app, young) == ("pending", None)
    app.outbox.retry_dead()
    assert outbox(app, dead)[0] == outbox(app, never_sent)[0] == "dead"  # never sent emptied


def test_the_kiosks_own_backups_are_deleted_after_the_retention(app, clock):
    folder = app.paths.backups
    folder.mkdir(parents=True, exist_ok=True)
    now = clock()
    old = folder / f"kiosk-{(now - timedelta(days=31)):%Y%m%dT%H%M%SZ}-before-0004.db"
    recent = folder / f"kiosk-{(now - timedelta(days=29)):%Y%m%dT%H%M%SZ}-manual.db"
    key = folder / "answers-rgj-1-0123456789ab.key"
    for path in (old, recent, key):
        path.write_bytes(b"x")

    purge_personal_data(app.context, 30)

    assert not old.exists()
    assert recent.exists() and key.exists()  # a key is needed by every copy still kept


def test_the_forecast_says_what_goes_when(app, clock):
    sent, unsent = submit(app), submit(app)
    set_state(app, sent, "sent")
    clock.advance(days=20)
    forecast = retention_forecast(app.context, 30)

    assert (forecast.sent.due_now, forecast.sent.next_count) == (0, 1)
    assert forecast.sent.next_on == (clock() + timedelta(days=10)).date()
    assert (forecast.unsent.due_now, forecast.unsent.next_count) == (0, 1)
    assert forecast.unsent.next_on == (clock() + timedelta(days=40)).date()
    assert unsent


def test_kiosk_sync_status_says_what_will_be_purged_when(tmp_path, capsys):
    data = tmp_path / "data"
    app = build_app(KioskSettings(kiosk_id="rgj-1", outpost="rogojampi", data_dir=data))
    sent, unsent = submit(app), submit(app)
    set_state(app, sent, "sent")
    long_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=85)
    with app.store.uow() as uow:
        uow.session.execute(update(ServiceRequest).values(created_at=long_ago))
        uow.commit()
    app.close()
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "rgj-1"\noutpost = "rogojampi"\ndata_dir = "{data.as_posix()}"\n',
        encoding="utf-8",
    )
    created = long_ago.replace(tzinfo=UTC)
    due_sent = wib_day(created + timedelta(days=90)).isoformat()
    due_unsent = wib_day(created + timedelta(days=120)).isoformat()

    assert kiosk_sync(["--config", str(config), "status"]) == 0
    out = capsys.readouterr().out
    assert "retention" in out and "90 days" in out and "120 days" in out
    assert f"1 request's answers on {due_sent}" in out
    assert f"1 unsent request's answers on {due_unsent}" in out

    assert kiosk_sync(["--config", str(config), "status", "--json"]) == 0
    retention = json.loads(capsys.readouterr().out)["retention"]
    assert retention["sent"]["next_on"] == due_sent and retention["grace_days"] == 30
    assert unsent
