"""The GUI entry point: the resident's main window, ``run_gui`` and ``check_gui``.

The window is a stack of screens; it owns the resident's session (the chosen service and
the form screen holding the answers) and drops it whole on every reset. Work that touches
the database or the printer runs through ``kiosk.ui.tasks.run_task``.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.clock import utc_now
from kiosk.service_manager import notify
from kiosk.ui import i18n
from kiosk.ui.i18n import pick, tr
from kiosk.ui.idle import MIN_COUNTDOWN_S, IdleWatcher
from kiosk.ui.messages import friendly, printer_problem
from kiosk.ui.screens.base import Screen
from kiosk.ui.screens.home import HomeScreen
from kiosk.ui.tasks import run_task
from kiosk.ui.widgets.overlay import Overlay

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kiosk.bootstrap import KioskApp
    from kiosk.ui.screens.form import FormScreen
    from kiosk.ui.sync_bridge import SyncBridge


log = logging.getLogger(__name__)

QUEUE_REFRESH_MS = 20_000


class MainWindow(QWidget):
    #: The app itself is quitting (the admin panel's close, SIGTERM): ``run_gui`` quits Qt.
    quit_requested = Signal()

    def __init__(
        self,
        app: KioskApp | None = None,
        *,
        outpost_name: str = "",
        language: str = "id",
        sync_bridge: SyncBridge | None = None,
        idle_timeout_s: float | None = None,
        idle_countdown_s: int = MIN_COUNTDOWN_S,
        refresh_queue: bool = True,
        kiosk_mode: bool = False,
    ) -> None:
        """Home at once; every other screen when the kiosk's parts arrive (``attach``).

        Given ``app``, the window attaches it at once (the tests, the self-check). Without
        it (``run_gui``), Home paints from ``outpost_name`` and ``language`` alone while the
        store, the catalogue and the rest load behind it; a tap meanwhile waits under a
        "getting ready" card and goes on by itself when they are in.
        """
        super().__init__()
        self.setObjectName("MainWindow")
        self.app: KioskApp = None  # type: ignore[assignment] - set by attach()
        self.sync_bridge = sync_bridge
        self.queue = None
        self.form_screen: FormScreen | None = None
        self.staff_area: QWidget | None = None
        self._service_code: str | None = None
        self._busy = False
        self._closed = False
        #: Fullscreen for the public: a close request (Alt+F4, a window manager's close) is
        #: refused unless the app itself is quitting.
        self.kiosk_mode = kiosk_mode
        self._quitting = False
        self._print_job = 0
        self._waiting_tap: Callable[[], None] | None = None
        self._options = (idle_timeout_s, idle_countdown_s, refresh_queue)
        if app is not None:
            outpost_name, language = app.settings.outpost_name, app.settings.language
        self.setWindowTitle(outpost_name)
        #: The language every new resident starts in.
        self.home_language = language

        self.stack = QStackedWidget()
        self.stack.setObjectName("MainStack")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.home = HomeScreen(outpost_name)
        self.stack.addWidget(self.home)
        home = self.home
        home.ticket_chosen.connect(lambda: self._when_ready(self._choose_ticket))
        home.request_chosen.connect(lambda: self._when_ready(self._choose_request))
        home.language_chosen.connect(self.set_language)
        home.staff_requested.connect(lambda: self._when_ready(self.open_staff_area))
        home.status_chosen.connect(lambda: self._when_ready(self.open_status))
        self.scanner = None
        self.overlay = Overlay(self)

        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock.start()
        self._refresh = QTimer(self)
        self._refresh.setInterval(QUEUE_REFRESH_MS)
        self._refresh.timeout.connect(self.refresh_queue)
        self.idle: IdleWatcher | None = None
        self.retranslate_all()
        self._tick()
        self.show_screen(self.home)
        if app is not None:
            self.attach(app)

    @property
    def ready(self) -> bool:
        return self.app is not None

    def attach(self, app: KioskApp, sync_bridge: SyncBridge | None = None) -> None:
        """The kiosk's parts are in: build the other screens and start the timers."""
        from kiosk.ui.screens.categories import CategoriesScreen
        from kiosk.ui.screens.notice import NoticeScreen, load_notice
        from kiosk.ui.screens.recovery import RecoveryScreen
        from kiosk.ui.screens.review import ReviewScreen
        from kiosk.ui.screens.service import ServiceScreen
        from kiosk.ui.screens.services import ServicesScreen
        from kiosk.ui.screens.success import SuccessScreen

        self.app = app
        self.catalogue = app.catalogue
        if sync_bridge is not None:
            self.sync_bridge = sync_bridge
        catalogue = self.catalogue
        self.categories = CategoriesScreen(catalogue)
        self.ticket_services = ServicesScreen(catalogue, self.wait_text, "ticket")
        self.services = ServicesScreen(catalogue, self.wait_text, "request")
        self.service = ServiceScreen(catalogue, self.wait_text)
        self.review = ReviewScreen()
        notice = load_notice(app.settings.outpost_name, app.settings.retention_days, app.paths.root)
        self.notice = NoticeScreen(notice)
        self.success = SuccessScreen()
        self.success.status_url = app.settings.server.status_url
        self.recovery = RecoveryScreen()
        from kiosk.ui.screens.status import StatusScreen

        self.status = StatusScreen()
        self._before_status: QWidget | None = None
        for screen in (
            self.categories,
            self.ticket_services,
            self.services,
            self.service,
            self.review,
            self.notice,
            self.success,
            self.recovery,
            self.status,
        ):
            self.stack.addWidget(screen)
            screen.home_requested.connect(self.go_home)
        self.home.home_requested.connect(self.reset_to_home)
        self.overlay.answered.connect(self._discard_answered)
        self._wire()
        self.overlay.raise_()

        idle_timeout_s, idle_countdown_s, refresh_queue = self._options
        self.idle_timeout_s = idle_timeout_s or app.settings.idle_timeout_s
        self.idle = IdleWatcher(
            self,
            self.idle_timeout_s,
            countdown_s=idle_countdown_s,
            should_warn=self._current_holds_data,
            should_reset=self._current_is_resident_page,
        )
        self.idle.reset_requested.connect(self.reset_to_home)
        self.notice.reading_changed.connect(self.idle.read_longer)  # the full notice: longer
        if refresh_queue:
            self._refresh.start()
            QTimer.singleShot(0, self.refresh_queue)
        self.retranslate_all()
        self._tick()
        # Load the printing stack (and its fonts) in the background once Home is up, so the
        # first ticket does not pay for it while a resident waits and the success screen
        # paints; then settle the heap (see settle_heap).
        QTimer.singleShot(1500, self._warm_up_printing)
        waiting, self._waiting_tap = self._waiting_tap, None
        if waiting is not None:
            self.overlay.hide()
            waiting()

    def _when_ready(self, action: Callable[[], None]) -> None:
        """Do ``action`` now, or, before the kiosk's parts are in, as soon as they are."""
        if self.ready:
            action()
            return
        self._waiting_tap = action
        self.overlay.show_busy(tr("busy.starting"))

    def _choose_ticket(self) -> None:
        self.show_screen(self.ticket_services)

    def _choose_request(self) -> None:
        self.show_screen(self.categories)

    def _warm_up_printing(self) -> None:
        printer_app = self.app

        def warm() -> None:
            printer = printer_app.printer
            if printer.backend in ("pdf_folder", "system"):
                import printing.pdf  # noqa: F401
                from printing.fonts import register_pdf_fonts

                register_pdf_fonts()  # parsing the TrueType files is ~70 ms of Python
            else:
                import printing.escpos_render  # noqa: F401

        def warmed(_result: Any, error: BaseException | None) -> None:
            if error is not None:
                log.warning("loading the printing stack failed: %r", error)
            # On the GUI thread: the garbage may hold Qt wrappers, which die only here.
            settle_heap()

        self._run(warm, warmed, kind="io")

    # -- wiring ----------------------------------------------------------------------------
    def _wire(self) -> None:
        self.categories.back_requested.connect(self.reset_to_home)
        self.categories.category_chosen.connect(self._show_category)
        self.ticket_services.back_requested.connect(self.reset_to_home)
        self.ticket_services.service_chosen.connect(self._confirm_ticket)
        self.services.back_requested.connect(lambda: self.show_screen(self.categories))
        self.services.service_chosen.connect(self._show_service)
        self.service.back_requested.connect(self._back_from_service)
        self.service.ticket_chosen.connect(self.take_ticket)
        self.service.form_chosen.connect(self.start_form)
        self.review.back_requested.connect(self._back_to_form)
        self.review.edit_requested.connect(self._back_to_form)
        self.review.confirmed.connect(lambda: self.show_screen(self.notice))
        self.notice.back_requested.connect(lambda: self.show_screen(self.review))
        self.notice.accepted.connect(self.submit)
        self.success.done.connect(self.reset_to_home)
        self.recovery.restart.connect(self.reset_to_home)
        self.status.back_requested.connect(self._back_from_status)
        self.status.lookup_requested.connect(self.check_status)
        self.status.print_requested.connect(self.print_status_slip)
        self._listen_for_scanner()

    def show_screen(self, screen: QWidget) -> None:
        self.stack.setCurrentWidget(screen)
        if isinstance(screen, Screen):
            screen.on_enter()

    def current_screen(self) -> QWidget:
        return self.stack.currentWidget()

    def _show_category(self, code: str) -> None:
        self.services.show_category(code)
        self.show_screen(self.services)

    def _show_service(self, code: str) -> None:
        self.service.show_service(code)
        self.show_screen(self.service)

    def _confirm_ticket(self, code: str) -> None:
        """The ticket path's last step: what to bring, then "Ambil nomor antrean"."""
        self.service.show_service(code, ticket_only=True)
        self.show_screen(self.service)

    def _back_from_service(self) -> None:
        came_from = self.ticket_services if self.service.ticket_only else self.services
        self.show_screen(came_from)

    # -- language, time, queue -------------------------------------------------------------
    def set_language(self, language: str) -> None:
        i18n.set_language(language)
        self.retranslate_all()

    def retranslate_all(self) -> None:
        for index in range(self.stack.count()):
            page = self.stack.widget(index)
            if isinstance(page, Screen):
                page.retranslate()

    def _tick(self) -> None:
        self.home.set_time(self.app.context.clock() if self.ready else utc_now())

    def wait_text(self, service_code: str) -> str:
        service_queue = self.queue.services.get(service_code) if self.queue else None
        minutes = service_queue.estimated_wait_minutes if service_queue else 0
        return tr("common.minutes", minutes=minutes) if minutes else tr("common.no_wait")

    def refresh_queue(self) -> None:
        from kiosk.usecases import today_queue

        if not self.ready:
            return
        ctx = self.app.context
        self._run(lambda: today_queue(ctx), self._queue_loaded, kind="io")

    def _queue_loaded(self, queue: Any, error: BaseException | None) -> None:
        if error is not None:
            log.warning("today's queue could not be read: %r", error)
            return
        self.queue = queue
        self.home.set_waiting(queue.waiting_total)
        self.ticket_services.refresh_waits()
        self.services.refresh_waits()

    def _run(self, func: Any, on_done: Any, *, kind: str = "db") -> None:
        """run_task, but the answer is dropped if the window has closed meanwhile."""

        def done(result: Any, error: BaseException | None) -> None:
            if not self._closed:
                on_done(result, error)

        run_task(func, done, kind=kind)

    # -- the request form ----------------------------------------------------------------
    def start_form(self, service_code: str) -> None:
        if self.form_screen is not None and self._service_code == service_code:
            self.show_screen(self.form_screen)  # back to the same form: the answers stay
            return
        self._drop_form()
        service = self.catalogue.service(service_code)
        form = self.catalogue.form(service.form_id)
        villages = self.catalogue.villages_of(self.app.settings.outpost)
        self._service_code = service_code
        from kiosk.ui.screens.form import FormScreen

        screen = FormScreen(form, villages, self._validator(form, villages))
        screen.left.connect(lambda: self.show_screen(self.service))
        screen.home_requested.connect(self.go_home)
        screen.completed.connect(self._form_completed)
        screen.retranslate()
        self.stack.addWidget(screen)
        self.form_screen = screen
        self.show_screen(screen)

    def _validator(self, form: Any, villages: list[Any]) -> Any:
        from forms import validate_answers
        from kiosk.clock import wib_day

        clock = self.app.context.clock

        def validate(answers: Any) -> dict[str, object]:
            return validate_answers(form, answers, today=wib_day(clock()), villages=villages)

        return validate

    def _form_completed(self) -> None:
        if self.form_screen is None:
            return
        self.review.show_sections(self.form_screen.review_sections())
        self.show_screen(self.review)

    def _back_to_form(self) -> None:
        if self.form_screen is not None:
            self.show_screen(self.form_screen)
        else:
            self.reset_to_home()

    def _drop_form(self) -> None:
        """Forget the answers: the form screen (and every widget holding one) is deleted."""
        screen, self.form_screen = self.form_screen, None
        if screen is not None:
            screen.reset()
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.review.reset()

    # -- tickets and requests ------------------------------------------------------------
    def take_ticket(self, service_code: str) -> None:
        from kiosk.usecases import issue_ticket

        if self._busy:
            return
        self._set_busy(True)
        ctx = self.app.context
        self._run(
            lambda: issue_ticket(ctx, service_code),
            lambda ticket, error: self._issued(ticket, error, service_code, None),
        )

    def submit(self, notice_version: str) -> None:
        from kiosk.usecases import submit_request

        if self._busy or self.form_screen is None or self._service_code is None:
            return
        self._set_busy(True)
        ctx = self.app.context
        code = self._service_code
        answers = self.form_screen.answers()
        language = i18n.current_language()
        self._run(
            lambda: submit_request(
                ctx, code, answers, language=language, notice_version=notice_version
            ),
            lambda ticket, error: self._issued(ticket, error, code, answers),
        )

    def _issued(
        self, ticket: Any, error: BaseException | None, code: str, answers: dict | None
    ) -> None:
        self._set_busy(False)
        if error is not None:
            from forms import ValidationFailed

            if isinstance(error, ValidationFailed) and self.form_screen is not None:
                self.show_screen(self.form_screen)
                self.form_screen.submit_answers()
                return
            self.overlay.show_message(friendly(error), tr("common.back"))
            return
        service = self.catalogue.service(code)
        content = self._printout(ticket, service, answers)
        is_request = answers is not None
        self.success.show_ticket(ticket, pick(service.name), is_request)
        self.show_screen(self.success)
        self._print(ticket.ticket_id, content)
        if is_request:
            self._service_code = None
            # Deleting the form's widgets is the biggest piece of GUI work here: do it in
            # its own turn of the event loop, after the success screen is up.
            QTimer.singleShot(0, self._drop_form)
        if self.sync_bridge is not None:  # a ticket is a new record too: sync it soon
            self.sync_bridge.notify_submitted()
        QTimer.singleShot(0, self.refresh_queue)

    def _printout(self, ticket: Any, service: Any, answers: dict | None) -> Any:
        from kiosk.printouts import request_receipt

        return request_receipt(self.app, ticket, answers, i18n.current_language())

    def _print(self, ticket_id: str, content: Any) -> None:
        from kiosk.ui.screens.success import SuccessScreen
        from kiosk.usecases import record_printed

        self._print_job += 1
        job = self._print_job
        printer_app = self.app
        ctx = self.app.context

        def printed(result: Any, error: BaseException | None) -> None:
            current = job == self._print_job and self.current_screen() is self.success
            if error is None and result.warnings:
                log.warning("printer warnings after ticket %s: %s", ticket_id, result.warnings)
            if error is None:
                self._run(lambda: record_printed(ctx, ticket_id), _log_failure("record_printed"))
                if current:
                    self.success.set_print_state(SuccessScreen.PRINTED)
                return
            log.warning("printing ticket %s failed: %r", ticket_id, error)
            if current:
                self.success.set_print_state(SuccessScreen.FAILED, printer_problem(error))

        self._run(lambda: printer_app.printer.print(content), printed, kind="io")

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        if busy:
            self.overlay.show_busy(tr("busy.saving"))
        else:
            self.overlay.hide()

    # -- the status of a request ("Cek status", a scanned receipt) ---------------------------
    def _listen_for_scanner(self) -> None:
        """A receipt's QR scanned with a keyboard-wedge scanner opens its answer from any
        screen (kiosk.ui.scanner)."""
        from kiosk.ui.scanner import KeyboardWedgeScanner

        qapp = QApplication.instance()
        if qapp is None or self.scanner is not None:
            return
        self.scanner = KeyboardWedgeScanner(self)
        self.scanner.scanned.connect(self.show_status_for)
        qapp.installEventFilter(self.scanner)

    def open_status(self) -> None:
        """ "Cek status" on Home: the code entry."""
        if self.current_screen() is not self.status:
            self._before_status = self.current_screen()
        self.status.show_entry()
        self.show_screen(self.status)
        if self.sync_bridge is not None:
            self.sync_bridge.pull_now()  # news for the next lookup while the code is typed

    def show_status_for(self, scanned: str) -> None:
        """A scan: straight to the answer, from wherever the resident is."""
        if not self.ready or self.staff_area is not None or self._busy:
            return
        if self.current_screen() is not self.status:
            self._before_status = self.current_screen()
        self.status.show_entry()
        self.show_screen(self.status)
        if self.idle is not None:
            self.idle.poke()
        self.check_status(scanned)

    def _back_from_status(self) -> None:
        """ "Kembali": to the screen the resident was on before (a form keeps its answers)."""
        before, self._before_status = self._before_status, None
        if before is not None and before is not self.status and self.stack.indexOf(before) >= 0:
            self.show_screen(before)
        else:
            self.reset_to_home()

    def check_status(self, text: str) -> None:
        from kiosk.usecases.status import lookup

        ctx = self.app.context
        self._run(
            lambda: lookup(ctx, text), lambda view, error: self._status_found(view, error, text)
        )

    def _status_found(self, view: Any, error: BaseException | None, text: str) -> None:
        from kiosk.usecases.status import TrackingCodeInvalid, TrackingCodeUnknown

        if self.current_screen() is not self.status:
            return  # the resident has moved on meanwhile
        if isinstance(error, TrackingCodeUnknown):
            self.status.show_problem("unknown", str(error))
        elif isinstance(error, TrackingCodeInvalid):
            self.status.show_problem("invalid", text.strip()[:14])
        elif error is not None:
            log.warning("status lookup failed: %r", error)
            self.status.show_problem("failed", text.strip()[:14])
        else:
            self.status.show_answer(view)

    def print_status_slip(self) -> None:
        from kiosk.printouts import status_slip
        from kiosk.ui.screens.status import StatusScreen

        view = self.status.view
        if view is None:
            return
        printer_app = self.app
        content = status_slip(printer_app, view, i18n.current_language())
        self.status.set_print_state(StatusScreen.PRINTING)

        def printed(_result: Any, error: BaseException | None) -> None:
            if self.current_screen() is not self.status or self.status.view is not view:
                return
            if error is None:
                self.status.set_print_state(StatusScreen.PRINTED)
            else:
                log.warning("printing a status slip failed: %r", error)
                self.status.set_print_state(StatusScreen.FAILED, printer_problem(error))

        self._run(lambda: printer_app.printer.print(content), printed, kind="io")

    # -- resets, recovery, staff ---------------------------------------------------------
    def go_home(self) -> None:
        """ "Beranda": straight home, unless that throws away answers: then ask first."""
        if self.form_screen is not None and self.form_screen.answers():
            self.overlay.ask(
                tr("form.discard_question"), tr("form.discard_yes"), tr("form.discard_no")
            )
            return
        self.reset_to_home()

    def _discard_answered(self, discard: bool) -> None:
        if discard:
            self.reset_to_home()

    def reset_to_home(self) -> None:
        """Back to Home with nothing of the last resident left in a widget or in memory, and
        the staff area (if open) locked and gone."""
        self._drop_staff_area()
        self._drop_form()
        self._service_code = None
        self.service.reset()
        self.success.reset()
        self.status.reset()
        self._before_status = None
        self.overlay.hide()
        if i18n.current_language() != self.home_language:
            self.set_language(self.home_language)
        self.show_screen(self.home)
        self.idle.poke()

    def show_recovery(self) -> None:
        if not self.ready:  # nothing of a resident's to drop yet; Home stays
            return
        self._drop_form()
        self._service_code = None
        self._set_busy(False)
        self.recovery.retranslate()
        self.show_screen(self.recovery)

    def _current_holds_data(self) -> bool:
        page = self.current_screen()
        return isinstance(page, Screen) and page.holds_personal_data

    def _current_is_resident_page(self) -> bool:
        page = self.current_screen()
        return isinstance(page, Screen) and page is not self.home

    def open_staff_area(self) -> None:
        if self.staff_area is not None:
            return
        from kiosk.ui.console import StaffArea

        # The PIN page goes back to Home after the residents' idle time: whoever opened it
        # may be a resident who found the corner and walked away.
        area = StaffArea(self.app, self.sync_bridge, self.stack, pin_idle_s=self.idle_timeout_s)
        self.staff_area = area
        self.stack.addWidget(area)
        area.closed.connect(self._close_staff_area)
        area.quit_requested.connect(self.quit_app)
        self.show_screen(area)

    def _close_staff_area(self) -> None:
        self.reset_to_home()
        self.refresh_queue()

    def lan_call_arrived(self, _call: Any) -> None:
        """A counter called on the outpost LAN: an open console shows it at once."""
        if self.staff_area is not None:
            self.staff_area.console.refresh()

    def _drop_staff_area(self) -> None:
        area, self.staff_area = self.staff_area, None
        if area is not None:
            area.shutdown()
            self.stack.removeWidget(area)
            area.deleteLater()

    def quit_app(self) -> None:
        """The app itself quits: from now on the window accepts being closed."""
        self._quitting = True
        self.quit_requested.emit()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        if self.kiosk_mode and not self._quitting:
            # Alt+F4 under a window manager, its close button, or any client asking: a
            # resident must not be able to leave the kiosk. Qt's own quit asks too, so it
            # is refused the same way until quit_app() has been called.
            log.info("a request to close the kiosk window was refused (kiosk mode)")
            event.ignore()
            return
        self._closed = True
        if self.scanner is not None:
            qapp = QApplication.instance()
            if qapp is not None:
                qapp.removeEventFilter(self.scanner)
            self.scanner = None
        if self.idle is not None:
            self.idle.stop()
        self._clock.stop()
        self._refresh.stop()
        super().closeEvent(event)


def settle_heap() -> None:
    """Move everything start-up made into the collector's permanent generation.

    A full (oldest-generation) collection walks every tracked object in the process and
    holds the GIL throughout: with Qt's wrappers, SQLAlchemy, pydantic and the printing
    stack loaded that is 50-70 ms, and a sync push makes enough garbage to set one off
    every few batches — a frozen touchscreen each time. What start-up built (modules,
    screens, the catalogue) lives as long as the process, so it is collected once here,
    at rest on Home, and then left out of every later collection (``gc.freeze``).
    """
    gc.collect()
    gc.freeze()


def _log_failure(what: str) -> Any:
    def done(_result: Any, error: BaseException | None) -> None:
        if error is not None:
            log.warning("%s failed: %r", what, error)

    return done


# -- application start -----------------------------------------------------------------
def ensure_qapp() -> QApplication:
    qapp = QApplication.instance()
    if qapp is None:
        qapp = QApplication(sys.argv[:1])
    from kiosk.ui.collector import collect_on_gui_thread
    from kiosk.ui.look import apply_look

    apply_look(qapp)
    collect_on_gui_thread(qapp)
    return qapp


def make_sync_bridge(app: KioskApp) -> SyncBridge:
    """The background sync and its Qt bridge. Without a server token (or if the worker
    cannot start) the bridge says sync is not set up and the kiosk works offline: the
    outbox keeps every record for a later ``kiosk-sync push``.
    """
    from kiosk.ui.sync_bridge import SyncBridge

    try:
        worker = app.sync_worker()
        if worker is not None:
            worker.start()
    except Exception:  # noqa: BLE001 - the kiosk works offline without it
        log.exception("background sync could not start; requests stay in the outbox")
        worker = None
    # The outbox (and the protocol's models) load when an admin first retries, or with the
    # worker: an offline kiosk idles without them.
    return SyncBridge(worker, retry_dead=lambda: app.outbox.retry_dead())


def install_excepthook(window: MainWindow) -> None:
    """Log every unhandled error and show the recovery screen, never a traceback."""

    def hook(exc_type: Any, exc: BaseException, tb: Any) -> None:
        log.critical("unhandled error", exc_info=(exc_type, exc, tb))
        try:
            window.show_recovery()
        except Exception:  # noqa: BLE001 - the hook itself must never raise
            log.exception("the recovery screen could not be shown")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        log.critical(
            "unhandled error in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook


class _HomeShown(QObject):
    """Home's first paint: the kiosk is up. Logged, told to systemd (``READY=1``), and
    then ``then`` runs: loading the rest of the kiosk behind Home."""

    def __init__(self, window: MainWindow, then: Callable[[], None] | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            size = self._window.size()
            shown = f"Home on screen, {size.width()}x{size.height()}"
            log.info("%s", shown)
            notify("READY=1", f"STATUS={shown}")
            if self._then is not None:
                QTimer.singleShot(0, self._then)
        return False


def quit_on_signals(window: MainWindow) -> None:
    """SIGTERM (``systemctl stop``, a shutdown) and SIGINT quit the app cleanly.

    Python runs the handler when the GUI thread next runs Python code: the window's
    one-second clock makes that within a second.
    """

    def handler(signum: int, _frame: Any) -> None:
        log.info("signal %s: quitting", signal.Signals(signum).name)
        window.quit_app()

    for name in ("SIGTERM", "SIGINT"):
        signal.signal(getattr(signal, name), handler)


def show_fullscreen(window: QWidget) -> None:
    """Frameless, on top, covering the whole screen.

    A desktop's window manager honours ``showFullScreen``; the bare X session of the Linux
    guide has no window manager to do so, and the window would keep its default size. So the
    window also takes the screen's geometry itself, again whenever the screen changes (turned
    to portrait, another monitor plugged in).
    """
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
    window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.geometry())
        screen.geometryChanged.connect(window.setGeometry)
    window.showFullScreen()


def run_gui(config: Path, *, windowed: bool = False, demo: bool = False) -> int:
    """The touchscreen app: Home first, then the kiosk behind it; the exit code.

    Home is painted from the outpost's name and the language alone. Then the configuration
    is read in full, the store opened (and migrated), the catalogue loaded, off the GUI
    thread; the window attaches them and sync starts. If the kiosk cannot start (a wrong
    configuration, a damaged database, a missing answers key) it says why on stderr and
    ends with 2 (configuration) or 3 (data), as before, having changed nothing.
    """
    from kiosk.config_file import home_settings

    qapp = ensure_qapp()
    outpost_name, language = home_settings(config)
    i18n.set_language(language)
    window = MainWindow(
        outpost_name=outpost_name, language=language, kiosk_mode=not (windowed or demo)
    )
    window.quit_requested.connect(qapp.quit)
    quit_on_signals(window)
    install_excepthook(window)
    parts: dict[str, Any] = {}

    def load() -> KioskApp:
        from kiosk.bootstrap import open_kiosk

        app = open_kiosk(config, log_to_files=True)
        if demo:
            from kiosk.__main__ import seed_demo_operators

            seed_demo_operators(app)
        return app

    def loaded(app: KioskApp | None, error: BaseException | None) -> None:
        from kiosk.bootstrap import CannotStart

        if error is not None:
            if isinstance(error, CannotStart):
                sys.stderr.write(f"kiosk: {error}\n")
                parts["exit"] = error.kiosk_exit_code
            else:
                from kiosk.bootstrap import EXIT_DATA

                log.critical("the kiosk could not start", exc_info=error)
                parts["exit"] = EXIT_DATA
            window.quit_app()
            return
        assert app is not None
        from kiosk.ui.retention import RetentionKeeper

        i18n.set_language(app.settings.language)
        window.home_language = app.settings.language
        parts["app"], parts["bridge"] = app, make_sync_bridge(app)
        window.attach(app, parts["bridge"])
        parts["retention"] = RetentionKeeper(app, window)
        from kiosk.ui.lan_bridge import start_outpost_lan

        parts["lan"] = start_outpost_lan(app, config, demo=demo, on_call=window.lan_call_arrived)
        log.info("ready for residents")

    window.home.installEventFilter(_HomeShown(window, lambda: run_task(load, loaded)))
    if windowed or demo:
        window.resize(1366, 768)
        window.show()
    else:
        show_fullscreen(window)
    code = qapp.exec()
    window.quit_app()  # the loop has ended, whatever ended it: the window may close now
    window.close()
    if "bridge" in parts:
        parts["bridge"].stop()
    if parts.get("lan") is not None:
        parts["lan"].stop()
    if "app" in parts:
        parts["app"].close()
    return parts.get("exit", code)


def check_gui(app: KioskApp) -> None:
    """Self-check: build the window offscreen, show Home, let it paint; raise on a problem."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    qapp = ensure_qapp()
    from kiosk.ui.look import register_fonts

    if not register_fonts():
        raise RuntimeError("the bundled fonts could not be registered")
    window = MainWindow(app, refresh_queue=False)
    try:
        window.resize(1920, 1080)
        window.show()
        qapp.processEvents()
        if window.current_screen() is not window.home:
            raise RuntimeError("the window did not open on Home")
        if not window.home.ticket_button.text():
            raise RuntimeError("Home shows no text: translations are missing")
        if window.home.grab().isNull():
            raise RuntimeError("Home could not be painted")
    finally:
        window.close()
        window.deleteLater()
        qapp.processEvents()
