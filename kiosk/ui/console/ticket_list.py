"""The operator console's list of a counter's tickets, with whole service names."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QListWidget, QWidget

ROW_PADDING = QSize(2 * 12 + 8, 2 * 8 + 4)
"""The ticket row's padding and border in the stylesheet, around its text."""


class TicketList(QListWidget):
    """Today's tickets of a counter; each row as tall as its text wrapped to the list's width,
    so a long service name wraps instead of ending in "…"."""

    MIN_ROW = 104

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("StaffTickets")
        self.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)

    def fit_rows(self) -> None:
        width = max(1, self.viewport().width() - ROW_PADDING.width())
        metrics = self.fontMetrics()
        flags = int(Qt.TextFlag.TextWordWrap)
        for row in range(self.count()):
            item = self.item(row)
            text = metrics.boundingRect(QRect(0, 0, width, 10**6), flags, item.text())
            item.setSizeHint(QSize(0, max(self.MIN_ROW, text.height() + ROW_PADDING.height())))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self.fit_rows()
