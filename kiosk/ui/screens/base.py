"""The shared frame of every resident screen: a header (back, title, home) and a body."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.i18n import tr
from kiosk.ui.look import set_style_flag
from kiosk.ui.widgets.buttons import make_button

MARGIN = 40
NARROW_WIDTH = 900


class Screen(QWidget):
    """One page of the stack. ``reset()`` forgets everything a resident entered or saw."""

    back_requested = Signal()
    home_requested = Signal()
    #: A screen that holds a resident's answers gets the idle warning before it is wiped.
    holds_personal_data = False
    title_key = ""

    def __init__(
        self, parent: QWidget | None = None, *, back: bool = True, home: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName(type(self).__name__)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        self.header = QFrame()
        self.header.setObjectName("Header")
        self.header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.header_layout = QHBoxLayout(self.header)
        self.header_layout.setContentsMargins(24, 14, 24, 14)
        self.header_layout.setSpacing(20)
        self.back_button: QPushButton | None = None
        self.home_button: QPushButton | None = None
        if back:
            self.back_button = make_button()
            self.back_button.setObjectName("BackButton")
            self.back_button.clicked.connect(self.back_requested)
            self.header_layout.addWidget(self.back_button)
        self.title = QLabel()
        self.title.setObjectName("HeaderTitle")
        self.title.setWordWrap(True)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.header_layout.addWidget(self.title, 1)
        if home:
            self.home_button = make_button()
            self.home_button.setObjectName("HomeButton")
            self.home_button.clicked.connect(self.home_requested)
            self.header_layout.addWidget(self.home_button)
        root.addWidget(self.header)
        self.body = QWidget()
        self.body.setObjectName("ScreenBody")
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(MARGIN, 28, MARGIN, 28)
        self.body_layout.setSpacing(20)
        root.addWidget(self.body, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # A narrow portrait screen (768 or 800 wide): a smaller title and tighter buttons in
        # the header, so "‹ Kembali", the title's longest word and "⌂ Beranda" fit whole.
        set_style_flag(self.header, "narrow", event.size().width() < NARROW_WIDTH, descendants=True)

    def add_scroll_area(self) -> QVBoxLayout:
        """A vertical scroll area filling the body; touch drags scroll it."""
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFrameShape(QFrame.Shape.NoFrame)
        QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        content = QWidget()
        content.setObjectName("ScrollContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 12, 0)
        layout.setSpacing(16)
        area.setWidget(content)
        self.scroll_area = area
        self.body_layout.addWidget(area, 1)
        return layout

    def retranslate(self) -> None:
        if self.back_button is not None:
            self.back_button.setText("‹ " + tr("common.back"))
        if self.home_button is not None:
            self.home_button.setText("⌂ " + tr("common.home"))
        if self.title_key:
            self.title.setText(tr(self.title_key))

    def on_enter(self) -> None:
        """Called each time the screen is shown."""

    def reset(self) -> None:
        """Forget whatever a resident entered or was shown here."""


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget and sub-layout of a layout."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def centred(widget: QWidget) -> QHBoxLayout:
    """A row holding ``widget`` in the middle, as wide as its maximum width allows."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget, 20)
    row.addStretch(1)
    return row


def label(text: str = "", name: str = "Body", wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget
