"""Small pieces every staff screen shares: touch buttons, the status line, friendly errors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
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


class WholeWordsPanel(QWidget):
    """A panel never narrower than its buttons' words: the stylesheet's minimum size of a
    button (64 px) would let a layout squeeze it until its words are cut."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.sizeHint().width(), super().minimumSizeHint().height())


class WrappingButton(QPushButton):
    """A touch button whose words wrap to its width, so a long service name takes another
    line instead of being cut; ``words`` is the text before wrapping."""

    def __init__(self, *, role: str = "secondary", object_name: str = "") -> None:
        super().__init__()
        self.words = ""
        self.setMinimumSize(TOUCH_MIN, TOUCH_MIN)
        self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        if object_name:
            self.setObjectName(object_name)

    def set_words(self, words: str) -> None:
        self.words = words
        self._wrap()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._wrap()

    def _wrap(self) -> None:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        inside = self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, self)
        room = max(1, inside.width() - 8)  # the style's own margin around a button's text
        metrics = self.fontMetrics()
        lines: list[str] = []
        for paragraph in self.words.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and metrics.horizontalAdvance(candidate) > room:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        text = "\n".join(lines)
        if text != self.text():
            self.setText(text)


def fit_orientation(columns: QBoxLayout, width: int, height: int) -> None:
    """Side by side on a landscape screen, stacked on a portrait kiosk (1080 × 1920)."""
    portrait = width < height
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


def scrolling_body(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area that scrolls up and down, never sideways."""
    scroll = QScrollArea()
    scroll.setObjectName("StaffScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    content.setObjectName("StaffBody")
    content.layout().setContentsMargins(0, 0, 8, 0)
    scroll.setWidget(content)
    return scroll


def heading(text: str = "", *, level: int = 2, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("heading", level)
    label.setWordWrap(True)
    return label


def wib_time(moment: datetime | None) -> str:
    return "–" if moment is None else f"{to_wib(moment):%H:%M}"


class StatusLine(QLabel):
    """The result of the last action, re-worded when the language changes.

    Word-wrapped (a long folder path too, wherever it must): a longer message takes height
    from the part above it, never the window's.
    """

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
