"""Idle reset: no touch for the configured time -> a warning with a countdown of at least
20 seconds and a big "Lanjutkan" button (WCAG 2.2.1) -> back to Home, everything wiped.

While a resident reads a long text (the data-use notice in full) the idle time is
``READING_FACTOR`` times longer: reading is not touching (WCAG 2.2.1 again)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import label
from kiosk.ui.widgets.buttons import make_button
from kiosk.ui.widgets.overlay import card_overlay

MIN_COUNTDOWN_S = 20
READING_FACTOR = 3
_ACTIVITY = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.KeyPress,
        QEvent.Type.Wheel,
    }
)


class IdleWarning(QWidget):
    """Covers the window: "are you still there?", the seconds left, and "Lanjutkan"."""

    continued = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        box = card_overlay(self, "IdleOverlay")
        self.heading = label(name="Title")
        self.seconds = label(name="Countdown")
        self.text = label(name="Body")
        self.button = make_button(role="go")
        self.button.setObjectName("IdleContinueButton")
        self.button.setMinimumHeight(110)
        self.button.clicked.connect(self.continued)
        for widget in (self.heading, self.seconds, self.text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(widget)
        box.addWidget(self.button)
        self.hide()

    def show_seconds(self, seconds: int) -> None:
        self.heading.setText(tr("idle.title"))
        self.seconds.setText(str(seconds))
        self.text.setText(tr("idle.body", seconds=seconds))
        self.button.setText(tr("idle.continue"))


class IdleWatcher(QObject):
    """Watches every touch in the application; asks the window what to do when idle.

    ``should_warn()`` says whether the current screen holds a resident's data (warn, then
    reset); ``should_reset()`` whether it can simply go home; otherwise nothing happens.
    """

    reset_requested = Signal()

    def __init__(
        self,
        window: QWidget,
        timeout_s: float,
        *,
        countdown_s: int = MIN_COUNTDOWN_S,
        should_warn: Callable[[], bool] = lambda: True,
        should_reset: Callable[[], bool] = lambda: False,
    ) -> None:
        super().__init__(window)
        self.countdown_s = countdown_s
        self.timeout_s = timeout_s
        self.reading = False
        self._should_warn = should_warn
        self._should_reset = should_reset
        self._left = 0
        self.warning = IdleWarning(window)
        self.warning.continued.connect(self.resume)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(timeout_s * 1000))
        self._idle.timeout.connect(self._went_idle)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self._idle.start()

    def set_timeouts(self, timeout_s: float, countdown_s: int) -> None:
        self.timeout_s = timeout_s
        self.countdown_s = countdown_s
        self._apply_interval()

    def read_longer(self, reading: bool) -> None:
        """A long text opened (True) or closed (False): the idle time follows, from now."""
        self.reading = reading
        self._apply_interval()

    @property
    def idle_after_s(self) -> float:
        """How long without a touch until the warning (or the reset), as things are now."""
        return self._idle.interval() / 1000

    def _apply_interval(self) -> None:
        factor = READING_FACTOR if self.reading else 1
        self._idle.setInterval(int(self.timeout_s * factor * 1000))
        self.poke()

    @property
    def warning_shown(self) -> bool:
        return self.warning.isVisible()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY and not self.warning.isVisible():
            self._idle.start()
        return False

    def poke(self) -> None:
        if not self.warning.isVisible():
            self._idle.start()

    def _went_idle(self) -> None:
        if self._should_warn():
            self._left = self.countdown_s
            self.warning.show_seconds(self._left)
            parent = self.warning.parentWidget()
            self.warning.setGeometry(parent.rect())
            self.warning.show()
            self.warning.raise_()
            self._tick.start()
        elif self._should_reset():
            self.reset_requested.emit()
            self._idle.start()
        else:
            self._idle.start()

    def _count_down(self) -> None:
        self._left -= 1
        if self._left > 0:
            self.warning.show_seconds(self._left)
            return
        self._tick.stop()
        self.warning.hide()
        self.reset_requested.emit()
        self._idle.start()

    def resume(self) -> None:
        self._tick.stop()
        self.warning.hide()
        self._idle.start()

    def stop(self) -> None:
        self._idle.stop()
        self._tick.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
