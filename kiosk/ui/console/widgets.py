"""Small pieces every staff screen shares: touch buttons, the status line, friendly errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QWidget,
)

from kiosk.clock import to_wib
from kiosk.ui.i18n import tr
from kiosk.ui.messages import for_staff

TOUCH_MIN = 64
"""The smallest side of anything a finger presses, in pixels at 1920 × 1080."""


def touch_button(
    text: str = "",
    *,
    role: str = "secondary",
    object_name: str = "",
    checkable: bool = False,
    parent: QWidget | None = None,
) -> QPushButton:
    """A button no smaller than 64 × 64; ``role`` picks its colours in the stylesheet."""
    button = QPushButton(text, parent)
    button.setMinimumSize(TOUCH_MIN, TOUCH_MIN)
    button.setProperty("role", role)
    button.setCheckable(checkable)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    if object_name:
        button.setObjectName(object_name)
    return button


def fit_orientation(
    columns: QBoxLayout, width: int, height: int, side_by_side_from: int = 0
) -> None:
    """Side by side in a wide landscape, stacked on a portrait kiosk (1080 × 1920) or on a
    screen narrower than ``side_by_side_from`` pixels."""
    portrait = width < height or width < side_by_side_from
    direction = QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
    if columns.direction() != direction:
        columns.setDirection(direction)


def scrolling_columns() -> tuple[QScrollArea, QWidget, QBoxLayout]:
    """A frameless scroll area around a body whose columns stack on a narrow screen."""
    scroll = QScrollArea()
    scroll.setObjectName("StaffScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    body = QWidget()
    body.setObjectName("StaffBody")
    columns = QBoxLayout(QBoxLayout.Direction.LeftToRight, body)
    columns.setContentsMargins(0, 0, 8, 0)
    columns.setSpacing(24)
    return scroll, body, columns


def heading(text: str = "", *, level: int = 2, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("heading", level)
    label.setWordWrap(True)
    return label


def wib_time(moment: datetime | None) -> str:
    return "–" if moment is None else f"{to_wib(moment):%H:%M}"


def wib_datetime(moment: datetime | None) -> str:
    return "–" if moment is None else f"{to_wib(moment):%d-%m-%Y %H:%M} WIB"


class StatusLine(QLabel):
    """The result of the last action, re-worded when the language changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffStatus")
        self.setWordWrap(True)
        self.setMinimumHeight(TOUCH_MIN)
        self.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self._render: Callable[[], str] = lambda: ""
        self.setProperty("kind", "empty")

    def show_message(self, key: str, kind: str = "ok", **fields: object) -> None:
        self._set(lambda: tr(key, **fields), kind)

    def add_messages(self, keys: tuple[str, ...]) -> None:
        """Sentences after the current one, e.g. "Ticket A-003 printed. Paper nearly out." """
        if keys:
            before = self._render
            self._set(lambda: " ".join((before(), *(tr(key) for key in keys))), "info")

    def show_messages(self, keys: tuple[str, ...], kind: str = "ok") -> None:
        """Several sentences in a row, e.g. "Test page printed. The paper is nearly out." """
        self._set(lambda: " ".join(tr(key) for key in keys), kind)

    def show_error(self, error: BaseException, lead_key: str = "", **fields: object) -> None:
        """The friendly message for ``error``, after an optional sentence ``lead_key``."""

        def render() -> str:
            lead = tr(lead_key, **fields) + " " if lead_key else ""
            return lead + for_staff(error)

        self._set(render, "error")

    def clear_message(self) -> None:
        self._set(lambda: "", "empty")

    def retranslate(self) -> None:
        self.setText(self._render())

    def _set(self, render: Callable[[], str], kind: str) -> None:
        self._render = render
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(render())
