"""The call-out view: the number being called, very large, for the waiting room.

A top-level window of its own: with a second display it goes fullscreen there, otherwise it
opens as a window the operator can drag to a TV. Each call rings the chime and, where the
machine has an Indonesian voice, says "Nomor antrian B 17, silakan menuju loket 2".
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.ui.console.sound import Chime, Voice
from kiosk.ui.i18n import tr
from kiosk.usecases.numbering import spoken_number

HISTORY = 5
VOICE_DELAY_MS = 1600  # after the chime has rung out


@dataclass(frozen=True)
class Call:
    number: str
    counter: str


class CallOutView(QWidget):
    """Shows and announces calls; ``announce`` is the one entry point."""

    def __init__(self, *, chime: Chime | None = None, voice: Voice | None = None) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("CallOutView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.chime = chime or Chime(self)
        self.voice = voice or Voice(self)
        self.current: Call | None = None
        self.history: deque[Call] = deque(maxlen=HISTORY)
        self._pending_speech: list[str] = []

        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        self.caption = QLabel()
        self.caption.setObjectName("CallOutCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.caption)
        self.number = QLabel("—")
        self.number.setObjectName("CallOutNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.number, 3)
        self.counter = QLabel()
        self.counter.setObjectName("CallOutCounter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.counter, 1)
        self.recent_title = QLabel()
        self.recent_title.setObjectName("CallOutRecentTitle")
        self.recent_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.recent_title)
        self.recent_row = QHBoxLayout()
        self.recent_row.setSpacing(24)
        self.recent: list[QLabel] = []
        for _ in range(HISTORY - 1):
            label = QLabel()
            label.setObjectName("CallOutRecent")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.recent.append(label)
            self.recent_row.addWidget(label, 1)
        layout.addLayout(self.recent_row, 1)
        self._speaker = QTimer(self)
        self._speaker.setSingleShot(True)
        self._speaker.timeout.connect(self._speak)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("staff.callout.window_title"))
        self.caption.setText(tr("staff.callout.caption"))
        self.recent_title.setText(tr("staff.callout.recent"))
        self._show()

    def announce(self, number: str, counter: str, *, recall: bool = False) -> None:
        """Show the call, ring the chime, then speak it (in Bahasa Indonesia, for residents)."""
        call = Call(number, counter)
        if not recall or self.current != call:
            if self.current is not None and self.current != call:
                self.history.appendleft(self.current)
            self.current = call
        self._show()
        self.chime.play()
        self._pending_speech.append(
            tr("staff.callout.voice", language="id", number=spoken_number(number), counter=counter)
        )
        self._speaker.start(VOICE_DELAY_MS)

    def _speak(self) -> None:
        for text in self._pending_speech:
            self.voice.say(text)
        self._pending_speech.clear()

    def _show(self) -> None:
        if self.current is None:
            self.number.setText("—")
            self.counter.setText(tr("staff.callout.waiting"))
        else:
            self.number.setText(self.current.number)
            self.counter.setText(tr("staff.callout.counter", counter=self.current.counter))
        earlier = [c for c in self.history if c != self.current][: len(self.recent)]
        for label, call in zip(self.recent, earlier + [None] * len(self.recent), strict=False):
            label.setVisible(call is not None)
            if call is not None:
                label.setText(
                    tr("staff.callout.recent_item", number=call.number, counter=call.counter)
                )

    def present(self) -> None:
        """Fullscreen on the second display when there is one, else a normal window."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            target = screens[1]
            self.setScreen(target)
            self.setGeometry(target.geometry())
            self.showFullScreen()
        else:
            if not self.isVisible():
                self.resize(960, 600)
            self.showNormal()
        self.raise_()

    @staticmethod
    def has_second_screen() -> bool:
        return len(QGuiApplication.screens()) > 1

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._scale_text(event.size().width(), event.size().height())
        super().resizeEvent(event)

    def _scale_text(self, width: int, height: int) -> None:
        """Sizes follow the window, so a 1366 × 768 TV or a portrait screen shows it whole."""
        scale = max(0.3, min(width / 1300, height / 1080))
        portrait = width < height
        self.recent_row.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        sizes = {self.number: 200, self.counter: 64, self.caption: 40, self.recent_title: 28}
        sizes.update({label: 32 for label in self.recent})
        for label, points in sizes.items():
            label.setStyleSheet(f"font-size: {max(18, round(points * scale))}pt;")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._speaker.stop()
        super().closeEvent(event)


_shared: CallOutView | None = None


def shared_callout() -> CallOutView:
    """The one call-out view of the app: it outlives each staff session, so the waiting room
    keeps seeing the last call on a second display after the operator taps Keluar."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        _shared = CallOutView()
    return _shared
