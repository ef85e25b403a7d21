"""Home: the outpost, the time in WIB, people waiting, the language and the two big choices."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.clock import to_wib
from kiosk.ui.i18n import current_language, tr
from kiosk.ui.look import set_style_flag
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import keep_words, make_button
from kiosk.ui.widgets.corner import LongPressCorner

COMPACT_WIDTH = 1600


def format_wib(moment: datetime, *, two_lines: bool = False) -> str:
    local = to_wib(moment)
    day = tr(f"day.{local.weekday()}")
    month = tr(f"month.{local.month}")
    # On a narrow screen the line may wrap, but only between the day, the date and the time
    # (no-break spaces inside each): never "19:28" on one line and "WIB" on the next.
    nbsp = "\u00a0"
    date = nbsp.join((str(local.day), month, str(local.year)))
    time = f"{local:%H:%M}{nbsp}{tr('common.wib')}"
    if two_lines:  # a narrow header: the time on its own line, no "·" left at a line's end
        return f"{day}, {date}\n{time}"
    return f"{day}, {date}  ·  {time}"


class HomeScreen(Screen):
    ticket_chosen = Signal()
    request_chosen = Signal()
    language_chosen = Signal(str)
    staff_requested = Signal()
    status_chosen = Signal()

    def __init__(self, outpost_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent, back=False, home=False)
        self.title.setText(outpost_name)
        self.clock = QLabel()
        self.clock.setObjectName("Clock")
        self.clock.setWordWrap(True)  # a narrow portrait screen: the date wraps, not the buttons
        self.header_layout.removeWidget(self.title)
        names = QVBoxLayout()
        names.setSpacing(2)
        names.addWidget(self.title)
        names.addWidget(self.clock)
        self.header_layout.addLayout(names, 1)
        self.language_buttons = {}
        # side by side, or one above the other on a narrow portrait screen (see _arrange)
        self.languages = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.languages.setSpacing(self.header_layout.spacing())
        self.header_layout.addLayout(self.languages)
        for language in ("id", "en"):
            button = make_button()
            button.setObjectName(f"lang_{language}")
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, lang=language: self.language_chosen.emit(lang))
            self.languages.addWidget(button)
            self.language_buttons[language] = button

        self.welcome = label(name="Title")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = label(name="Subtitle")
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body_layout.addStretch(1)
        self.body_layout.addWidget(self.welcome)
        self.body_layout.addWidget(self.subtitle)
        self.body_layout.addSpacing(20)

        self.ticket_button = make_button(role="hero")
        self.ticket_button.setObjectName("TicketButton")
        self.ticket_button.clicked.connect(self.ticket_chosen)
        self.request_button = make_button(role="hero2")
        self.request_button.setObjectName("RequestButton")
        self.request_button.clicked.connect(self.request_chosen)
        self.ticket_hint = label(name="HeroHint")
        self.request_hint = label(name="HeroHint")
        self.choices = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.choices.setSpacing(40)
        for button, hint in (
            (self.ticket_button, self.ticket_hint),
            (self.request_button, self.request_hint),
        ):
            column = QVBoxLayout()
            column.setSpacing(12)
            hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(button)
            column.addWidget(hint)
            self.choices.addLayout(column, 1)
        self.body_layout.addLayout(self.choices)
        # "Cek status": smaller than the two big choices, under them, for a resident who
        # comes back with a receipt (a scanned receipt goes there from any screen).
        self.status_button = make_button(role="primary")
        self.status_button.setObjectName("StatusButton")
        self.status_button.clicked.connect(self.status_chosen)
        status_row = QHBoxLayout()
        status_row.addStretch(1)
        status_row.addWidget(self.status_button, 2)
        status_row.addStretch(1)
        self.body_layout.addSpacing(12)
        self.body_layout.addLayout(status_row)
        self.body_layout.addStretch(1)
        self.waiting = label(name="Waiting")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body_layout.addWidget(self.waiting)
        self._waiting_count: int | None = None
        self._moment: datetime | None = None

        # Laid over the header's top-left corner, outside any layout, invisible.
        self.corner = LongPressCorner(self)
        self.corner.long_pressed.connect(self.staff_requested)
        self.corner.move(0, 0)
        self.corner.raise_()

    def set_time(self, moment: datetime) -> None:
        self._moment = moment
        self.clock.setText(format_wib(moment, two_lines=self.width() < self.height()))

    def set_waiting(self, count: int | None) -> None:
        self._waiting_count = count
        if count is None:
            self.waiting.setText("")
        elif count == 0:
            self.waiting.setText(tr("home.waiting_none"))
        else:
            self.waiting.setText(tr("home.waiting", count=count))

    def retranslate(self) -> None:
        super().retranslate()
        self.welcome.setText(tr("home.welcome"))
        self.subtitle.setText(tr("home.subtitle"))
        self.ticket_button.setText(tr("home.ticket"))
        self.request_button.setText(tr("home.request"))
        self.ticket_hint.setText(tr("home.ticket_hint"))
        self.request_hint.setText(tr("home.request_hint"))
        self.status_button.setText(tr("home.status"))
        keep_words(self.status_button)  # a narrow portrait screen: never "k Status Permoh"
        for language, button in self.language_buttons.items():
            button.setText(tr(f"lang.{language}"))
            button.setChecked(language == current_language())
        self.set_waiting(self._waiting_count)
        self._arrange(self.width(), self.height())  # other words, other widths

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange(event.size().width(), event.size().height())
        self.corner.raise_()

    def _arrange(self, width: int, height: int) -> None:
        """Side by side where the words fit whole, else one above the other.

        Decided from the buttons' own widths, not their current ones, so that a screen too
        narrow for a row never keeps the row by forcing the window wider.
        """
        row, column = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        margins = self.header_layout.contentsMargins()
        names = max(self.title.minimumSizeHint().width(), self.clock.minimumSizeHint().width())
        languages = [b.sizeHint().width() for b in self.language_buttons.values()]
        spacing = self.header_layout.spacing()
        header_room = width - margins.left() - margins.right() - names - spacing
        self.languages.setDirection(
            row if sum(languages) + self.languages.spacing() <= header_room else column
        )
        # The two big choices: side by side on a landscape screen, in a smaller type below
        # 1600 px (1366 x 768, 1280 x 800); one above the other on a portrait one.
        landscape = width >= height
        for button in (self.ticket_button, self.request_button):
            set_style_flag(button, "compact", landscape and width < COMPACT_WIDTH)
        self.choices.setDirection(row if landscape else column)
        if self._moment is not None:
            self.clock.setText(format_wib(self._moment, two_lines=not landscape))
