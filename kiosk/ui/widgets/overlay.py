"""A card laid over the whole window: "please wait", a message, or a yes/no question."""

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
    #: The answer to ``ask``: True for the first (confirming) button.
    answered = Signal(bool)

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
        # ask(): the safe answer (keep going) is the primary button; the other is plain.
        self.other_button = make_button()
        self.other_button.setObjectName("OverlayOtherButton")
        self.other_button.clicked.connect(lambda: self._answer(True))
        self.other_button.hide()
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        buttons.addWidget(self.other_button, 1)
        buttons.addWidget(self.button, 1)
        box.addWidget(self.text)
        box.addLayout(buttons)
        self._asking = False
        parent.installEventFilter(self)
        self.hide()

    def ask(self, text: str, confirm_text: str, cancel_text: str) -> None:
        """A question with two answers: ``confirm_text`` (plain) emits ``answered(True)``,
        ``cancel_text`` (the primary, safe one) ``answered(False)``."""
        self._show(text, cancel_text)
        self.other_button.setText(confirm_text)
        self.other_button.show()
        self._asking = True

    def _answer(self, yes: bool) -> None:
        self._asking = False
        self.other_button.hide()
        self.hide()
        self.answered.emit(yes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parentWidget().rect())
        return False

    def show_busy(self, text: str) -> None:
        self._show(text, None)

    def show_message(self, text: str, button_text: str) -> None:
        self._show(text, button_text)

    def _show(self, text: str, button_text: str | None) -> None:
        self._asking = False
        self.other_button.hide()
        self.text.setText(text)
        self.button.setVisible(button_text is not None)
        self.button.setText(button_text or "")
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def _dismiss(self) -> None:
        if self._asking:
            self._answer(False)
            return
        self.hide()
        self.dismissed.emit()
