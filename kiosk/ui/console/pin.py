"""The PIN page: a numeric keypad of our own, the PIN shown as dots, the lockout in WIB.

A kiosk with no admin account yet says here how to create one (``kiosk-admin``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.console.widgets import (
    TOUCH_MIN,
    StatusLine,
    fit_orientation,
    heading,
    touch_button,
)
from kiosk.ui.i18n import tr
from kiosk.ui.tasks import run_task
from kiosk.usecases.operators import PIN_MAX_LENGTH, PIN_MIN_LENGTH

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp

FILLED = "●"
EMPTY = "○"
FILLED_COLOUR = "#0B4F8A"
EMPTY_COLOUR = "#7D8CA3"  # 3.4:1 on white: a visible slot, plainly not a typed digit


class Keypad(QWidget):
    """Digits 0-9, delete and OK; each key at least 96 px so gloved or shaky fingers hit it."""

    digit = Signal(str)
    erase = Signal()
    submit = Signal()

    KEY = 96
    COMPACT_KEY = 80
    """The admin panel's pad, beside the PIN fields: a 1366 x 768 screen has no room for
    96 px keys there, and 80 px is still well above the 64 px of any touch target."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("StaffKeypad")
        self.setProperty("compact", compact)
        self._side = self.COMPACT_KEY if compact else self.KEY
        grid = QGridLayout(self)
        grid.setSpacing(8 if compact else 12)
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
        key.setMinimumSize(self._side, self._side)
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
    """The PIN as dots, never the digits: a filled dot per digit typed, and a hollow slot for
    each digit still needed for the shortest PIN, so an empty box never looks typed in."""

    def __init__(self, parent: QWidget | None = None, *, small: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("StaffPinDots")
        self.setProperty("small", small)
        self._gap = "\u2009" if small else " "  # a thin space keeps the small box narrow
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setMinimumHeight(TOUCH_MIN)
        self.pin = ""
        self._refresh()

    def add(self, digit: str) -> None:
        if len(self.pin) < PIN_MAX_LENGTH:
            self.pin += digit
            self._refresh()

    def erase(self) -> None:
        self.pin = self.pin[:-1]
        self._refresh()

    def clear(self) -> None:
        self.pin = ""
        self._refresh()

    def slots(self) -> str:
        """What the box shows, as plain characters: ``●●○○○○`` after two digits."""
        return FILLED * len(self.pin) + EMPTY * max(0, PIN_MIN_LENGTH - len(self.pin))

    def _refresh(self) -> None:
        filled = len(self.pin)
        empty = len(self.slots()) - filled
        gap = self._gap
        self.setText(
            f'<span style="color:{FILLED_COLOUR}">{gap.join(FILLED * filled)}</span>'
            + (gap if filled and empty else "")
            + f'<span style="color:{EMPTY_COLOUR}">{gap.join(EMPTY * empty)}</span>'
        )


class PinPage(QWidget):
    """Asks for a PIN and checks it off the GUI thread; emits the operator it unlocks."""

    unlocked = Signal(object)  # kiosk.usecases.Operator
    cancelled = Signal()

    INFO_WIDTH = 560

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
        # The words beside the keypad on a landscape screen (a 1366 x 768 one has no room for
        # them above and below it), where a long message grows into the keypad's height; above
        # it on a portrait one. A fixed width either way: a long message wraps, never widens.
        info = QWidget()
        info.setFixedWidth(self.INFO_WIDTH)
        column = QVBoxLayout(info)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(16)
        self.prompt = QLabel()
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.prompt.setWordWrap(True)
        column.addWidget(self.prompt)
        self.dots = PinDisplay()
        column.addWidget(self.dots)
        self.status = StatusLine()
        self.status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.status)
        self.setup_hint = QLabel()
        self.setup_hint.setObjectName("StaffHint")
        self.setup_hint.setWordWrap(True)
        self.setup_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setup_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setup_hint.hide()
        column.addWidget(self.setup_hint)
        column.addStretch(1)
        self.keypad = Keypad()
        self.keypad.digit.connect(self._digit)
        self.keypad.erase.connect(self.dots.erase)
        self.keypad.submit.connect(self.check)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setSpacing(48)
        self.body.addWidget(info, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.keypad, 0, Qt.AlignmentFlag.AlignHCenter)
        holder = QHBoxLayout()
        holder.addStretch(1)
        holder.addLayout(self.body)
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

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        fit_orientation(self.body, event.size().width(), event.size().height())
        super().resizeEvent(event)

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
