"""Cek status: a resident types a tracking code (or scans the receipt's QR) and reads the
answer: the service, the status in plain words, what to bring, where and when to pick up.

The screen shows only what ``kiosk.usecases.status.lookup`` returns: never a name, a NIK or
an answer. The window runs the lookup and the printing; the screen words the outcome.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.clock import wib_datetime
from kiosk.ui.i18n import current_language, tr
from kiosk.ui.look import set_style_flag
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.screens.home import format_wib
from kiosk.ui.widgets.buttons import ActionRow, make_button
from kiosk.ui.widgets.fields import TouchLineEdit
from kiosk.ui.widgets.keyboard import KeyboardPanel

if TYPE_CHECKING:
    from kiosk.usecases.status import StatusView

CODE_LENGTH = 12
"""Letters and digits in a tracking code (shown in groups of four)."""


def format_day(day: date) -> str:
    return f"{tr(f'day.{day.weekday()}')}, {day.day} {tr(f'month.{day.month}')} {day.year}"


class StatusScreen(Screen):
    """The code entry (with the letter keyboard), then the answer."""

    lookup_requested = Signal(str)
    print_requested = Signal()
    title_key = "status.title"

    PRINTING, PRINTED, FAILED = "printing", "printed", "failed"
    PROBLEMS = ("invalid", "unknown", "failed")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view: StatusView | None = None
        self._problem: tuple[str, str] | None = None
        self._print_state: tuple[str, str] | None = None

        # -- the entry: prompt, the code as typed, what is wrong with it -----------------
        self.entry = QWidget()
        entry = QVBoxLayout(self.entry)
        entry.setContentsMargins(0, 0, 0, 0)
        entry.setSpacing(16)
        self.prompt = label(name="Subtitle")
        self.code_input = TouchLineEdit()
        self.code_input.setObjectName("StatusCodeInput")
        self.code_input.setMaxLength(CODE_LENGTH + 2)
        self.code_input.returnPressed.connect(self.check)
        self.problem = label(name="Banner")
        self.problem.hide()
        # The one action is the keyboard's go key ("Cek status ➜"), as on the form: a button
        # of its own would not fit above the letters on a 768-high screen.
        entry.addStretch(1)
        for widget in (self.prompt, self.code_input, self.problem):
            entry.addWidget(widget)
        entry.addStretch(1)
        self.body_layout.addWidget(self.entry, 1)

        # -- the answer ---------------------------------------------------------------------
        content = self.add_scroll_area()
        self.answer = self.scroll_area
        self.service = label(name="SectionTitle")
        self.code = label(name="Meta")
        self.words = label(name="Title")
        self.words_en = label(name="Subtitle")
        self.note = label(name="Body")
        self.bring_title = label(name="SectionTitle")
        self.bring = label(name="Body")
        self.pickup_place = label(name="Body")
        self.pickup_from = label(name="Body")
        self.when = label(name="Meta")
        self.print_state = label(name="PrintState")
        self.print_state.hide()
        for widget in (
            self.service,
            self.code,
            self.words,
            self.words_en,
            self.note,
            self.bring_title,
            self.bring,
            self.pickup_place,
            self.pickup_from,
            self.when,
            self.print_state,
        ):
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
            content.addWidget(widget)
        content.addStretch(1)
        self.print_button = make_button(role="primary")
        self.print_button.setObjectName("StatusPrintButton")
        self.print_button.clicked.connect(self._print_clicked)
        self.again_button = make_button()
        self.again_button.setObjectName("StatusAgainButton")
        self.again_button.clicked.connect(self.show_entry)
        self.answer_actions = ActionRow()
        self.answer_actions.add(self.print_button)
        self.answer_actions.add(self.again_button)
        self.body_layout.addWidget(self.answer_actions)

        self.keyboard = KeyboardPanel()
        self.keyboard.set_next_label("status.check")
        self.keyboard.next_pressed.connect(self.check)
        self.layout().addWidget(self.keyboard)
        self.show_entry()

    # -- KeyTarget: the on-screen keyboard types the code ---------------------------------
    def insert_text(self, text: str) -> None:
        kept = "".join(c for c in text.upper() if c.isascii() and c.isalnum())
        typed = self._typed() + kept
        if kept and len(typed) <= CODE_LENGTH:
            self._set_code(typed)

    def backspace(self) -> None:
        self._set_code(self._typed()[:-1])

    def clear_text(self) -> None:
        self._set_code("")

    def _typed(self) -> str:
        return "".join(c for c in self.code_input.text().upper() if c.isalnum())

    def _set_code(self, typed: str) -> None:
        """The code in groups of four as it is typed: ``7KQ2-M9XD-4T``."""
        self.code_input.setText("-".join(typed[i : i + 4] for i in range(0, len(typed), 4)))
        self._clear_problem()

    # -- what the resident does -----------------------------------------------------------
    def check(self) -> None:
        text = self.code_input.text().strip()
        if not text:
            self.show_problem("invalid")
            return
        self.lookup_requested.emit(text)

    def _print_clicked(self) -> None:
        if self._view is not None and self._print_state != (self.PRINTING, ""):
            self.print_requested.emit()

    # -- what the window tells ---------------------------------------------------------------
    @property
    def view(self) -> StatusView | None:
        return self._view

    def show_entry(self) -> None:
        self._view = None
        self._print_state = None
        self.code_input.clear()
        self._clear_problem()
        self.entry.show()
        self.answer.hide()
        self.answer_actions.hide()
        self.keyboard.show_for(self, "letters")
        self.retranslate()

    def show_problem(self, kind: str, code: str = "") -> None:
        """The code cannot be answered: ``invalid``, ``unknown`` or ``failed`` (a store error)."""
        if self._view is not None or self.entry.isHidden():
            self.show_entry()
        self.code_input.setText(code or self.code_input.text())
        self._problem = (kind, code)
        self._render_problem()

    def show_answer(self, view: StatusView) -> None:
        self._view = view
        self._print_state = None
        self._problem = None
        self.entry.hide()
        self.keyboard.show_for(None, None)
        self.answer.show()
        self.answer_actions.show()
        self.answer.verticalScrollBar().setValue(0)
        self.retranslate()

    def set_print_state(self, state: str, problem: str = "") -> None:
        self._print_state = (state, problem)
        self._render_print_state()

    def _clear_problem(self) -> None:
        self._problem = None
        self.problem.hide()

    def _render_problem(self) -> None:
        if self._problem is None:
            self.problem.hide()
            return
        kind, code = self._problem
        self.problem.setText(tr(f"status.{kind}", code=code))
        self.problem.show()

    def _render_print_state(self) -> None:
        if self._print_state is None:
            self.print_state.hide()
            return
        state, problem = self._print_state
        keys = {
            self.PRINTING: "status.printing",
            self.PRINTED: "status.printed",
            self.FAILED: "status.print_failed",
        }
        self.print_state.setText(tr(keys[state], problem=problem))
        set_style_flag(self.print_state, "problem", state == self.FAILED)
        self.print_state.show()

    # -- words ---------------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.prompt.setText(tr("status.prompt"))
        self.code_input.setPlaceholderText(tr("status.placeholder"))
        self.print_button.setText(tr("status.print"))
        self.again_button.setText(tr("status.again"))
        self.keyboard.retranslate()
        self._render_problem()
        self._render_print_state()
        view = self._view
        if view is not None:
            self._render_answer(view)

    def _render_answer(self, view: StatusView) -> None:
        english = current_language() == "en"
        service_id, service_en = view.service_name
        self.service.setText(service_en if english else service_id)
        self.code.setText(tr("status.code", code=view.tracking_code))
        words = view.status_words
        details = view.state == "status"
        if words is not None:
            self.words.setText(words[0])
            self.words_en.setText(words[1])
        elif view.state == "no_news":
            self.words.setText(self._no_news(view.last_heard_at, "id"))
            self.words_en.setText(self._no_news(view.last_heard_at, "en"))
        else:
            key = f"status.{view.state}"
            self.words.setText(tr(key, language="id"))
            self.words_en.setText(tr(key, language="en"))
        self.words_en.setVisible(self.words_en.text() != self.words.text())
        note = view.note if details else None
        if view.state == "waiting_to_send":
            note = tr("status.waiting_to_send_note")
        self.note.setText(note or "")
        self.note.setVisible(bool(note))
        documents = view.missing_documents if details else ()
        self.bring_title.setText(tr("status.bring"))
        self.bring_title.setVisible(bool(documents))
        self.bring.setText("\n".join(f"•  {d}" for d in documents))
        self.bring.setVisible(bool(documents))
        place = view.pickup_place if details else None
        self.pickup_place.setText(tr("status.pickup_place", place=place) if place else "")
        self.pickup_place.setVisible(bool(place))
        day = view.pickup_from if details else None
        self.pickup_from.setText(tr("status.pickup_from", day=format_day(day)) if day else "")
        self.pickup_from.setVisible(day is not None)
        self.when.setText(self._when(view))
        self.when.setVisible(bool(self.when.text()))
        self.print_button.setVisible(view.state != "queue_only")

    @staticmethod
    def _no_news(heard: datetime | None, language: str) -> str:
        if heard is None:
            return tr("status.no_news_never", language=language)
        return tr("status.no_news", language=language, time=wib_datetime(heard))

    @staticmethod
    def _when(view: StatusView) -> str:
        if view.changed_at is not None:
            return tr("status.updated", time=format_wib(view.changed_at))
        if view.state == "waiting_to_send" and view.last_heard_at is not None:
            return tr("status.heard", time=format_wib(view.last_heard_at))
        return ""

    def on_enter(self) -> None:
        if self._view is None:
            self.keyboard.show_for(self, "letters")

    def reset(self) -> None:
        self.show_entry()
