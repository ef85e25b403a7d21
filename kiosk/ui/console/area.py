"""The staff area: PIN page → operator console → admin panel, and the call-out view.

The main window shows it when the hidden corner is long-pressed. "Keluar", or a while
without a touch, locks it again and hands back to the resident screens: the PIN page after
the kiosk's idle time (a resident who found the corner and walked away), the console and
the admin panel after ``IDLE_LOCK_S``. The same idle timer as the resident screens measures
both (kiosk.ui.idle), without the warning: nothing a resident typed is lost.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.console.admin import AdminPanel
from kiosk.ui.console.callout import Call, CallOutView, shared_callout
from kiosk.ui.console.operator import OperatorConsole
from kiosk.ui.console.pin import PinPage
from kiosk.ui.i18n import current_language, on_language_changed, set_language
from kiosk.ui.idle import MIN_COUNTDOWN_S, IdleWatcher
from kiosk.usecases import Operator, TodayQueue

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp
    from kiosk.ui.sync_bridge import SyncBridge

IDLE_LOCK_S = 180


class StaffArea(QWidget):
    closed = Signal()
    #: The admin closed the app from the admin panel (audited); the main window quits.
    quit_requested = Signal()

    def __init__(
        self,
        app: KioskApp,
        sync_bridge: SyncBridge | None = None,
        parent: QWidget | None = None,
        *,
        idle_lock_s: float = IDLE_LOCK_S,
        pin_idle_s: float | None = None,
        callout: CallOutView | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("StaffArea")
        self.app = app
        self.operator: Operator | None = None
        self.pages = QStackedWidget()
        self.pin_page = PinPage(app)
        self.console = OperatorConsole(app)
        self.admin = AdminPanel(app, sync_bridge)
        for page in (self.pin_page, self.console, self.admin):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        counters = app.catalogue.counters()
        self.callout = callout if callout is not None else shared_callout(counters)
        self.callout.set_counters(counters)
        self.console.called.connect(self._announce)
        self.console.queue_shown.connect(self._fill_in_callout)
        self.console.callout_requested.connect(self.callout.present)

        self.pin_page.unlocked.connect(self._unlocked)
        self.pin_page.cancelled.connect(self.leave)
        self.console.exit_requested.connect(self.leave)
        self.console.admin_requested.connect(self.open_admin)
        self.console.language_toggled.connect(self._toggle_language)
        self.admin.back_requested.connect(self.open_console)
        self.admin.exit_requested.connect(self.leave)
        self.admin.quit_requested.connect(self.quit_requested)

        self._idle_lock_s = idle_lock_s
        self._pin_idle_s = pin_idle_s if pin_idle_s is not None else app.settings.idle_timeout_s
        self.idle = IdleWatcher(
            self,
            self._pin_idle_s,
            should_warn=lambda: False,
            should_reset=lambda: True,
        )
        self.idle.reset_requested.connect(self.leave)

        me = weakref.ref(self)

        def relabel(_language: str) -> None:
            area = me()
            if area is not None and shiboken6.isValid(area):  # Qt may have deleted it first
                area.retranslate()

        on_language_changed(relabel)
        if CallOutView.has_second_screen():
            self.callout.present()
        self.pin_page.show_setup_hint()

    # --- pages ----------------------------------------------------------------------------

    def _unlocked(self, operator: Operator) -> None:
        self.operator = operator
        self.console.start(operator)
        self.pages.setCurrentWidget(self.console)
        self._time_idle()

    def open_console(self) -> None:
        if self.operator is None:
            self.lock()
            return
        self.admin.stop()
        self.pages.setCurrentWidget(self.console)

    def open_admin(self) -> None:
        if self.operator is None or self.operator.role != "admin":
            return
        self.admin.start(self.operator)
        self.pages.setCurrentWidget(self.admin)

    def lock(self) -> None:
        """Forget who is signed in and go back to the PIN page."""
        self.operator = None
        self.console.stop()
        self.admin.stop()
        self.pin_page.reset()
        self.pages.setCurrentWidget(self.pin_page)
        self._time_idle()

    def _time_idle(self) -> None:
        """The PIN page waits the kiosk's idle time; a signed-in console, ``idle_lock_s``."""
        seconds = self._idle_lock_s if self.operator is not None else self._pin_idle_s
        self.idle.set_timeouts(seconds, MIN_COUNTDOWN_S)

    def leave(self) -> None:
        """Keluar: lock, and hand the screen back to the residents."""
        self.lock()
        if not CallOutView.has_second_screen() and self.callout.isVisible():
            self.callout.hide()  # on a one-screen kiosk it would cover the resident screens
        self.closed.emit()

    def shutdown(self) -> None:
        """Before the main window drops this area: lock; the call-out view stays where it is
        useful (a second display) and hides where it would cover the resident screens."""
        self.lock()
        self.idle.stop()
        if not CallOutView.has_second_screen():
            self.callout.hide()

    def _announce(self, number: str, counter: str, recall: bool) -> None:
        self.callout.announce(number, counter, recall=recall)

    def _fill_in_callout(self, queue: TodayQueue) -> None:
        """Numbers called before the call-out view existed (the kiosk restarted, say)."""
        called = sorted(
            (t for sq in queue.services.values() for t in sq.called),
            key=lambda t: t.called_at or t.issued_at,
        )
        self.callout.fill_in(Call(t.number, t.counter) for t in called)

    def _toggle_language(self) -> None:
        set_language("en" if current_language() == "id" else "id")

    def retranslate(self) -> None:
        self.pin_page.retranslate()
        self.console.retranslate()
        self.admin.retranslate()
        self.callout.retranslate()
