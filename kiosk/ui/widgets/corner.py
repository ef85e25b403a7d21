"""The hidden staff entry: a blank corner that answers only to a long press."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QWidget

LONG_PRESS_MS = 3000


class LongPressCorner(QWidget):
    """Invisible; emits ``long_pressed`` after a press held for ``hold_ms`` (3 s by default)."""

    long_pressed = Signal()

    def __init__(self, parent: QWidget | None = None, hold_ms: int = LONG_PRESS_MS) -> None:
        super().__init__(parent)
        self.setObjectName("StaffCorner")
        self.setFixedSize(120, 120)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self.long_pressed)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._timer.start()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        event.accept()
