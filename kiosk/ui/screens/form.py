"""The request form, rendered from its definition, with the on-screen keyboards.

An answer is checked when the resident leaves its field; the error appears beside it. The
answers live only in this screen's widgets: the window drops the whole screen on reset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QVBoxLayout, QWidget

from forms import FORM_ERROR_KEY, is_visible
from kiosk.ui.i18n import pick, tr
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import keep_words, make_button
from kiosk.ui.widgets.fields import FieldRow, make_row
from kiosk.ui.widgets.keyboard import KeyboardPanel

Validate = Callable[[Mapping[str, object]], dict[str, object]]
_EMPTY_CODES = frozenset({"required", "consent_required"})


FORM_MIN_HEIGHT = 120


class FormScreen(Screen):
    completed = Signal()
    holds_personal_data = True

    def __init__(
        self, form: Any, villages: list[Any], validate: Validate, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.form = form
        self._validate = validate
        self._errors: dict[str, Any] = {}
        self.current: FieldRow | None = None
        # Landscape: the number pad sits beside the form; letters always go underneath.
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(24)
        self.body_layout.addLayout(self.split, 1)
        column = QVBoxLayout()
        column.setSpacing(20)
        self.split.addLayout(column, 3)
        self._column = column
        content = self._scroll_into(column)
        self.rows: list[FieldRow] = []
        for field in form.fields:
            row = make_row(field, villages)
            row.activated.connect(self.activate)
            row.changed.connect(self._changed)
            content.addWidget(row)
            self.rows.append(row)
        content.addStretch(1)

        self.banner = label(name="Banner")
        self.banner.hide()
        column.addWidget(self.banner)
        self.next_button = make_button(role="go")
        self.next_button.setObjectName("FormNextButton")
        self.next_button.clicked.connect(self.submit_answers)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.next_button, 2)
        column.addLayout(actions)

        self.side_keyboard = KeyboardPanel()
        self.bottom_keyboard = KeyboardPanel()
        for panel in (self.side_keyboard, self.bottom_keyboard):
            panel.next_pressed.connect(self.next_field)
            panel.hide()
        self.split.addWidget(self.side_keyboard, 2)
        self.layout().addWidget(self.bottom_keyboard)
        self.keyboard = self.bottom_keyboard
        self._update_visibility()

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

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._show_keyboard(self.current)

    # -- moving between fields ----------------------------------------------------------
    def activate(self, row: FieldRow | None) -> None:
        if row is self.current:
            return
        left, self.current = self.current, row
        if left is not None:
            left.set_active(False)
            self._check_left(left)
        self._show_keyboard(row)
        if row is None:
            return
        row.set_active(True)
        if row.keyboard:
            row.edit.setFocus()
        # After the keyboard takes its room, bring the field into view.
        QTimer.singleShot(0, lambda: self._reveal(row))

    def _reveal(self, row: FieldRow) -> None:
        if self.current is row:
            self.scroll_area.ensureWidgetVisible(row, 0, 40)

    def next_field(self) -> None:
        visible = self.visible_rows()
        if self.current in visible:
            index = visible.index(self.current) + 1
            self.activate(visible[index] if index < len(visible) else None)
        else:
            self.activate(visible[0] if visible else None)

    def visible_rows(self) -> list[FieldRow]:
        return [row for row in self.rows if not row.isHidden()]

    # -- answers ------------------------------------------------------------------------
    def answers(self) -> dict[str, object]:
        """The answers of the visible fields; blank fields are left out."""
        result: dict[str, object] = {}
        for row in self.visible_rows():
            value = row.value()
            if value is not None:
                result[row.name] = value
        return result

    def review_lines(self) -> list[tuple[str, str]]:
        return [(pick(row.field.label), row.display_value()) for row in self.visible_rows()]

    def _problems(self) -> dict[str, Any]:
        from forms import ValidationFailed

        try:
            self._validate(self.answers())
        except ValidationFailed as failed:
            return dict(failed.errors)
        return {}

    def _check_left(self, row: FieldRow) -> None:
        """Check the field just left; an untouched blank field is not scolded yet."""
        if row.value() is None:
            return
        error = self._problems().get(row.name)
        if error is not None and error.code in _EMPTY_CODES:
            error = None
        self._set_error(row, error)

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
        answered: dict[str, object] = {}  # the visible, answered fields so far, in form order
        for row in self.rows:
            shown = is_visible(row.field, answered)
            if row.isHidden() == shown:
                row.setVisible(shown)
                if not shown and row is self.current:
                    self.activate(None)
            value = row.value() if shown else None
            if value is not None:
                answered[row.name] = value

    def submit_answers(self) -> None:
        self.activate(None)
        problems = self._problems()
        for row in self.rows:
            self._set_error(row, problems.get(row.name) if not row.isHidden() else None)
        form_error = problems.get(FORM_ERROR_KEY)
        if problems:
            self.banner.setText(pick(form_error.message) if form_error else tr("form.fix_errors"))
            self.banner.show()
            first = next((r for r in self.visible_rows() if r.name in problems), None)
            if first is not None:
                QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(first, 0, 40))
            return
        self.banner.hide()
        self.completed.emit()

    # -- look -------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(pick(self.form.title))
        self.next_button.setText(tr("form.next") + "  ➜")
        keep_words(self.next_button)
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
