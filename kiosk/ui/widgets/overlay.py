"""A card laid over the whole window: "please wait", or a message with one button."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.ui.widgets.buttons import make_button


def card_overlay(owner: QWidget, name: str) -> QVBoxLayout:
    """Make ``owner`` a full-window cover with a centred card; returns the card's layout."""
    owner.setObjectName(name)
    owner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    card = QFrame()
    card.setObjectName("IdleCard")
    card.setMaximumWidth(1000)
    box = QVBoxLayout(card)
    box.setContentsMargins(48, 40, 48, 40)
    box.setSpacing(24)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(32, 32, 32, 32)
    outer.addStretch(1)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 20)
    row.addStretch(1)
    outer.addLayout(row)
    outer.addStretch(1)
    return box


class Overlay(QWidget):
    dismissed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        box = card_overlay(self, "BusyOverlay")
        self.text = QLabel()
        self.text.setObjectName("BusyText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = make_button(role="go")
        self.button.setObjectName("OverlayButton")
        self.button.clicked.connect(self._dismiss)
        box.addWidget(self.text)
        box.addWidget(self.button)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def show_busy(self, text: str) -> None:
        self._show(text, None)

    def show_message(self, text: str, button_text: str) -> None:
        self._show(text, button_text)

    def _show(self, text: str, button_text: str | None) -> None:
        self.text.setText(text)
        self.button.setVisible(button_text is not None)
        self.button.setText(button_text or "")
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def _dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
