"""One touch editor per form field, built from its FieldDefinition.

Each row shows the label, the help, the editor and, beside it, the error. Typed fields take
their characters from the on-screen keyboards (``keyboard`` says which one); choices are
big toggle buttons. Rows hold the answers only in their widgets: drop the row and the
answer is gone.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QMouseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.i18n import pick, tr
from kiosk.ui.look import set_style_flag
from kiosk.ui.widgets.buttons import make_button
from kiosk.ui.widgets.flow import FlowGrid

NUMPAD_TYPES = frozenset({"nik", "kk", "phone", "number", "date"})
LETTER_TYPES = frozenset({"text", "long_text", "address", "name", "email"})
_DIGIT_LIMITS = {"nik": 16, "kk": 16, "phone": 15, "number": 9, "date": 8}
_TEXT_LIMITS = {"text": 200, "long_text": 1000, "address": 250, "name": 100, "email": 254}


class TouchLineEdit(QLineEdit):
    """A line edit that says when it is touched, and never opens a context menu."""

    touched = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setMinimumHeight(72)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        super().mousePressEvent(event)
        self.touched.emit()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.touched.emit()


class FieldRow(QFrame):
    """Label, help, editor and error of one field."""

    activated = Signal(object)
    changed = Signal(object)
    keyboard: str | None = None

    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.name: str = field.name
        self.setObjectName("FieldRow")
        self.setProperty("field", field.name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(24, 16, 24, 16)
        self._layout.setSpacing(8)
        self.label = QLabel()
        self.label.setObjectName("FieldLabel")
        self.label.setWordWrap(True)
        self.help = QLabel()
        self.help.setObjectName("FieldHelp")
        self.help.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("FieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        self._layout.addWidget(self.label)
        self._layout.addWidget(self.help)

    def _finish(self, editor: QWidget, error_beside: bool = True) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(20)
        if error_beside:
            grid.addWidget(editor, 0, 0)
            grid.addWidget(self.error, 0, 1, Qt.AlignmentFlag.AlignVCenter)
            grid.setColumnStretch(0, 3)
            grid.setColumnStretch(1, 2)
        else:  # a grid of choices needs the whole width; the error goes right under it
            grid.addWidget(editor, 0, 0)
            grid.addWidget(self.error, 1, 0)
        self._layout.addLayout(grid)
        self.retranslate()

    # -- state ------------------------------------------------------------------------
    def set_active(self, active: bool) -> None:
        self._set_flag("active", active)

    def set_error(self, message: str | None) -> None:
        self.error.setText("⚠ " + message if message else "")
        self.error.setVisible(bool(message))
        self._set_flag("invalid", bool(message))

    def _set_flag(self, name: str, value: bool) -> None:
        set_style_flag(self, name, value)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.activated.emit(self)
        super().mousePressEvent(event)

    def retranslate(self) -> None:
        label = pick(self.field.label)
        if not self.field.required:
            label = f"{label}  {tr('form.optional')}"
        self.label.setText(label)
        help_text = pick(self.field.help)
        if self.field.type == "date":
            help_text = (help_text + " " if help_text else "") + tr("form.date_hint")
        self.help.setText(help_text)
        self.help.setVisible(bool(help_text))

    # -- answers (overridden) ----------------------------------------------------------
    def value(self) -> object | None:
        raise NotImplementedError

    def display_value(self) -> str:
        raise NotImplementedError

    def clear_answer(self) -> None:
        raise NotImplementedError


class TypedFieldRow(FieldRow):
    """Text, name, address, email (letters) and NIK, KK, phone, number, date (number pad)."""

    def __init__(self, field: Any, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        kind = field.type
        self.keyboard = "numpad" if kind in NUMPAD_TYPES else "letters"
        self.edit = TouchLineEdit()
        self.edit.setObjectName(f"input_{field.name}")
        self.edit.touched.connect(lambda: self.activated.emit(self))
        self.edit.textChanged.connect(lambda _t: self.changed.emit(self))
        if kind in NUMPAD_TYPES:
            self._limit = _DIGIT_LIMITS[kind]
        else:
            self._limit = field.max_length or _TEXT_LIMITS.get(kind, 200)
        # The whole width for the answer (16 digits of a NIK beside the number pad), and
        # the problem right under it.
        self._finish(self.edit, error_beside=False)

    # KeyTarget
    def insert_text(self, text: str) -> None:
        if self.field.type in NUMPAD_TYPES:
            if not text.isdigit():
                return
            digits = re.sub(r"\D", "", self.edit.text()) + text
            if len(digits) > self._limit:
                return
            self.edit.setText(_format_date(digits) if self.field.type == "date" else digits)
            return
        if len(self.edit.text()) + len(text) <= self._limit:
            self.edit.insert(text)

    def backspace(self) -> None:
        if self.field.type == "date":
            digits = re.sub(r"\D", "", self.edit.text())[:-1]
            self.edit.setText(_format_date(digits))
        else:
            self.edit.backspace()

    def clear_text(self) -> None:
        self.edit.clear()

    def value(self) -> object | None:
        text = self.edit.text().strip()
        return text or None

    def display_value(self) -> str:
        return self.edit.text().strip()

    def clear_answer(self) -> None:
        self.edit.clear()


def _format_date(digits: str) -> str:
    """``17081990`` -> ``17-08-1990`` as it is typed, so the resident sees the date form."""
    parts = [digits[:2], digits[2:4], digits[4:8]]
    return "-".join(part for part in parts if part)


class ChoiceFieldRow(FieldRow):
    """Choice, multiple choice, yes/no, consent and the outpost's villages as big buttons."""

    def __init__(
        self, field: Any, villages: list[Any] | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(field, parent)
        kind = field.type
        self._options: list[tuple[object, Any]] = []
        if kind in ("choice", "multi_choice"):
            self._options = [(o.value, o.label) for o in field.options]
        elif kind == "yes_no":
            self._options = [(True, lambda: tr("common.yes")), (False, lambda: tr("common.no"))]
        elif kind == "consent":
            self._options = [(True, lambda: tr("form.consent_yes"))]
        elif kind == "village":
            self._options = [(v.code, v.name) for v in villages or []]
        self._multi = kind in ("multi_choice", "consent")
        self._group = QButtonGroup(self)
        self._group.setExclusive(not self._multi)
        self.buttons: list[QPushButton] = []
        self._choices = FlowGrid(
            3 if kind == "village" else min(max(len(self._options), 1), 3),
            needed=lambda button: button.sizeHint().width(),
        )
        for index, (value, _label) in enumerate(self._options):
            button = make_button("", "choice")
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setObjectName(f"choice_{field.name}_{index}")
            button.setProperty("value", value)
            button.clicked.connect(self._clicked)
            self._group.addButton(button, index)
            self.buttons.append(button)
            self._choices.add(button)
        self._finish(self._choices, error_beside=False)

    def _clicked(self) -> None:
        self.activated.emit(self)
        self.changed.emit(self)

    def button_for(self, value: object) -> QPushButton:
        for (option, _label), button in zip(self._options, self.buttons, strict=True):
            if option == value and type(option) is type(value):
                return button
        raise KeyError(value)

    def retranslate(self) -> None:
        super().retranslate()
        for (_value, label), button in zip(self._options, self.buttons, strict=False):
            button.setText(_label_text(label))
        self._choices.reflow()  # other words, other widths

    def value(self) -> object | None:
        chosen = [
            value
            for (value, _l), b in zip(self._options, self.buttons, strict=True)
            if b.isChecked()
        ]
        if self.field.type == "multi_choice":
            return [str(v) for v in chosen] or None
        return chosen[0] if chosen else None

    def display_value(self) -> str:
        labels = [
            _label_text(label)
            for (_v, label), b in zip(self._options, self.buttons, strict=True)
            if b.isChecked()
        ]
        return ", ".join(labels)

    def clear_answer(self) -> None:
        self._group.setExclusive(False)
        for button in self.buttons:
            button.setChecked(False)
        self._group.setExclusive(not self._multi)


def _label_text(label: Any) -> str:
    if callable(label):
        return label()
    return label if isinstance(label, str) else pick(label)


def make_row(field: Any, villages: list[Any]) -> FieldRow:
    if field.type in NUMPAD_TYPES or field.type in LETTER_TYPES:
        return TypedFieldRow(field)
    return ChoiceFieldRow(field, villages if field.type == "village" else None)
