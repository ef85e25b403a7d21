"""The request form, one question at a time, with the on-screen keyboards.

A resident sees one question: its label, its help, the whole answer as it is typed and,
right under it, what is wrong with it. "Pertanyaan 3 dari 15" says where they are; the one
primary action goes on ("Lanjut"), or, on the last question, to the review ("Periksa
isian"). A long form comes in named steps: under the form's title, "Langkah 2 dari 5: Data
orang tua", and the question count is the step's. With a keyboard up, its go key is that
action and the button under the question steps aside, so there is always one. "Kembali"
goes to the question before; from the first it leaves the form, keeping the answers for
when the resident comes back. An answer is checked when the resident goes on: a question
with a problem stays until it is right.

The answers live only in this screen's widgets: the window drops the whole screen on reset.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from forms import FORM_ERROR_KEY, is_visible
from forms.model import TEXT_TYPES
from forms.normalise import printed_name
from kiosk.ui.i18n import pick, tr
from kiosk.ui.screens.base import NARROW_WIDTH, Screen, label
from kiosk.ui.widgets.buttons import keep_words, make_button
from kiosk.ui.widgets.fields import FieldRow, make_row
from kiosk.ui.widgets.keyboard import KeyboardPanel

Validate = Callable[[Mapping[str, object]], dict[str, object]]

FORM_MIN_HEIGHT = 120


class FormScreen(Screen):
    completed = Signal()
    #: "Kembali" on the first question: the form is left, its answers kept.
    left = Signal()
    holds_personal_data = True

    def __init__(
        self, form: Any, villages: list[Any], validate: Validate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self._validate = validate
        self._errors: dict[str, Any] = {}
        self.current: FieldRow | None = None
        # Landscape: the number pad sits beside the question; letters always go underneath.
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(24)
        self.body_layout.addLayout(self.split, 1)
        column = QVBoxLayout()
        column.setSpacing(16)
        self.split.addLayout(column, 3)
        self._column = column
        # "Pertanyaan 3 dari 15": on a wide screen in the header, beside "Beranda" (on a
        # 768-high screen with the letter keyboard up every line of the body goes to the
        # question); on a narrow portrait screen, whose header has no room, above the
        # question (portrait has height to spare).
        # It starts in the body: laid out in the header before the screen knows its width,
        # it would ask a portrait window for more width than the panel has.
        self.progress = label(name="FormProgress", wrap=False)
        # Never the reason a window stays wide: a panel turned to portrait (or a window
        # resized) gets its narrow layout, which moves this out of the header.
        self.progress.setMinimumWidth(1)
        column.addWidget(self.progress)
        self._progress_in_header = False
        # The step of a long form, under the form's title: "Langkah 2 dari 5: Data orang tua".
        self._step_of = {name: step for step in form.steps for name in step.fields}
        self.step_label = label(name="HeaderSub")
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        self.step_label.setVisible(bool(form.steps))
        titles = QVBoxLayout()
        titles.setContentsMargins(0, 0, 0, 0)
        titles.setSpacing(0)
        at = self.header_layout.indexOf(self.title)
        self.header_layout.removeWidget(self.title)
        titles.addWidget(self.title)
        titles.addWidget(self.step_label)
        self.header_layout.insertLayout(at, titles, 1)
        margins = self.body_layout.contentsMargins()
        self.body_layout.setContentsMargins(margins.left(), 16, margins.right(), 16)
        content = self._scroll_into(column)
        self.rows: list[FieldRow] = []
        for field in form.fields:
            row = make_row(field, villages)
            row.activated.connect(self.activate)
            row.changed.connect(self._changed)
            row.hide()
            content.addWidget(row)
            self.rows.append(row)
        content.addStretch(1)
        #: The questions that apply now (a conditional one joins when its answer calls it).
        self.applicable: list[FieldRow] = []
        self.step = 0

        self.banner = label(name="Banner")
        self.banner.hide()
        column.addWidget(self.banner)
        self.next_button = make_button(role="go")
        self.next_button.setObjectName("FormNextButton")
        self.next_button.clicked.connect(self.go_on)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.next_button, 2)
        column.addLayout(actions)

        self.side_keyboard = KeyboardPanel()
        self.bottom_keyboard = KeyboardPanel()
        for panel in (self.side_keyboard, self.bottom_keyboard):
            panel.next_pressed.connect(self.go_on)
            panel.hide()
        self.split.addWidget(self.side_keyboard, 2)
        self.layout().addWidget(self.bottom_keyboard)
        self.keyboard = self.bottom_keyboard
        if self.back_button is not None:  # "Kembali" steps back through the questions
            self.back_button.clicked.disconnect()
            self.back_button.clicked.connect(self.go_back)
        self._update_visibility()
        # The first question's keyboard comes up in on_enter, once the screen has its real
        # size: laid out now (at a default landscape size, the number pad beside it) the
        # screen would ask a portrait window for more width than it has.
        self.show_step(0, activate=False)

    def _scroll_into(self, column: QVBoxLayout) -> QVBoxLayout:
        content = self.add_scroll_area()
        self.body_layout.removeWidget(self.scroll_area)
        # On a short screen (1366 x 768) with the letter keyboard up, the questions get what
        # is left, down to about one field; the focused one is scrolled into view.
        self.scroll_area.setMinimumHeight(FORM_MIN_HEIGHT)
        column.addWidget(self.scroll_area, 1)
        return content

    def _landscape(self) -> bool:
        size = self.size()
        return size.width() > size.height()

    def _show_keyboard(self, row: FieldRow | None) -> None:
        kind = row.keyboard if row is not None else None
        beside = kind == "numpad" and self._landscape()
        self.keyboard = self.side_keyboard if beside else self.bottom_keyboard
        other = self.bottom_keyboard if beside else self.side_keyboard
        other.show_for(None, None)
        self.keyboard.show_for(row if kind else None, kind)
        # One primary action: the keyboard's go key while it is up, else the button.
        self.next_button.setVisible(not kind)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._place_progress(in_header=event.size().width() >= NARROW_WIDTH)
        self._show_keyboard(self.current)

    def _place_progress(self, *, in_header: bool) -> None:
        if in_header == self._progress_in_header:
            return
        if in_header:
            self._column.removeWidget(self.progress)
            self.header_layout.insertWidget(self.header_layout.count() - 1, self.progress)
        else:
            self.header_layout.removeWidget(self.progress)
            self._column.insertWidget(0, self.progress)
        self._progress_in_header = in_header

    # -- moving between questions -------------------------------------------------------
    def show_step(self, step: int, *, activate: bool = True) -> None:
        """Show question ``step`` (of the applicable ones) alone, its keyboard ready."""
        if not self.applicable:
            return
        self.step = max(0, min(step, len(self.applicable) - 1))
        shown = self.applicable[self.step]
        for row in self.rows:
            row.setVisible(row is shown)
        if activate:
            self.activate(shown)
        self._show_progress()

    def on_enter(self) -> None:
        if self.current is None:
            self.activate(self.current_row())

    def show_question(self, name: str) -> None:
        """Go straight to the question called ``name`` (the review's "Ubah")."""
        for index, row in enumerate(self.applicable):
            if row.name == name:
                self.show_step(index)
                return

    def _show_progress(self) -> None:
        total = len(self.applicable)
        n, of = self.step + 1, total
        row = self.applicable[self.step] if self.step < total else None
        step = self._step_of.get(row.name) if row is not None else None
        if step is not None:
            # Counted among the questions that apply now: a step (or a question) that an
            # answer leaves out is not counted.
            steps = list(dict.fromkeys(self._step_of[r.name].id for r in self.applicable))
            in_step = [r for r in self.applicable if self._step_of[r.name] is step]
            n, of = in_step.index(row) + 1, len(in_step)
            where = tr("form.step_of", n=steps.index(step.id) + 1, total=len(steps))
            self.step_label.setText(f"{where}: <b>{html.escape(pick(step.title))}</b>")
        self.progress.setText(tr("form.question_of", n=n, total=of))
        last = self.step >= total - 1
        action = "form.next" if last else "form.continue"
        self.next_button.setText(tr(action) + "  ➜")
        keep_words(self.next_button)
        for panel in (self.side_keyboard, self.bottom_keyboard):
            panel.set_next_label(action)

    def activate(self, row: FieldRow | None) -> None:
        if row is self.current:
            return
        left, self.current = self.current, row
        if left is not None:
            left.set_active(False)
        self._show_keyboard(row)
        if row is None:
            return
        row.set_active(True)
        if row.keyboard:
            row.edit.setFocus()
        # After the keyboard takes its room, bring the question's top into view.
        QTimer.singleShot(0, lambda: self._reveal(row))

    def _reveal(self, row: FieldRow) -> None:
        if self.current is row:
            self.scroll_area.ensureWidgetVisible(row, 0, 0)

    def go_on(self) -> None:
        """ "Lanjut": check this question; if it is right, the next one (or the review)."""
        row = self.current_row()
        if row is None:
            return
        error = self._problems().get(row.name)
        self._set_error(row, error)
        if error is not None:
            return
        if self.step < len(self.applicable) - 1:
            self.show_step(self.step + 1)
        else:
            self.submit_answers()

    def go_back(self) -> None:
        """ "Kembali": the question before, or out of the form from the first one."""
        if self.step > 0:
            self.show_step(self.step - 1)
        else:
            self.left.emit()

    def current_row(self) -> FieldRow | None:
        return self.applicable[self.step] if self.applicable else None

    # -- answers ------------------------------------------------------------------------
    def answers(self) -> dict[str, object]:
        """The answers of the questions that apply; blank ones are left out."""
        result: dict[str, object] = {}
        for row in self.applicable:
            value = row.value()
            if value is not None:
                result[row.name] = value
        return result

    def review_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The answers for the review, under their steps' names ("" without steps)."""
        kept = self._kept_answers()
        sections: list[tuple[str, list[tuple[str, str]]]] = []
        for row in self.applicable:
            step = self._step_of.get(row.name)
            heading = pick(step.title) if step is not None else ""
            if not sections or sections[-1][0] != heading:
                sections.append((heading, []))
            sections[-1][1].append((pick(row.field.label), self._as_kept(row, kept)))
        return sections

    def review_lines(self) -> list[tuple[str, str]]:
        return [line for _heading, lines in self.review_sections() for line in lines]

    def _as_kept(self, row: FieldRow, kept: Mapping[str, object]) -> str:
        """A typed text as it will be stored (cleaned by validation) and a name as the
        receipt prints it; choices and numbers as the resident chose or typed them."""
        value = kept.get(row.name)
        if row.field.type == "name":
            return printed_name(value if isinstance(value, str) else row.display_value())
        if row.field.type in TEXT_TYPES and isinstance(value, str):
            return value
        return row.display_value()

    def _kept_answers(self) -> dict[str, object]:
        from forms import ValidationFailed

        try:
            return self._validate(self.answers())
        except ValidationFailed:
            return {}

    def _problems(self) -> dict[str, Any]:
        from forms import ValidationFailed

        try:
            self._validate(self.answers())
        except ValidationFailed as failed:
            return dict(failed.errors)
        return {}

    def _set_error(self, row: FieldRow, error: Any | None) -> None:
        if error is None:
            self._errors.pop(row.name, None)
        else:
            self._errors[row.name] = error
        row.set_error(pick(error.message) if error is not None else None)

    def _changed(self, row: FieldRow) -> None:
        if row.name in self._errors:
            self._set_error(row, None)
        if not self._errors:
            self.banner.hide()
        self._update_visibility()

    def _update_visibility(self) -> None:
        answered: dict[str, object] = {}  # the applicable, answered questions so far
        applicable: list[FieldRow] = []
        for row in self.rows:
            if not is_visible(row.field, answered):
                continue
            applicable.append(row)
            value = row.value()
            if value is not None:
                answered[row.name] = value
        if applicable != self.applicable:
            self.applicable = applicable
            current = self.current
            if current is not None and current in applicable:
                self.step = applicable.index(current)
            self._show_progress()

    def submit_answers(self) -> None:
        """Check every answer; all right: the review, else the first question to fix."""
        problems = self._problems()
        for row in self.rows:
            self._set_error(row, problems.get(row.name) if row in self.applicable else None)
        form_error = problems.get(FORM_ERROR_KEY)
        if problems:
            first = next((r for r in self.applicable if r.name in problems), None)
            if first is not None:
                self.show_step(self.applicable.index(first))
            if form_error is not None or first is None:
                words = pick(form_error.message) if form_error else tr("form.fix_errors")
                self.banner.setText(words)
                self.banner.show()
            return
        self.banner.hide()
        self.activate(None)
        self.completed.emit()

    # -- look -------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        for button in (self.back_button, self.home_button):  # the progress gives way, not they
            if button is not None:
                keep_words(button)
        self.title.setText(pick(self.form.title))
        self._show_progress()
        for row in self.rows:
            row.retranslate()
            error = self._errors.get(row.name)
            if error is not None:
                row.set_error(pick(error.message))
        if self.banner.isVisibleTo(self):
            self.banner.setText(tr("form.fix_errors"))
        self.side_keyboard.retranslate()
        self.bottom_keyboard.retranslate()

    def reset(self) -> None:
        self.activate(None)
        for row in self.rows:
            row.clear_answer()
            row.set_error(None)
        self._errors.clear()
        self._update_visibility()
        self.step = 0
