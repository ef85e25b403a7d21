"""Buttons with the kiosk's roles (the stylesheet styles each ``role``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QPushButton, QSizePolicy, QWidget


def make_button(
    text: str = "", role: str = "", parent: QWidget | None = None, *, cls: type = QPushButton
) -> QPushButton:
    button = cls(text, parent)
    if role:
        button.setProperty("role", role)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focused input keeps its keyboard
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    button.setMinimumSize(64, 64)
    return button


class _WordsFloor(QObject):
    """Puts a button's floor back to its text's width after each (re)polish, which sets the
    stylesheet's fixed min-width again."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, watched, lambda: _floor(watched))
        return False


_WORDS_FLOOR = _WordsFloor()


def _floor(button: QPushButton) -> None:
    button.setMinimumWidth(button.sizeHint().width())


def keep_words(button: QPushButton) -> None:
    """Make the button's text its floor: a layout may squeeze a button down to the
    stylesheet's fixed min-width, cutting its words. Call again after the text changes."""
    button.removeEventFilter(_WORDS_FLOOR)
    button.installEventFilter(_WORDS_FLOOR)
    button.ensurePolished()
    _floor(button)


class ActionRow(QWidget):
    """A screen's closing actions: side by side when their words fit, else one under another.

    A button never shrinks below its text, so a narrow portrait screen stacks the actions
    instead of cutting "Saya setuju, kirim permohonan" to "a setuju, kirim permoho".
    """

    def __init__(self, parent: QWidget | None = None, spacing: int = 24) -> None:
        super().__init__(parent)
        self._layout = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(spacing)
        self._buttons: list[tuple[QPushButton, int]] = []

    def add(self, button: QPushButton, stretch: int = 1) -> None:
        self._buttons.append((button, stretch))
        self._layout.addWidget(button, stretch)

    def relayout(self) -> None:
        """Choose the arrangement for the current width; called on resize and on new texts.

        Side by side in the given proportions when every button keeps its words; side by side
        sharing the room freely when only that way they fit; else one under another.
        """
        shown = [(b, s) for b, s in self._buttons if not b.isHidden()]
        if not shown:
            return
        room = self.width() - self._layout.spacing() * (len(shown) - 1)
        total = sum(s for _b, s in shown) or 1
        hints = [b.sizeHint().width() for b, _s in shown]
        if all(room * s / total >= h for (_b, s), h in zip(shown, hints, strict=True)):
            direction, stretches = QBoxLayout.Direction.LeftToRight, [s for _b, s in shown]
        elif sum(hints) <= room:
            direction, stretches = QBoxLayout.Direction.LeftToRight, [0] * len(shown)
        else:
            direction, stretches = QBoxLayout.Direction.TopToBottom, [0] * len(shown)
        for (button, _s), stretch in zip(shown, stretches, strict=True):
            self._layout.setStretchFactor(button, stretch)
        if direction != self._layout.direction():
            self._layout.setDirection(direction)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.relayout()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a text changed (another language)
            self.relayout()
        return super().event(event)
