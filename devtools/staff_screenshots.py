"""Renders the staff screens to PNG for the docs, headless: both languages, three sizes.

``render_all(outdir, app)`` is called by the main screenshots script (``make screenshots``).
The console is shown with a made-up queue built from the catalogue, so rendering never
writes to the kiosk's database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.i18n import LANGUAGES, current_language, set_language
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases import Operator, PinRejected, ServiceQueue, TicketView, TodayQueue
from printing import PrinterStatus
from sync.client import SyncTransientError
from sync.pusher import SyncFailure
from sync.worker import SyncState

SIZES = ((1920, 1080), (1366, 768), (1080, 1920))
DEMO_OPERATOR = Operator(id="demo-admin", name="Siti Rahayu", role="admin")


class _DemoSyncWorker:
    """Stands in for ``sync.worker.SyncWorker`` (never started) so the admin panel shows
    realistic figures: the real ``SyncState``, as the worker publishes it."""

    def __init__(self) -> None:
        self.on_state = None
        busy = SyncTransientError("server answered HTTP 503", status=503)  # as the client raises
        self.state = SyncState(
            pending=12,
            sent=348,
            dead=1,
            last_success_at=(datetime.now(UTC) - timedelta(minutes=4)).isoformat(),
            last_error=str(busy),
            last_failure=SyncFailure.of(busy),
        )

    def notify_submitted(self) -> None: ...
    def sync_now(self) -> None: ...
    def stop(self) -> None: ...


def _ticket(service: Any, now: datetime, seq: int, status: str, minutes_ago: int) -> TicketView:
    letter = service.queue_letter
    return TicketView(
        ticket_id=f"demo-{letter}-{seq}",
        number=f"{letter}-{seq:03d}",
        service_code=service.code,
        counter=service.counter,
        status=status,
        issued_at=now - timedelta(minutes=minutes_ago),
        called_at=now - timedelta(minutes=2) if status == "called" else None,
        served_at=None,
        tracking_code="7KQ2-M9XD-4T1B",
        recall_count=0,
        print_count=1,
        has_request=False,
    )


def demo_queue(app: Any, now: datetime | None = None) -> TodayQueue:
    """A plausible morning at the outpost, counter 1 busiest; nothing stored."""
    now = now or datetime.now(UTC)
    services = list(getattr(app.catalogue, "services", ()))
    result: dict[str, ServiceQueue] = {}
    for index, service in enumerate(services[:12]):
        waiting_count = (4, 2, 3, 1, 0, 2)[index % 6]
        called_count = 1 if index in (0, 1, 2) else 0

        done = 3 + index % 4
        called = [_ticket(service, now, done + 1, "called", 30) for _ in range(called_count)]
        start = done + 1 + called_count
        waiting = [
            _ticket(service, now, start + i, "waiting", 25 - i * 5) for i in range(waiting_count)
        ]
        result[service.code] = ServiceQueue(
            service_code=service.code,
            counter=service.counter,
            waiting=waiting,
            called=called,
            done=done,
            estimated_wait_minutes=waiting_count * service.estimated_minutes,
        )
    return TodayQueue(day=now.date(), services=result)


def _ensure_look() -> None:
    qapp = QApplication.instance()
    if qapp is None or qapp.styleSheet():
        return
    try:
        from kiosk.ui.look import apply_look
    except ImportError:  # the main window's look module is not there: use the file as is
        from importlib.resources import files

        qapp.setStyleSheet(files("resources").joinpath("style.qss").read_text("utf-8"))
    else:
        apply_look(qapp)


def _grab(widget: QWidget, size: tuple[int, int], path: Path) -> Path:
    widget.resize(*size)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def render_all(outdir: Path, app: Any) -> list[Path]:
    """Every staff screen, in Bahasa Indonesia and English, at 1920×1080, 1366×768 and
    1080×1920."""
    from kiosk.ui.console.area import StaffArea
    from kiosk.ui.console.callout import CallOutView
    from kiosk.ui.sync_bridge import SyncBridge

    _ensure_look()
    outdir.mkdir(parents=True, exist_ok=True)
    before = current_language()
    written: list[Path] = []
    queue = demo_queue(app)
    try:
        for language in LANGUAGES:
            set_language(language)
            for width, height in SIZES:
                bridge = SyncBridge(_DemoSyncWorker(), retry_dead=app.outbox.retry_dead)
                area = StaffArea(app, bridge, callout=CallOutView())
                tag = f"{language}-{width}x{height}"
                shots: list[tuple[str, QWidget, Callable[[], None]]] = [
                    ("staff-pin", area, lambda a=area: _pin(a)),
                    ("staff-console", area, lambda a=area: _console(a, queue)),
                    ("staff-admin", area, lambda a=area: _admin(a)),
                    ("staff-callout", area.callout, lambda a=area: _callout(a)),
                ]
                for name, widget, prepare in shots:
                    prepare()
                    written.append(_grab(widget, (width, height), outdir / f"{name}-{tag}.png"))
                area.callout.close()
                area.callout.deleteLater()
                area.close()
                area.deleteLater()
                bridge.deleteLater()
                QApplication.processEvents()
    finally:
        set_language(before)
    return written


def _pin(area: Any) -> None:
    area.lock()
    for digit in "1234":
        area.pin_page.dots.add(digit)
    area.pin_page.status.show_error(PinRejected(3))


def _console(area: Any, queue: TodayQueue) -> None:
    console = area.console
    area.operator = DEMO_OPERATOR
    console.operator = DEMO_OPERATOR
    console.admin_button.setVisible(True)
    console.retranslate()
    console.select_counter("1")
    console.show_queue(queue)
    called = next(t for sq in queue.services.values() for t in sq.called if t.counter == "1")
    console.select_ticket(called.ticket_id)
    console.status.show_message("staff.result.called", number=called.number, counter="1")
    area.pages.setCurrentWidget(console)


def _admin(area: Any) -> None:
    admin = area.admin
    admin.operator = DEMO_OPERATOR
    admin.printer_state = PrinterStatus(backend="demo", ready=True)
    admin.bridge.poll()
    # the clock row and the retention forecast come from the demo store, the real way
    admin.check_clock()
    admin.check_retention()
    wait_for_tasks()
    QApplication.processEvents()
    admin.retranslate()
    admin.pin_form.dots["old"].add("1")
    area.pages.setCurrentWidget(admin)


def _callout(area: Any) -> None:
    """A busy morning: four counters have called, counter 1 the latest."""
    view = area.callout
    for number, counter in (("E-002", "3"), ("K-005", "4"), ("B-003", "1"), ("C-007", "2")):
        view.show_call(number, counter)
    view.show_call("A-004", "1")
    view.retranslate()
