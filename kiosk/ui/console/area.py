"""The staff area: PIN page → operator console → admin panel, and the call-out view.

The main window shows it when the hidden corner is long-pressed. "Keluar", or a few
minutes without a touch, locks it again and hands back to the resident screens.
"""

from __future__ import annotations

import weakref

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.ui.console.admin import AdminPanel
from kiosk.ui.console.callout import CallOutView, shared_callout
from kiosk.ui.console.operator import OperatorConsole
from kiosk.ui.console.pin import PinPage
from kiosk.ui.i18n import current_language, on_language_changed, set_language
from kiosk.usecases import Operator

IDLE_LOCK_S = 180
_TOUCHES = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.TouchBegin,
    QEvent.Type.TouchUpdate,
    QEvent.Type.KeyPress,
    QEvent.Type.Wheel,
}


class StaffArea(QWidget):
    closed = Signal()

    def __init__(
        self,
        app,  # noqa: ANN001 - KioskApp
        sync_bridge=None,  # noqa: ANN001 - kiosk.ui.sync_bridge.SyncBridge | None
        parent: QWidget | None = None,
        *,
        idle_lock_s: int = IDLE_LOCK_S,
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

        self.callout = callout if callout is not None else shared_callout()
        self.console.called.connect(self._announce)
        self.console.callout_requested.connect(self.callout.present)

        self.pin_page.unlocked.connect(self._unlocked)
        self.pin_page.cancelled.connect(self.leave)
        self.console.exit_requested.connect(self.leave)
        self.console.admin_requested.connect(self.open_admin)
        self.console.language_toggled.connect(self._toggle_language)
        self.admin.back_requested.connect(self.open_console)
        self.admin.exit_requested.connect(self.leave)

        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_lock_s * 1000)
        self.idle.timeout.connect(self.leave)

        me = weakref.ref(self)

        def relabel(_language: str) -> None:
            area = me()
            if area is not None:
                area.retranslate()

        on_language_changed(relabel)
        if CallOutView.has_second_screen():
            self.callout.present()

    # --- pages ----------------------------------------------------------------------------

    def _unlocked(self, operator: Operator) -> None:
        self.operator = operator
        self.console.start(operator)
        self.pages.setCurrentWidget(self.console)
        self.idle.start()

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
        self.idle.stop()

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
        if not CallOutView.has_second_screen():
            self.callout.hide()

    def _announce(self, number: str, counter: str, recall: bool) -> None:
        self.callout.announce(number, counter, recall=recall)

    def _toggle_language(self) -> None:
        set_language("en" if current_language() == "id" else "id")

    def retranslate(self) -> None:
        self.pin_page.retranslate()
        self.console.retranslate()
        self.admin.retranslate()
        self.callout.retranslate()

    # --- idle lock ------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        QApplication.instance().installEventFilter(self)
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: ANN001, N802 - Qt override
        QApplication.instance().removeEventFilter(self)
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _TOUCHES and self.operator is not None:
            self.idle.start()
        return False
