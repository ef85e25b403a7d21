"""The PIN page: a numeric keypad of our own, the PIN shown as dots, the lockout in WIB.

A kiosk with no admin account yet says here how to create one (``kiosk-admin``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.console.widgets import TOUCH_MIN, StatusLine, heading, touch_button
from kiosk.ui.i18n import tr
from kiosk.ui.tasks import run_task

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp

MAX_PIN = 12


class Keypad(QWidget):
    """Digits 0-9, delete and OK; each key at least 96 px so gloved or shaky fingers hit it."""

    digit = Signal(str)
    erase = Signal()
    submit = Signal()

    KEY = 96

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffKeypad")
        grid = QGridLayout(self)
        grid.setSpacing(12)
        grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, object] = {}
        for index, label in enumerate("123456789"):
            self._add(grid, label, index // 3, index % 3)
        self.erase_key = self._key("⌫", "staff.pin.erase_name", role="secondary")
        self.erase_key.clicked.connect(self.erase)
        grid.addWidget(self.erase_key, 3, 0)
        self._add(grid, "0", 3, 1)
        self.ok_key = self._key("", "", role="primary")
        self.ok_key.clicked.connect(self.submit)
        grid.addWidget(self.ok_key, 3, 2)
        self.retranslate()

    def _key(self, text: str, tip: str, role: str = "key") -> QPushButton:
        key = touch_button(text, role=role)
        key.setMinimumSize(self.KEY, self.KEY)
        key.setObjectName("StaffKey")
        return key

    def _add(self, grid: QGridLayout, label: str, row: int, column: int) -> None:
        key = self._key(label, "")
        key.clicked.connect(lambda _=False, d=label: self.digit.emit(d))
        self.keys[label] = key
        grid.addWidget(key, row, column)

    def retranslate(self) -> None:
        self.ok_key.setText(tr("staff.pin.ok"))
        self.erase_key.setAccessibleName(tr("staff.pin.erase_name"))


class PinDisplay(QLabel):
    """The PIN as dots; never the digits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffPinDots")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumHeight(TOUCH_MIN)
        self.pin = ""
        self._refresh()

    def add(self, digit: str) -> None:
        if len(self.pin) < MAX_PIN:
            self.pin += digit
            self._refresh()

    def erase(self) -> None:
        self.pin = self.pin[:-1]
        self._refresh()

    def clear(self) -> None:
        self.pin = ""
        self._refresh()

    def _refresh(self) -> None:
        self.setText(" ".join("●" for _ in self.pin) if self.pin else "·")


class PinPage(QWidget):
    """Asks for a PIN and checks it off the GUI thread; emits the operator it unlocks."""

    unlocked = Signal(object)  # kiosk.usecases.Operator
    cancelled = Signal()

    def __init__(self, app: KioskApp, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffPinPage")
        self._app = app
        self._checking = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        top = QHBoxLayout()
        self.title = heading(level=1)
        top.addWidget(self.title, 1)
        self.back = touch_button(role="secondary", object_name="StaffExit")
        self.back.clicked.connect(self.cancelled)
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(top)
        outer.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(16)
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        column.addWidget(self.prompt)
        self.dots = PinDisplay()
        column.addWidget(self.dots)
        self.keypad = Keypad()
        self.keypad.digit.connect(self._digit)
        self.keypad.erase.connect(self.dots.erase)
        self.keypad.submit.connect(self.check)
        column.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        self.status = StatusLine()
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.status)
        self.setup_hint = QLabel()
        self.setup_hint.setObjectName("StaffHint")
        self.setup_hint.setWordWrap(True)
        self.setup_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setup_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup_hint.setMaximumWidth(3 * Keypad.KEY + 2 * 12 + 400)
        self.setup_hint.hide()
        column.addWidget(self.setup_hint)
        holder = QHBoxLayout()
        holder.addStretch(1)
        holder.addLayout(column)
        holder.addStretch(1)
        outer.addLayout(holder)
        outer.addStretch(2)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("staff.pin.title"))
        self.prompt.setText(tr("staff.pin.prompt"))
        self.back.setText(tr("staff.exit"))
        self.setup_hint.setText(tr("staff.pin.no_admin"))
        self.keypad.retranslate()
        self.status.retranslate()

    def reset(self) -> None:
        self.dots.clear()
        self.status.clear_message()
        self._set_checking(False)

    def show_setup_hint(self) -> None:
        """Say how to create the first admin, while the kiosk has none (checked each time the
        staff area opens)."""
        from kiosk.usecases import has_admin

        ctx = self._app.context

        def checked(found: object, error: BaseException | None) -> None:
            if shiboken6.isValid(self.setup_hint):  # the area may have closed meanwhile
                self.setup_hint.setVisible(error is None and found is False)

        run_task(lambda: has_admin(ctx), checked, kind="io")

    def _digit(self, digit: str) -> None:
        if not self._checking:
            self.dots.add(digit)

    def _set_checking(self, checking: bool) -> None:
        self._checking = checking
        self.keypad.setEnabled(not checking)

    def check(self) -> None:
        pin = self.dots.pin
        if self._checking:
            return
        if not pin:
            self.status.show_message("staff.pin.empty", "error")
            return
        self._set_checking(True)
        self.status.show_message("staff.pin.checking", "info")
        from kiosk.usecases import unlock_console

        ctx = self._app.context
        run_task(lambda: unlock_console(ctx, pin), self._checked)

    def _checked(self, operator: object, error: BaseException | None) -> None:
        self._set_checking(False)
        self.dots.clear()
        if error is not None:
            self.status.show_error(error)
            return
        self.status.clear_message()
        self.unlocked.emit(operator)
