"""The admin panel: sync state and commands, printer test page, catalogue, config, own PIN."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kiosk.clock import wib_datetime
from kiosk.printer_check import status_keys
from kiosk.ui.console.pin import Keypad, PinDisplay
from kiosk.ui.console.widgets import (
    StatusLine,
    WholeWordsPanel,
    fit_orientation,
    heading,
    scrolling_columns,
    touch_button,
)
from kiosk.ui.i18n import tr
from kiosk.ui.messages import sync_problem
from kiosk.ui.tasks import run_task
from sync.worker import SyncState

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp
    from kiosk.config import KioskSettings
    from kiosk.ui.sync_bridge import SyncBridge

QUIT_CONFIRM_MS = 6000
SUMMARY_ROWS = (
    "kiosk_id",
    "outpost",
    "server_url",
    "server_token",
    "printer",
    "language",
    "idle",
    "retention",
)


def settings_summary(settings: KioskSettings) -> dict[str, str]:
    """The settings an admin checks at the kiosk, worded in the staff's language, one value
    per row of ``SUMMARY_ROWS``. The server token shows only whether it is set."""
    server, printer = settings.server, settings.printer
    return {
        "kiosk_id": settings.kiosk_id,
        "outpost": f"{settings.outpost_name} ({settings.outpost})",
        "server_url": server.url or tr("staff.admin.summary_not_set"),
        "server_token": tr("staff.admin.summary_yes" if server.token else "staff.admin.summary_no"),
        "printer": tr(
            "staff.admin.summary_printer_value",
            backend=printer_backend_words(printer.backend),
            profile=printer.profile,
        ),
        "language": tr(f"staff.language.{settings.language}"),
        "idle": tr("staff.admin.summary_seconds", seconds=settings.idle_timeout_s),
        "retention": tr("staff.admin.summary_days", count=settings.retention_days),
    }


def printer_backend_words(backend: str) -> str:
    """What kind of printer the kiosk prints to, in words, never the config's raw value."""
    return tr(f"staff.admin.printer_backend.{backend}")


def _section() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("StaffSection")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(20, 16, 20, 16)
    layout.setSpacing(10)
    return frame, layout


class ChangePinForm(QWidget):
    """Old PIN, new PIN twice, on our own keypad: the kiosk has no keyboard."""

    FIELDS = ("old", "new", "repeat")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Side by side, so the whole pad fits a 1366 x 768 screen without scrolling.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        fields_panel = WholeWordsPanel()  # "Ulangi PIN baru" whole, never "gi PIN"
        fields = QVBoxLayout(fields_panel)
        fields.setContentsMargins(0, 0, 0, 0)
        fields.setSpacing(10)
        self.rows: dict[str, Any] = {}
        self.dots: dict[str, PinDisplay] = {}
        self.labels: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setSpacing(8)
        for row, name in enumerate(self.FIELDS):
            choose = touch_button(role="choice", checkable=True)
            choose.setAutoExclusive(True)
            choose.clicked.connect(lambda _=False, n=name: self.focus(n))
            dots = PinDisplay(small=True)
            self.rows[name] = choose
            self.dots[name] = dots
            grid.addWidget(choose, row, 0)
            grid.addWidget(dots, row, 1)
        grid.setColumnStretch(1, 1)
        fields.addLayout(grid)
        self.save = touch_button(role="primary")
        fields.addWidget(self.save)
        fields.addStretch(1)
        layout.addWidget(fields_panel, 1)
        self.keypad = Keypad(compact=True)
        self.keypad.digit.connect(lambda d: self.dots[self.target].add(d))
        self.keypad.erase.connect(lambda: self.dots[self.target].erase())
        self.keypad.submit.connect(self._next)
        layout.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignTop)
        self.target = "old"
        self.focus("old")

    def focus(self, name: str) -> None:
        self.target = name
        self.rows[name].setChecked(True)

    def _next(self) -> None:
        index = self.FIELDS.index(self.target)
        if index + 1 < len(self.FIELDS):
            self.focus(self.FIELDS[index + 1])
        else:
            self.save.click()

    def values(self) -> tuple[str, str, str]:
        return tuple(self.dots[n].pin for n in self.FIELDS)  # type: ignore[return-value]

    def clear(self) -> None:
        for dots in self.dots.values():
            dots.clear()
        self.focus("old")

    def retranslate(self) -> None:
        for name in self.FIELDS:
            self.rows[name].setText(tr(f"staff.admin.pin_{name}"))
        self.save.setText(tr("staff.admin.pin_save"))
        self.keypad.retranslate()


class AdminPanel(QWidget):
    back_requested = Signal()
    exit_requested = Signal()
    quit_requested = Signal()  # "Tutup aplikasi kios", tapped twice, audited

    def __init__(
        self, app: KioskApp, sync_bridge: SyncBridge | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPanel")
        self._app = app
        self.bridge = sync_bridge
        self.operator: Any = None
        self.printer_state: Any = None
        self.clock: Any = None  # kiosk.usecases.clock_check.ClockStatus, once read
        self._clock_skew_seen: float | None = None
        self.busy = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(12)
        header = QHBoxLayout()
        self.title = heading(level=1)
        header.addWidget(self.title, 1)
        self.back_button = touch_button(role="secondary")
        self.back_button.clicked.connect(self.back_requested)
        self.exit_button = touch_button(role="danger", object_name="StaffExit")
        self.exit_button.clicked.connect(self.exit_requested)
        header.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addWidget(self.exit_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(header)

        scroll, body, self.columns = scrolling_columns()
        left = QVBoxLayout()
        right = QVBoxLayout()
        left.setSpacing(16)
        right.setSpacing(16)
        left.addWidget(self._build_sync())
        left.addWidget(self._build_printer())
        left.addWidget(self._build_catalogue())
        left.addWidget(self._build_retention())
        left.addWidget(self._build_app())
        left.addStretch(1)
        right.addWidget(self._build_pin())
        right.addWidget(self._build_summary())
        right.addStretch(1)
        # The right column, with the change-PIN pad at its top, the wider: the pad whole
        # beside its fields on a 1366 x 768 screen, without scrolling.
        self.columns.addLayout(left, 5)
        self.columns.addLayout(right, 8)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.status = StatusLine()
        outer.addWidget(self.status)

        if self.bridge is not None:
            self.bridge.state_changed.connect(self._show_sync)
            self.bridge.retry_done.connect(self._retried)
        self.retranslate()

    # --- building -------------------------------------------------------------------------

    def _build_sync(self) -> QFrame:
        frame, layout = _section()
        self.sync_title = heading()
        layout.addWidget(self.sync_title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        self.sync_names: dict[str, QLabel] = {}
        self.sync_values: dict[str, QLabel] = {}
        for row, key in enumerate(("pending", "sent", "dead", "last_success", "last_error")):
            name, value = QLabel(), QLabel()
            name.setWordWrap(True)  # "Kesalahan terakhir" takes two lines on a narrow column
            value.setWordWrap(True)
            value.setObjectName("StaffValue")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            self.sync_names[key] = name
            self.sync_values[key] = value
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
        self.clock_name, self.clock_value = QLabel(), QLabel()
        self.clock_name.setWordWrap(True)
        self.clock_value.setWordWrap(True)
        self.clock_value.setObjectName("StaffValue")
        grid.addWidget(self.clock_name, grid.rowCount(), 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.clock_value, grid.rowCount() - 1, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        self.sync_note = QLabel()
        self.sync_note.setObjectName("StaffHint")
        self.sync_note.setWordWrap(True)
        layout.addWidget(self.sync_note)
        self.clock_note = QLabel()
        self.clock_note.setObjectName("StaffHint")
        self.clock_note.setWordWrap(True)
        self.clock_note.setVisible(False)
        layout.addWidget(self.clock_note)
        # One above the other: side by side they need more than half of a 1366 px screen.
        self.sync_now_button = touch_button(role="primary")
        self.sync_now_button.clicked.connect(self.sync_now)
        self.retry_button = touch_button()
        self.retry_button.clicked.connect(self.retry_dead)
        layout.addWidget(self.sync_now_button)
        layout.addWidget(self.retry_button)
        return frame

    def _build_printer(self) -> QFrame:
        frame, layout = _section()
        self.printer_title = heading()
        layout.addWidget(self.printer_title)
        self.printer_label = QLabel()
        self.printer_label.setWordWrap(True)
        layout.addWidget(self.printer_label)
        self.test_page_button = touch_button()
        self.test_page_button.clicked.connect(self.print_test_page)
        layout.addWidget(self.test_page_button)
        return frame

    def _build_catalogue(self) -> QFrame:
        frame, layout = _section()
        self.catalogue_title = heading()
        layout.addWidget(self.catalogue_title)
        self.catalogue_label = QLabel()
        self.catalogue_label.setWordWrap(True)
        layout.addWidget(self.catalogue_label)
        return frame

    def _build_retention(self) -> QFrame:
        frame, layout = _section()
        self.retention_title = heading()
        layout.addWidget(self.retention_title)
        self.retention_label = QLabel()
        self.retention_label.setWordWrap(True)
        layout.addWidget(self.retention_label)
        self.retention: Any = None
        return frame

    def _build_app(self) -> QFrame:
        frame, layout = _section()
        self.app_title = heading()
        layout.addWidget(self.app_title)
        self.quit_hint = QLabel()
        self.quit_hint.setObjectName("StaffHint")
        self.quit_hint.setWordWrap(True)
        layout.addWidget(self.quit_hint)
        self.quit_button = touch_button(role="danger")
        self.quit_button.clicked.connect(self.quit_app)
        layout.addWidget(self.quit_button)
        self._quit_armed = QTimer(self)
        self._quit_armed.setSingleShot(True)
        self._quit_armed.setInterval(QUIT_CONFIRM_MS)
        self._quit_armed.timeout.connect(self._show_quit)
        return frame

    def _build_summary(self) -> QFrame:
        """The kiosk's settings as labelled rows; they are changed in kiosk.toml, not here."""
        frame, layout = _section()
        self.summary_title = heading()
        layout.addWidget(self.summary_title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.summary_names: dict[str, QLabel] = {}
        self.summary_values: dict[str, QLabel] = {}
        for row, key in enumerate(SUMMARY_ROWS):
            name, value = QLabel(), QLabel()
            name.setWordWrap(True)
            value.setWordWrap(True)
            value.setObjectName("StaffValue")
            self.summary_names[key] = name
            self.summary_values[key] = value
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        layout.addLayout(grid)
        self.summary_note = QLabel()
        self.summary_note.setObjectName("StaffHint")
        self.summary_note.setWordWrap(True)
        layout.addWidget(self.summary_note)
        return frame

    def _build_pin(self) -> QFrame:
        frame, layout = _section()
        self.pin_title = heading()
        layout.addWidget(self.pin_title)
        self.pin_form = ChangePinForm()
        self.pin_form.save.clicked.connect(self.change_pin)
        layout.addWidget(self.pin_form)
        return frame

    # --- language and layout --------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(tr("staff.admin.title"))
        self.back_button.setText(tr("staff.admin.back"))
        self.exit_button.setText(tr("staff.exit"))
        self.sync_title.setText(tr("staff.admin.sync"))
        for key, label in self.sync_names.items():
            label.setText(tr(f"staff.admin.sync_{key}"))
        self.clock_name.setText(tr("staff.admin.clock"))
        self._show_clock()
        self.sync_now_button.setText(tr("staff.admin.sync_now"))
        self.retry_button.setText(tr("staff.admin.retry_dead"))
        self.printer_title.setText(tr("staff.admin.printer"))
        self.test_page_button.setText(tr("staff.admin.test_page"))
        self.catalogue_title.setText(tr("staff.admin.catalogue"))
        self.catalogue_label.setText(
            tr("staff.admin.catalogue_version", version=self._app.catalogue.version)
        )
        self.retention_title.setText(tr("staff.admin.retention"))
        self._show_retention()
        self.app_title.setText(tr("staff.admin.app"))
        self.quit_hint.setText(tr("staff.admin.quit_hint"))
        self._show_quit()
        self.summary_title.setText(tr("staff.admin.config"))
        values = settings_summary(self._app.settings)
        for key, label in self.summary_names.items():
            label.setText(tr(f"staff.admin.summary_{key}"))
            self.summary_values[key].setText(values[key])
        self.summary_note.setText(tr("staff.admin.summary_note"))
        self.pin_title.setText(tr("staff.admin.pin"))
        self.pin_form.retranslate()
        self._show_sync(self.bridge.state if self.bridge is not None else None)
        self._show_printer()
        self.status.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        fit_orientation(self.columns, event.size().width(), event.size().height())
        super().resizeEvent(event)

    # --- session --------------------------------------------------------------------------

    def start(self, operator: Any) -> None:
        self.operator = operator
        self.pin_form.clear()
        self.status.clear_message()
        if self.bridge is not None:
            self.bridge.poll()
        self.check_printer()
        self.check_clock()
        self.check_retention()

    def stop(self) -> None:
        self.operator = None
        self.pin_form.clear()
        self._quit_armed.stop()
        self.quit_button.setEnabled(True)
        self._show_quit()

    # --- closing the app ------------------------------------------------------------------

    def quit_app(self) -> None:
        """First tap arms, a second within a few seconds closes: the kiosk mode refuses every
        other way, and on an installed kiosk the session starts the app again."""
        if self.operator is None:
            return
        if not self._quit_armed.isActive():
            self._quit_armed.start()
            self._show_quit()
            return
        self._quit_armed.stop()
        self.quit_button.setEnabled(False)
        from kiosk.usecases.operators import record_app_closed

        ctx, operator_id = self._app.context, self.operator.id

        def recorded(_result: object, error: BaseException | None) -> None:
            if error is not None:  # the audit line is lost, the admin's decision stands
                self.status.show_error(error)
            self.quit_requested.emit()

        run_task(lambda: record_app_closed(ctx, operator_id), recorded)

    def _show_quit(self) -> None:
        armed = self._quit_armed.isActive()
        self.quit_button.setText(tr("staff.admin.quit_confirm" if armed else "staff.admin.quit"))

    # --- sync -----------------------------------------------------------------------------

    @property
    def sync_configured(self) -> bool:
        return self.bridge is not None and self.bridge.configured

    def _show_sync(self, state: SyncState | None) -> None:
        configured = self.sync_configured
        shown = state or SyncState()
        values: dict[str, object] = {
            "pending": None if state is None else shown.pending,
            "sent": None if state is None else shown.sent,
            "dead": None if state is None else shown.dead,
            "last_success": _when(shown.last_success_at),
            "last_error": sync_problem(shown.last_failure) if shown.last_failure else None,
        }
        for key, label in self.sync_values.items():
            value = values[key]
            label.setText("–" if value is None else str(value))
        if not configured:
            self.sync_note.setText(tr("staff.admin.sync_not_configured"))
        elif shown.running:
            self.sync_note.setText(tr("staff.admin.sync_running"))
        elif shown.circuit_open:
            self.sync_note.setText(tr("staff.admin.sync_circuit_open"))
        elif shown.online is False:
            self.sync_note.setText(tr("staff.admin.sync_offline"))
        else:
            self.sync_note.setText("")
        self.sync_note.setVisible(bool(self.sync_note.text()))
        self.sync_now_button.setEnabled(configured)
        self.retry_button.setEnabled(configured and bool(values["dead"]))
        skew = shown.clock_skew_s
        if self.operator is not None and skew is not None and skew != self._clock_skew_seen:
            self._clock_skew_seen = skew
            self.check_clock()  # a new measurement: read the whole picture again

    def sync_now(self) -> None:
        if self.bridge is not None and self.bridge.sync_now():
            self.status.show_message("staff.admin.sync_started", "info")
        else:
            self.status.show_message("staff.admin.sync_not_configured", "error")

    def retry_dead(self) -> None:
        if self.bridge is None:
            self.status.show_message("staff.admin.sync_not_configured", "error")
            return
        self.bridge.retry_dead()
        self.retry_button.setEnabled(False)
        self.status.show_message("staff.status_line.working", "info")

    def _retried(self, count: object, error: BaseException | None) -> None:
        if error is not None:
            self.status.show_error(error)
        else:
            shown = count if isinstance(count, int) else "–"
            self.status.show_message("staff.admin.retried", count=shown)
        self._show_sync(self.bridge.state if self.bridge is not None else None)

    # --- the kiosk's clock ------------------------------------------------------------------

    def check_retention(self) -> None:
        """What the purge will erase and when: the same forecast as ``kiosk-sync status``."""
        from kiosk.usecases.privacy import retention_forecast

        ctx, days = self._app.context, self._app.settings.retention_days

        def done(forecast: object, error: BaseException | None) -> None:
            if error is None:
                self.retention = forecast
                self._show_retention()

        run_task(lambda: retention_forecast(ctx, days), done, kind="io")

    def _show_retention(self) -> None:
        forecast = self.retention
        if forecast is None:
            self.retention_label.setText(tr("staff.admin.retention_checking"))
            return
        days = forecast.retention_days
        lines = [
            tr("staff.admin.retention_rule", days=days, unsent_days=days + forecast.grace_days)
        ]
        requests_now = forecast.sent.due_now + forecast.unsent.due_now
        if requests_now or forecast.backups.due_now:
            lines.append(
                tr(
                    "staff.admin.retention_now",
                    requests=requests_now,
                    backups=forecast.backups.due_now,
                )
            )
        upcoming = sorted(
            (due.next_on, due.next_count)
            for due in (forecast.sent, forecast.unsent, forecast.backups)
            if due.next_on is not None
        )
        if upcoming:
            when, count = upcoming[0]
            lines.append(tr("staff.admin.retention_next", count=count, date=f"{when:%d-%m-%Y}"))
        elif not requests_now and not forecast.backups.due_now:
            lines.append(tr("staff.admin.retention_nothing"))
        self.retention_label.setText("\n".join(lines))

    def check_clock(self) -> None:
        from kiosk.usecases.clock_check import clock_status

        ctx = self._app.context

        def done(status: object, error: BaseException | None) -> None:
            if error is None:
                self.clock = status
                self._show_clock()

        run_task(lambda: clock_status(ctx), done, kind="io")

    def _show_clock(self) -> None:
        """The last skew measured against the server, and a warning per sign of a wrong
        clock (kiosk.usecases.clock_check); a wrong clock never stops the kiosk."""
        status = self.clock
        if status is None:
            self.clock_value.setText("–")
            self.clock_note.setVisible(False)
            return
        if status.skew is None:
            self.clock_value.setText(tr("staff.admin.clock_not_measured"))
        else:
            way = "behind" if status.skew.skew_s > 0 else "ahead"
            self.clock_value.setText(
                tr(
                    f"staff.admin.clock_{way}",
                    difference=_duration(abs(status.skew.skew_s)),
                    measured=_when(status.skew.kiosk_time),
                )
            )
        build = f"{status.build_date:%d-%m-%Y}"
        notes = [tr(f"staff.admin.clock_{code}", build=build) for code in status.warnings]
        self.clock_note.setText("\n".join(notes))
        self.clock_note.setVisible(bool(notes))

    # --- printer --------------------------------------------------------------------------

    def check_printer(self) -> None:
        printer = self._app.printer

        def done(state: object, _error: BaseException | None) -> None:
            self.printer_state = state  # None when the check itself failed: "unknown"
            self._show_printer()

        run_task(printer.status, done, kind="io")

    def _show_printer(self) -> None:
        settings = self._app.settings.printer
        state = self.printer_state
        if state is None:
            health = tr("staff.admin.printer_checking")
        else:
            health = " ".join(tr(key) for key in status_keys(state))
        self.printer_label.setText(
            tr(
                "staff.admin.printer_state",
                backend=printer_backend_words(settings.backend),
                profile=settings.profile,
                health=health,
            )
        )

    def print_test_page(self) -> None:
        from kiosk.printer_check import EXIT_NOT_PRINTED, EXIT_READY, print_test_page

        app = self._app
        self._set_busy(True)

        def done(check: object, error: BaseException | None) -> None:
            self._set_busy(False)
            if error is not None:
                self.status.show_error(error)
            else:
                kind = {EXIT_READY: "ok", EXIT_NOT_PRINTED: "error"}.get(check.exit_code, "info")  # type: ignore[attr-defined]
                self.status.show_messages(check.keys, kind)  # type: ignore[attr-defined]
            self.check_printer()

        run_task(
            lambda: print_test_page(
                app.printer,
                app.settings.printer.profile,
                app.settings.outpost_name,
                app.context.clock,
            ),
            done,
            kind="io",
        )

    # --- own PIN --------------------------------------------------------------------------

    def change_pin(self) -> None:
        if self.operator is None or self.busy:
            return
        old, new, repeat = self.pin_form.values()
        if not old or not new:
            self.status.show_message("staff.admin.pin_missing", "error")
            return
        if new != repeat:
            self.status.show_message("staff.admin.pin_mismatch", "error")
            self.pin_form.dots["repeat"].clear()
            self.pin_form.focus("repeat")
            return
        from kiosk.usecases import change_pin

        ctx, operator_id = self._app.context, self.operator.id
        self._set_busy(True)

        def done(_result: object, error: BaseException | None) -> None:
            self._set_busy(False)
            self.pin_form.clear()
            if error is not None:
                from kiosk.usecases import PinRejected

                if isinstance(error, PinRejected):
                    self.status.show_message("staff.admin.pin_old_wrong", "error")
                else:
                    self.status.show_error(error)
            else:
                self.status.show_message("staff.admin.pin_changed")

        run_task(lambda: change_pin(ctx, operator_id, old, new), done)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.status.show_message("staff.status_line.working", "info")
        for button in (self.test_page_button, self.pin_form.save):
            button.setEnabled(not busy)


def _duration(seconds: float) -> str:
    """``1 jam 5 menit`` / ``1 h 5 min``, in the staff's language."""
    seconds = round(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return tr("staff.admin.duration_days", days=days, hours=hours)
    if hours:
        return tr("staff.admin.duration_hours", hours=hours, minutes=minutes)
    if minutes:
        return tr("staff.admin.duration_minutes", minutes=minutes, seconds=secs)
    return tr("staff.admin.duration_seconds", seconds=secs)


def _when(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return wib_datetime(value)
    try:
        return wib_datetime(datetime.fromisoformat(str(value)))
    except ValueError:
        return str(value)
