"""Success: the big queue number, people ahead, the wait, and what the printer did."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.look import set_style_flag
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import make_button

if TYPE_CHECKING:
    from kiosk.usecases import IssuedTicket


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
        self.caption = label(name="Title")
        self.number = label(name="QueueNumber")
        self.service = label(name="SectionTitle")
        self.ahead = label(name="Body")
        self.wait = label(name="Body")
        self.saved = label(name="Meta")
        self.tracking = label(name="Meta")
        self.print_state = label(name="PrintState")
        self.print_state.setObjectName("PrintState")
        for widget in (
            self.caption,
            self.number,
            self.service,
            self.ahead,
            self.wait,
            self.saved,
            self.print_state,
            self.tracking,
        ):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            content.addWidget(widget)
        content.addStretch(1)
        self.done_button = make_button(role="go")
        self.done_button.setObjectName("DoneButton")
        self.done_button.clicked.connect(self.done)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.done_button, 2)
        actions.addStretch(1)
        self.body_layout.addLayout(actions)

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
        set_style_flag(self.print_state, "problem", self._print_state == self.FAILED)

    def retranslate(self) -> None:
        super().retranslate()
        self.caption.setText(tr("success.title"))
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
