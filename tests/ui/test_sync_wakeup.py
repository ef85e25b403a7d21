"""Every record the resident's screen writes wakes the background sync at once, so a queue
ticket reaches the server as soon as a submitted request does, not on the 5-minute timer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from kiosk.bootstrap import KioskApp
from kiosk.store.models import OutboxEntry
from kiosk.ui.sync_bridge import SyncBridge
from sync.worker import SyncState
from tests.ui.conftest import fill_valid_form, forward, open_form, shown_window, tap


class CountingWorker:
    """Stands in for ``sync.worker.SyncWorker`` under a real ``SyncBridge``.

    The real ``notify_submitted`` (sync/worker.py) means "a record was just written": it
    moves the next push to ``debounce_s`` (2 s) from now and wakes the worker's thread;
    without it the worker pushes only on its ``interval_s`` timer (300 s). Here each call is
    counted instead, so the test sees whether the window woke the worker. ``state`` and
    ``on_state`` are what the bridge reads and takes over, as on the real worker."""

    def __init__(self) -> None:
        self.on_state = None
        self.state = SyncState()
        self.notified = 0

    def notify_submitted(self) -> None:
        self.notified += 1

    def sync_now(self) -> None: ...

    def stop(self) -> None: ...


@pytest.fixture
def worker() -> CountingWorker:
    return CountingWorker()


@pytest.fixture
def synced_window(qtbot, kiosk_app: KioskApp, worker: CountingWorker) -> Iterator:  # noqa: ANN001
    bridge = SyncBridge(worker, retry_dead=kiosk_app.outbox.retry_dead)  # type: ignore[arg-type]
    yield from shown_window(qtbot, kiosk_app, sync_bridge=bridge)


def _outbox_entries(app: KioskApp) -> int:
    with app.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(OutboxEntry)).scalar_one()


def test_taking_a_queue_ticket_wakes_the_sync_worker(qtbot, synced_window, worker):  # noqa: ANN001
    window = synced_window
    assert worker.notified == 0

    tap(qtbot, window.home.ticket_button)
    tap(qtbot, window.ticket_services.tiles["BPJS"])
    if window.current_screen() is window.service:  # the step that says what to bring
        tap(qtbot, window.service.ticket_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)

    assert _outbox_entries(window.app) >= 1  # the ticket is a record to send
    assert worker.notified == 1


def test_submitting_a_request_still_wakes_the_sync_worker(qtbot, synced_window, worker):  # noqa: ANN001
    window = synced_window
    open_form(qtbot, window)
    fill_valid_form(qtbot, window)
    forward(qtbot, window)
    tap(qtbot, window.review.next_button)
    tap(qtbot, window.notice.accept_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)

    assert worker.notified == 1
