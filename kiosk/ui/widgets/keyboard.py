"""On-screen keyboards: a large number pad and a letter keyboard (not Qt Virtual Keyboard).

The keys never take focus; they type into the current target, an object with
``insert_text(str)``, ``backspace()`` and ``clear_text()``.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.i18n import tr
from kiosk.ui.widgets.buttons import keep_words, make_button


class KeyTarget(Protocol):
    def insert_text(self, text: str) -> None: ...
    def backspace(self) -> None: ...
    def clear_text(self) -> None: ...


KEY_HEIGHT = 72  # what a key gets where the screen has room
KEY_MIN_HEIGHT = 52  # the floor on a short screen (1366 x 768): still a whole fingertip


class _KeyButton(QPushButton):
    """A key that is KEY_HEIGHT tall where there is room, and gives way on a short screen
    (down to the stylesheet's min-height) instead of pushing the window off the screen."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), KEY_HEIGHT))


def _key(text: str, role: str = "key") -> QPushButton:
    button = make_button(text, role, cls=_KeyButton)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    button.setMinimumHeight(KEY_MIN_HEIGHT)
    return button


class _Keys(QWidget):
    typed = Signal(str)
    erased = Signal()
    cleared = Signal()
    next_pressed = Signal()
    #: What the go key does, in words ("Lanjut", "Periksa isian"); set by the form.
    next_label_key = "keys.next"

    def _special(self, name: str) -> QPushButton:
        if name == "backspace":
            button = _key("⌫ " + tr("keys.backspace"), "keyfn")
            button.setAutoRepeat(True)
            button.clicked.connect(self.erased)
        elif name == "next":
            button = _key(tr(self.next_label_key) + " ➜", "keygo")
            button.clicked.connect(self.next_pressed)
        else:
            button = _key(tr("keys.clear"), "keyfn")
            button.clicked.connect(self.cleared)
        button.setObjectName(f"key_{name}")
        # a word key is never narrower than its word; the space bar gives way instead
        button.setSizePolicy(QSizePolicy.Policy.MinimumExpanding, QSizePolicy.Policy.Fixed)
        return button

    def retranslate(self) -> None:
        for name, text in (
            ("backspace", "⌫ " + tr("keys.backspace")),
            ("next", tr(self.next_label_key) + " ➜"),
            ("clear", tr("keys.clear")),
        ):
            button = self.findChild(QPushButton, f"key_{name}")
            if button is not None:
                button.setText(text)
        self._fit_word_keys()

    def _fit_word_keys(self) -> None:
        # The stylesheet's min-width is a fixed floor the layout may squeeze a key down to;
        # a key with a word gets its word's width as the floor instead.
        for name in ("backspace", "next", "clear"):
            button = self.findChild(QPushButton, f"key_{name}")
            if button is not None:
                keep_words(button)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._fit_word_keys()  # polished by now with the window's stylesheet
        super().showEvent(event)


class NumberPad(_Keys):
    """Digits 0-9 in a phone layout, big enough for any finger; for NIK, KK, phone, numbers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for index, digit in enumerate("123456789"):
            button = _key(digit)
            button.setObjectName(f"key_{digit}")
            button.clicked.connect(lambda _=False, d=digit: self.typed.emit(d))
            grid.addWidget(button, index // 3, index % 3)
        zero = _key("0")
        zero.setObjectName("key_0")
        zero.clicked.connect(lambda: self.typed.emit("0"))
        grid.addWidget(self._special("clear"), 3, 0)
        grid.addWidget(zero, 3, 1)
        grid.addWidget(self._special("backspace"), 3, 2)
        grid.addWidget(self._special("next"), 0, 3, 4, 1)
        grid.itemAtPosition(0, 3).widget().setSizePolicy(
            QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding
        )
        for column in range(4):
            grid.setColumnStretch(column, 1)
        for button in self.findChildren(QPushButton):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setMaximumHeight(130)


_LETTER_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL'", "ZXCVBNM.,-")


class LetterKeyboard(_Keys):
    """Letters, digits and the marks names and addresses need (. , - ' / @)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._upper = True
        self._letters: list[QPushButton] = []
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(8)
        for row_keys in _LETTER_ROWS:
            row = QHBoxLayout()
            row.setSpacing(8)
            for char in row_keys:
                button = _key(char)
                button.setObjectName(f"key_{char}")
                button.clicked.connect(lambda _=False, c=char: self._type(c))
                if char.isalpha():
                    self._letters.append(button)
                row.addWidget(button)
            rows.addLayout(row)
        last = QHBoxLayout()
        last.setSpacing(8)
        self._shift = _key(tr("keys.shift_lower"), "keyfn")
        self._shift.setObjectName("key_shift")
        self._shift.clicked.connect(self._toggle_case)
        last.addWidget(self._shift, 2)
        for char in "/@":
            button = _key(char)
            button.setObjectName(f"key_{char}")
            button.clicked.connect(lambda _=False, c=char: self._type(c))
            last.addWidget(button, 1)
        space = _key(tr("keys.space"), "keyfn")
        space.setObjectName("key_space")
        space.clicked.connect(lambda: self.typed.emit(" "))
        last.addWidget(space, 5)
        last.addWidget(self._special("backspace"), 3)
        last.addWidget(self._special("next"), 3)
        rows.addLayout(last)

    def _type(self, char: str) -> None:
        self.typed.emit(char if self._upper else char.lower())

    def _toggle_case(self) -> None:
        self._upper = not self._upper
        for button in self._letters:
            text = button.objectName().removeprefix("key_")
            button.setText(text if self._upper else text.lower())
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self._shift.setText(tr("keys.shift_lower" if self._upper else "keys.shift_upper"))
        self.findChild(QPushButton, "key_space").setText(tr("keys.space"))


class KeyboardPanel(QFrame):
    """The keyboard docked under the form: number pad or letters, typing into one target."""

    next_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Keyboard")
        self._target: KeyTarget | None = None
        self.numbers = NumberPad()
        self.letters = LetterKeyboard()
        self._stack = QStackedWidget()
        self._stack.addWidget(self.numbers)
        self._stack.addWidget(self.letters)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addStretch(1)
        layout.addWidget(self._stack, 12)
        layout.addStretch(1)
        for keys in (self.numbers, self.letters):
            keys.typed.connect(self._typed)
            keys.erased.connect(lambda: self._target and self._target.backspace())
            keys.cleared.connect(lambda: self._target and self._target.clear_text())
            keys.next_pressed.connect(self.next_pressed)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

    def show_for(self, target: KeyTarget | None, kind: str | None) -> None:
        self._target = target
        if target is None or kind is None:
            self.hide()
            return
        self._stack.setCurrentWidget(self.numbers if kind == "numpad" else self.letters)
        # The number pad needs less width: keep its keys big but not a metre wide.
        self._stack.setMaximumWidth(900 if kind == "numpad" else 16777215)
        self.show()

    def current_keys(self) -> QWidget:
        return self._stack.currentWidget()

    def set_next_label(self, key: str) -> None:
        """Name the go key for what it does now (an i18n key: "form.continue" ...)."""
        for keys in (self.numbers, self.letters):
            keys.next_label_key = key
            keys.retranslate()

    def _typed(self, text: str) -> None:
        if self._target is not None:
            self._target.insert_text(text)

    def retranslate(self) -> None:
        self.numbers.retranslate()
        self.letters.retranslate()
