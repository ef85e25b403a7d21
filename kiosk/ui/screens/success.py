"""Success: the big queue number, people ahead, the wait, and what the printer did."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.look import set_style_flag
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import make_button
from kiosk.ui.widgets.qr import qr_pixmap

if TYPE_CHECKING:
    from kiosk.usecases import IssuedTicket


QR_SIZE = 200


class SuccessScreen(Screen):
    done = Signal()
    title_key = "success.title"

    PRINTING, PRINTED, FAILED = "printing", "printed", "failed"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, back=False)
        self._ticket: IssuedTicket | None = None
        self._service_name = ""
        self._is_request = False
        self._print_state = self.PRINTING
        self._problem = ""
        content = self.add_scroll_area()
        content.addStretch(1)
        self.number = label(name="QueueNumber")
        self.service = label(name="SectionTitle")
        self.ahead = label(name="Body")
        self.wait = label(name="Body")
        self.saved = label(name="Meta")
        self.tracking = label(name="Meta")
        self.print_state = label(name="PrintState")
        # When nothing could be printed: the tracking code as a QR the resident can photograph.
        self.qr = QLabel()
        self.qr.setObjectName("TrackingQr")
        self.qr.hide()
        self.status_url: Callable[[str], str] = lambda code: code
        """What the QR holds: the status page's URL for a code (set by the window)."""
        # Landscape: the number on the left, what to keep (print state, tracking code) on the
        # right, so a 768-high screen shows it all; portrait: one under the other.
        self.columns = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.columns.setSpacing(32)
        number_side, keep_side = QVBoxLayout(), QVBoxLayout()
        for side, widgets in (
            (number_side, (self.number, self.service, self.ahead, self.wait)),
            (keep_side, (self.saved, self.print_state, self.tracking, self.qr)),
        ):
            side.setSpacing(12)
            side.addStretch(1)
            for widget in widgets:
                widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
                side.addWidget(widget)
            side.addStretch(1)
            self.columns.addLayout(side, 1)
        content.addLayout(self.columns)
        content.addStretch(1)
        self.done_button = make_button(role="go")
        self.done_button.setObjectName("DoneButton")
        self.done_button.clicked.connect(self.done)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.done_button, 2)
        actions.addStretch(1)
        self.body_layout.addLayout(actions)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        landscape = event.size().width() > event.size().height()
        self.columns.setDirection(
            QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        )

    def show_ticket(self, ticket: IssuedTicket, service_name: str, is_request: bool) -> None:
        self._ticket = ticket
        self._service_name = service_name
        self._is_request = is_request
        self._print_state = self.PRINTING
        self._problem = ""
        self.retranslate()

    def set_print_state(self, state: str, problem: str = "") -> None:
        self._print_state = state
        self._problem = problem
        self._render_print_state()

    @property
    def print_state_text(self) -> str:
        return self.print_state.text()

    def _render_print_state(self) -> None:
        if self._print_state == self.PRINTING:
            text = tr("success.printing")
        elif self._print_state == self.PRINTED:
            text = tr("success.printed")
        else:
            key = (
                "success.print_failed_request"
                if self._is_request
                else "success.print_failed_ticket"
            )
            text = tr(key, problem=self._problem)
        self.print_state.setText(text)
        failed = self._print_state == self.FAILED
        set_style_flag(self.print_state, "problem", failed)
        # No paper to carry home: the code large and as a QR, and "saved" said once (the
        # failure's own sentence says it).
        set_style_flag(self.tracking, "large", failed)
        self.saved.setVisible(self._is_request and not failed)
        if failed and self._ticket is not None:
            self.qr.setPixmap(qr_pixmap(self.status_url(self._ticket.tracking_code), QR_SIZE))
        self.qr.setVisible(failed and self._ticket is not None)

    def retranslate(self) -> None:
        super().retranslate()
        self.done_button.setText(tr("success.done"))
        ticket = self._ticket
        if ticket is None:
            for widget in (self.number, self.service, self.ahead, self.wait, self.tracking):
                widget.setText("")
            self.saved.setText("")
            self.print_state.setText("")
            return
        self.number.setText(ticket.number)
        self.service.setText(
            tr("success.service", service=self._service_name, counter=ticket.counter)
        )
        self.ahead.setText(
            tr("success.ahead", count=ticket.people_ahead)
            if ticket.people_ahead
            else tr("success.ahead_none")
        )
        minutes = ticket.estimated_wait_minutes
        wait = tr("common.minutes", minutes=minutes) if minutes else tr("common.no_wait")
        self.wait.setText(tr("success.wait", wait=wait))
        self.saved.setText(tr("success.request_saved") if self._is_request else "")
        self.saved.setVisible(self._is_request)
        self.tracking.setText(tr("success.tracking", code=ticket.tracking_code))
        self._render_print_state()

    def reset(self) -> None:
        self._ticket = None
        self._service_name = ""
        self.retranslate()
