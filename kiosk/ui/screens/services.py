"""A list of services as tiles: a category's services (request) or all of them (queue only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.ui.i18n import pick, tr
from kiosk.ui.screens.base import Screen, clear_layout, label
from kiosk.ui.widgets.flow import FlowGrid
from kiosk.ui.widgets.tile import Tile, badge_letter

COLUMNS = 2
WaitText = Callable[[str], str]


class ServicesScreen(Screen):
    """``mode="request"`` lists one category; ``mode="ticket"`` lists every service by
    category, and a tap there is the ticket itself (Home -> Ambil Nomor -> service)."""

    service_chosen = Signal(str)

    def __init__(
        self, catalogue: Any, wait_text: WaitText, mode: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.mode = mode
        self.title_key = "ticket_services.title" if mode == "ticket" else "services.title"
        self._catalogue = catalogue
        self._wait_text = wait_text
        self._category: str | None = None
        self.hint = label(name="Subtitle")
        self.body_layout.addWidget(self.hint)
        self.hint.setVisible(mode == "ticket")
        self._content: QVBoxLayout = self.add_scroll_area()
        self.tiles: dict[str, Tile] = {}
        self._headings: list[tuple[Any, Any]] = []
        self._grids: list[FlowGrid] = []
        if mode == "ticket":
            self._build(None)

    def show_category(self, code: str) -> None:
        if code != self._category:
            self._build(code)
        self.retranslate()

    def _build(self, category_code: str | None) -> None:
        clear_layout(self._content)
        self.tiles = {}
        self._headings = []
        self._grids: list[FlowGrid] = []
        self._category = category_code
        catalogue = self._catalogue
        if category_code is None:
            groups = [(c, catalogue.services_in(c.code)) for c in catalogue.categories]
        else:
            groups = [(catalogue.category(category_code), catalogue.services_in(category_code))]
        colour = 0
        for category, services in groups:
            if not services:
                continue
            if category_code is None:
                heading = label(name="SectionTitle")
                self._headings.append((heading, category))
                self._content.addWidget(heading)
            grid = FlowGrid(COLUMNS, needed=Tile.words_width, spacing=20)
            for service in services:
                tile = Tile(badge_letter(service.queue_letter), colour)
                tile.setObjectName(f"service_{service.code}")
                tile.clicked.connect(lambda _=False, s=service.code: self.service_chosen.emit(s))
                grid.add(tile)
                self.tiles[service.code] = tile
            self._grids.append(grid)
            self._content.addWidget(grid)
            colour += 1
        self._content.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.hint.setText(tr("ticket_services.hint"))
        if self._category is not None and self.mode == "request":
            self.title.setText(pick(self._catalogue.category(self._category).name))
        for heading, category in self._headings:
            heading.setText(pick(category.name))
        self.refresh_waits()

    def refresh_waits(self) -> None:
        for code, tile in self.tiles.items():
            service = self._catalogue.service(code)
            detail = (
                f"{self._wait_text(code)}  ·  {tr('services.counter', counter=service.counter)}"
            )
            tile.set_texts(pick(service.name), detail)
        for grid in self._grids:  # other words, other widths
            grid.reflow()
