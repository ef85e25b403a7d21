"""The running kiosk purges old personal answers by itself."""

from __future__ import annotations

from sqlalchemy import select, update

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.store.models import OutboxEntry, ServiceRequest
from kiosk.ui.retention import RetentionKeeper
from kiosk.usecases import submit_request
from tests.fakes import SteppingClock


def test_old_synced_answers_are_purged_without_an_admin(qtbot, tmp_path):
    clock = SteppingClock()
    app = build_app(
        KioskSettings(kiosk_id="k1", outpost="rogojampi", data_dir=tmp_path, retention_days=30),
        clock=clock,
        monotonic=clock.monotonic,
    )
    issued = submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    with app.store.uow() as uow:
        uow.session.execute(update(OutboxEntry).values(state="sent"))
        uow.commit()
    clock.advance(days=31)

    keeper = RetentionKeeper(app, first_ms=10, every_ms=60_000)
    qtbot.waitUntil(lambda: keeper.purged_total == 1, timeout=5000)

    with app.store.uow(read_only=True) as uow:
        answers = uow.session.scalar(
            select(ServiceRequest.answers).where(ServiceRequest.id == issued.request_id)
        )
    assert answers is None
    app.close()
