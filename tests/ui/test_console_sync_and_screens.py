"""The sync bridge, the admin panel's sync view, the chime and the staff screenshots."""

from __future__ import annotations

import threading
import wave
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QImage

from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.console.sound import CallPlayer, chime_path
from kiosk.ui.i18n import set_language
from kiosk.ui.sync_bridge import SyncBridge
from kiosk.ui.tasks import wait_for_tasks
from sync.worker import SyncState
from tests.ui.test_console_staff import kiosk  # noqa: F401 - the shared fixture


class FakeWorker:
    """Shaped like ``sync.worker.SyncWorker``: ``on_state`` called on its own thread, as the
    real worker (a plain thread) calls it; it publishes the real ``SyncState``."""

    def __init__(self) -> None:
        self.on_state = None
        self.state = SyncState()
        self.sync_requests = 0
        self.pull_requests = 0
        self.stopped = False

    def publish(self, state: SyncState) -> None:
        self.state = state
        thread = threading.Thread(target=self.on_state, args=(state,))
        thread.start()
        thread.join()

    def notify_submitted(self) -> None: ...

    def sync_now(self) -> None:
        self.sync_requests += 1

    def pull_now(self) -> None:
        self.pull_requests += 1

    def stop(self) -> None:
        self.stopped = True


def test_bridge_delivers_worker_state_on_the_gui_thread(qtbot):
    worker = FakeWorker()
    bridge = SyncBridge(worker, retry_dead=lambda: 0)
    seen: list[tuple[object, bool]] = []
    bridge.state_changed.connect(
        lambda s: seen.append((s, QThread.currentThread() is bridge.thread()))
    )
    with qtbot.waitSignal(bridge.state_changed, timeout=2000):
        worker.publish(SyncState(pending=3, sent=10))
    assert seen == [(SyncState(pending=3, sent=10), True)]
    assert bridge.sync_now() is True and worker.sync_requests == 1
    bridge.stop()
    assert worker.stopped


def test_bridge_keeps_an_earlier_callback(qtbot):
    worker = FakeWorker()
    earlier: list[object] = []
    worker.on_state = earlier.append
    bridge = SyncBridge(worker, retry_dead=lambda: 0)
    with qtbot.waitSignal(bridge.state_changed, timeout=2000):
        worker.publish(SyncState(dead=1))
    assert earlier == [SyncState(dead=1)]


def test_admin_panel_shows_sync_state_and_retries_the_rejected(qtbot, kiosk):  # noqa: F811
    set_language("id")
    worker = FakeWorker()
    retried: list[bool] = []
    bridge = SyncBridge(worker, retry_dead=lambda: retried.append(True) or 2)
    area = StaffArea(kiosk, bridge, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    from kiosk.usecases.operators import Operator

    area._unlocked(Operator("a1", "Siti", "admin"))
    area.open_admin()
    admin = area.admin
    worker.publish(
        SyncState(pending=4, sent=120, dead=2, last_success_at="2026-11-27T03:00:00+00:00")
    )
    qtbot.waitUntil(lambda: admin.sync_values["pending"].text() == "4", timeout=2000)
    assert admin.sync_values["dead"].text() == "2"
    assert admin.sync_values["last_success"].text() == "27-11-2026 10:00 WIB"
    assert admin.retry_button.isEnabled()

    with qtbot.waitSignal(bridge.retry_done, timeout=3000):
        admin.retry_button.click()
    assert retried == [True]
    assert "2 data dikembalikan" in admin.status.text()
    assert worker.sync_requests == 1  # a retry pushes at once
    area.shutdown()
    wait_for_tasks()


def test_admin_panel_shows_the_kiosk_clock_against_the_servers(qtbot, kiosk):  # noqa: F811
    from kiosk.usecases.clock_check import record_clock_skew
    from kiosk.usecases.operators import Operator

    set_language("id")
    now = datetime.now(UTC)
    record_clock_skew(
        kiosk.context.uow,
        3725.0,
        kiosk_time=now,
        server_time=now + timedelta(seconds=3725),
        round_trip_s=0.02,
    )
    worker = FakeWorker()
    area = StaffArea(kiosk, SyncBridge(worker, retry_dead=lambda: 0), callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    area._unlocked(Operator("a1", "Siti", "admin"))
    area.open_admin()
    admin = area.admin

    qtbot.waitUntil(lambda: "lebih lambat" in admin.clock_value.text(), timeout=3000)
    assert admin.clock_name.text() == "Jam kios"
    assert admin.clock_value.text().startswith("1 jam 2 menit lebih lambat daripada jam server")
    assert not admin.clock_note.isHidden()
    assert admin.clock_note.text().startswith("Jam kios berselisih dua menit atau lebih")
    set_language("en")
    admin.retranslate()
    assert admin.clock_value.text().startswith("1 h 2 min behind the server's clock")

    # NTP put it right; the worker's next probe measured it
    record_clock_skew(kiosk.context.uow, -0.4, kiosk_time=now, server_time=now, round_trip_s=0.02)
    worker.publish(SyncState(clock_skew_s=-0.4))
    qtbot.waitUntil(lambda: "0 s ahead of" in admin.clock_value.text(), timeout=3000)
    assert admin.clock_note.isHidden()
    set_language("id")
    area.shutdown()
    wait_for_tasks()


def test_chime_is_a_two_tone_wav_and_plays_without_qtmultimedia(qtbot):
    with wave.open(str(chime_path())) as chime:
        assert chime.getnchannels() == 1
        assert 1.0 < chime.getnframes() / chime.getframerate() < 3.0
    player = CallPlayer(silent_speed=0.0)
    assert player.method == "silent"  # headless: no device, and it must not raise
    player.announce("A-001", "1")
    qtbot.waitUntil(lambda: player.current is None, timeout=3000)
    assert [kind for kind, _ in player.events] == ["start", "finish"]


@pytest.mark.timeout(120)
def test_render_all_writes_every_staff_screen(qtbot, kiosk, tmp_path):  # noqa: F811
    from devtools.staff_screenshots import render_all

    paths = render_all(tmp_path / "shots", kiosk)
    assert len(paths) == 24
    sizes = {(QImage(str(p)).width(), QImage(str(p)).height()) for p in paths}
    assert sizes == {(1920, 1080), (1366, 768), (1080, 1920)}
    assert {p.name.split("-")[2] for p in paths} == {"id", "en"}
