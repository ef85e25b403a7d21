"""A big touch tile: a badge (an icon glyph or the queue letter), a name, a line of detail."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

# Icon slugs of the catalogue drawn with glyphs the bundled DejaVu Sans has.
GLYPHS = {
    "id-card": "☷",
    "family": "⌂",
    "home": "⌂",
    "baby": "✿",
    "birth": "✿",
    "death": "✝",
    "move": "➜",
    "health": "✚",
    "police": "★",
    "license": "✎",
    "business": "⚒",
    "building": "⌂",
    "tax": "¤",
    "money": "¤",
    "social": "♥",
    "work": "⚒",
    "document": "✎",
}

_BADGE_COLOURS = ("#0B4F8A", "#1B6E3A", "#7A3E00", "#5B2A86", "#005F73", "#8A1538")


class Tile(QPushButton):
    def __init__(self, badge: str, colour_index: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.badge = QLabel(badge)
        self.badge.setFixedSize(80, 80)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        colour = _BADGE_COLOURS[colour_index % len(_BADGE_COLOURS)]
        self.badge.setStyleSheet(
            f"background:{colour}; color:#FFFFFF; border-radius:16px;"
            "font-size:30pt; font-weight:bold;"
        )
        self.name = QLabel()
        self.name.setWordWrap(True)
        self.name.setStyleSheet("font-size:22pt; font-weight:bold; background:transparent;")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setStyleSheet("font-size:19pt; color:#3B4656; background:transparent;")
        texts = QVBoxLayout()
        texts.setSpacing(4)
        texts.addWidget(self.name)
        texts.addWidget(self.detail)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(20)
        row.addWidget(self.badge)
        row.addLayout(texts, 1)
        for child in (self.badge, self.name, self.detail):
            child.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)

    def set_texts(self, name: str, detail: str) -> None:
        self.name.setText(name)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.setAccessibleName(name)
        self.updateGeometry()

    def words_width(self) -> int:
        """The width at which the longest word of the name and of the detail fits whole."""
        self.ensurePolished()
        words = 0
        for text_label in (self.name, self.detail):
            text_label.ensurePolished()
            metrics = text_label.fontMetrics()
            longest = max(
                (metrics.horizontalAdvance(w) for w in text_label.text().split()), default=0
            )
            words = max(words, longest)
        margins = self.layout().contentsMargins()
        return (
            margins.left()
            + self.badge.width()
            + self.layout().spacing()
            + words
            + margins.right()
            + 4
        )

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.layout().sizeHint()
        return QSize(max(hint.width(), 300), max(hint.height(), 112))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(240, self.heightForWidth(self.width()) if self.width() > 0 else 112)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return max(self.layout().totalHeightForWidth(width), 112)


def glyph_for(icon: str, fallback: str, font_metrics: QFontMetrics | None = None) -> str:
    glyph = GLYPHS.get(icon)
    if glyph and (font_metrics is None or font_metrics.inFont(glyph)):
        return glyph
    return (fallback[:1] or "?").upper()
