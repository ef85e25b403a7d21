"""A USB barcode scanner in keyboard-wedge mode, recognised from any screen.

Such a scanner is a keyboard to the computer: it "types" what it read, much faster than a
hand can, and ends with Enter. An application-wide event filter watches every key press
once (at the widget it is delivered to first) and calls a burst of at least ``min_chars``
characters, each within ``max_gap_ms`` of the one before, ending with Enter, a scan.

What a person types on a keyboard, however quick, has gaps longer than that between most
keys; the on-screen keyboards make no key events at all. The scanned characters still reach
the widget that has the focus (a form's field may get them): the burst cannot be told from
typing until its Enter arrives. That Enter is kept from the widget, so a scan never submits
the question on screen.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

MIN_CHARS = 6
MAX_GAP_MS = 30.0
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class KeyboardWedgeScanner(QObject):
    """Install with ``QApplication.instance().installEventFilter(scanner)``."""

    #: What the scanner typed, without the Enter.
    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        min_chars: int = MIN_CHARS,
        max_gap_ms: float = MAX_GAP_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self.min_chars = min_chars
        self.max_gap_s = max_gap_ms / 1000
        self._clock = clock
        self._chars: list[str] = []
        self._last = 0.0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not _first_delivery(watched):
            return False
        assert isinstance(event, QKeyEvent)
        now = self._clock()
        quick = bool(self._chars) and now - self._last <= self.max_gap_s
        if event.key() in _ENTER:
            burst = "".join(self._chars) if quick and len(self._chars) >= self.min_chars else ""
            self._chars.clear()
            if burst:
                self.scanned.emit(burst)
                return True  # the scan's Enter is not the focused widget's to act on
            return False
        text = event.text()
        if not text or not text.isprintable():
            return False  # Shift and the like: a scanner presses it for capitals
        if not quick:
            self._chars.clear()
        self._chars.append(text)
        self._last = now
        return False


def _first_delivery(watched: QObject) -> bool:
    """A key press goes to the focus widget (or, with none, the window) and then up through
    its parents: count it only where it was delivered first."""
    if not isinstance(watched, QWidget):
        return False  # the QWindow's turn, before the widgets'
    focus = QApplication.focusWidget()
    if focus is not None:
        return watched is focus
    return watched.isWindow()
