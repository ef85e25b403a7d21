"""The hidden staff entry: a blank corner that answers only to a long press.

Nothing shows until a finger rests on it; then a ring fills around the finger over the
3 seconds, so the operator knows the press is counting and when to let go. The ring is gone
on release and when the staff area opens.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

LONG_PRESS_MS = 3000
FRAME_MS = 30
# A yellow ring on a dark disc: it reads on the blue header and on the light page below it.
DISC_COLOUR = QColor(14, 26, 43, 215)
RING_COLOUR = QColor("#FFD54F")
TRACK_COLOUR = QColor(255, 255, 255, 70)  # the ring's path, faint, so the fill reads as progress


class LongPressCorner(QWidget):
    """Invisible; emits ``long_pressed`` after a press held for ``hold_ms`` (3 s by default),
    showing a filling ring while the press lasts."""

    long_pressed = Signal()

    def __init__(self, parent: QWidget | None = None, hold_ms: int = LONG_PRESS_MS) -> None:
        super().__init__(parent)
        self.setObjectName("StaffCorner")
        self.setFixedSize(120, 120)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(hold_ms)
        self._timer.timeout.connect(self._held)
        self._frames = QTimer(self)
        self._frames.setInterval(FRAME_MS)
        self._frames.timeout.connect(self.update)
        self._clock = QElapsedTimer()

    @property
    def pressing(self) -> bool:
        return self._timer.isActive()

    def progress(self) -> float:
        """How far the press has come, 0 to 1; 0 when no press is under way."""
        if not self.pressing:
            return 0.0
        return min(1.0, self._clock.elapsed() / max(1, self._timer.interval()))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._clock.start()
        self._timer.start()
        self._frames.start()
        self.update()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self._stop()
        event.accept()

    def _held(self) -> None:
        self._stop()
        self.long_pressed.emit()

    def _stop(self) -> None:
        self._timer.stop()
        self._frames.stop()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        if not self.pressing:
            return  # untouched, the corner shows nothing
        progress = self.progress()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = 10
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(DISC_COLOUR)
        painter.drawEllipse(QRectF(self.rect()).adjusted(2, 2, -2, -2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        ring = QRectF(self.rect()).adjusted(2 * width, 2 * width, -2 * width, -2 * width)
        painter.setPen(QPen(TRACK_COLOUR, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
        painter.drawEllipse(ring)
        painter.setPen(QPen(RING_COLOUR, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawArc(ring, 90 * 16, -round(progress * 360 * 16))  # clockwise from 12
        painter.end()
