"""A grid that takes as many columns as its items' words allow, up to a maximum."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QGridLayout, QWidget


class FlowGrid(QWidget):
    """Items in up to ``max_columns`` equal columns, fewer on a narrow screen.

    ``needed(item)`` is the width an item must have to show its words whole; the grid uses
    the most columns in which the widest item still gets that. A service tile, a village
    name: "Kependudukan" or "Rogojampi" never loses its last letters on a portrait screen.
    """

    def __init__(
        self,
        max_columns: int,
        needed: Callable[[QWidget], int],
        spacing: int = 12,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(spacing)
        self._max_columns = self._columns = max(1, max_columns)
        for column in range(self._columns):
            self._grid.setColumnStretch(column, 1)
        self._needed = needed
        self.items: list[QWidget] = []

    def add(self, item: QWidget) -> None:
        index = len(self.items)
        self.items.append(item)
        self._grid.addWidget(item, index // self._columns, index % self._columns)

    def reflow(self) -> None:
        """Choose the columns for the current width; call after the items' texts change."""
        if not self.items:
            return
        spacing = self._grid.horizontalSpacing()
        widest = max(self._needed(item) for item in self.items)
        fit = (self.width() + spacing) // (widest + spacing) if self.width() > 0 else 0
        self._place(max(1, min(self._max_columns, fit)))

    def _place(self, columns: int) -> None:
        if columns == self._columns:
            return
        for item in self.items:
            self._grid.removeWidget(item)
        for index, item in enumerate(self.items):
            self._grid.addWidget(item, index // columns, index % columns)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 1 if column < columns else 0)
        self._columns = columns

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.reflow()
