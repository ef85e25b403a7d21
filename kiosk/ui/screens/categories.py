"""Categories of service (Kependudukan, Kesehatan ...): the first step of a request."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.ui.i18n import pick, tr
from kiosk.ui.screens.base import Screen
from kiosk.ui.widgets.flow import FlowGrid
from kiosk.ui.widgets.tile import Tile, badge_letter, category_icon

COLUMNS = 2


class CategoriesScreen(Screen):
    category_chosen = Signal(str)
    title_key = "categories.title"

    def __init__(self, catalogue: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        content = self.add_scroll_area()
        self.grid = FlowGrid(COLUMNS, needed=Tile.words_width, spacing=20)
        self.tiles: dict[str, Tile] = {}
        for index, category in enumerate(catalogue.categories):
            icon = category_icon(category.icon)  # resources/icons; the letter without one
            tile = Tile(badge_letter(category.name.id), index, icon=icon)
            tile.setObjectName(f"category_{category.code}")
            tile.clicked.connect(lambda _=False, c=category.code: self.category_chosen.emit(c))
            self.grid.add(tile)
            self.tiles[category.code] = tile
        content.addWidget(self.grid)
        content.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        for category in self._catalogue.categories:
            count = len(self._catalogue.services_in(category.code))
            self.tiles[category.code].set_texts(
                pick(category.name), tr("categories.count", count=count)
            )
        self.grid.reflow()  # other words, other widths
