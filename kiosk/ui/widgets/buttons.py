"""Buttons with the kiosk's roles (the stylesheet styles each ``role``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget


def make_button(text: str = "", role: str = "", parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    if role:
        button.setProperty("role", role)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focused input keeps its keyboard
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    button.setMinimumSize(64, 64)
    return button
