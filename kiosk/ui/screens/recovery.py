"""The recovery screen the global exception hook shows instead of a traceback."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import Screen, centred, label
from kiosk.ui.widgets.buttons import make_button


class RecoveryScreen(Screen):
    restart = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, back=False, home=False)
        card = QFrame()
        card.setObjectName("RecoveryCard")
        card.setMaximumWidth(1100)
        box = QVBoxLayout(card)
        box.setContentsMargins(48, 48, 48, 48)
        box.setSpacing(28)
        self.heading = label(name="Title")
        self.text = label(name="Body")
        self.button = make_button(role="go")
        self.button.setObjectName("RecoveryButton")
        self.button.clicked.connect(self.restart)
        for widget in (self.heading, self.text):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            box.addWidget(widget)
        box.addWidget(self.button)
        self.body_layout.addStretch(1)
        self.body_layout.addLayout(centred(card))
        self.body_layout.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.heading.setText(tr("recovery.title"))
        self.text.setText(tr("recovery.body"))
        self.button.setText(tr("recovery.button"))
