"""A big touch tile: a badge (a category's icon, or a letter), a name, a line of detail."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

#: The icon's side as a share of the badge's: Tabler's 24-unit grid with its 2-unit stroke
#: then draws lines of about 4.7 px in an 80 px badge, bold enough to read at arm's length.
ICON_SHARE = 0.7


def category_icon(slug: str) -> bytes | None:
    """The SVG of a catalogue icon slug (``resources/icons/<slug>.svg``), or None when the
    kiosk has no such file: a catalogue pulled from the server may name a newer icon."""
    if not slug:
        return None
    entry = files("resources").joinpath("icons", f"{slug}.svg")
    try:
        return entry.read_bytes()
    except OSError:
        return None


def icon_renderer(svg: bytes, colour: str) -> QSvgRenderer | None:
    """The icon drawn in ``colour`` (the SVG's ``currentColor``), or None if it does not parse."""
    renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", colour.encode("ascii"))))
    return renderer if renderer.isValid() else None


class Badge(QLabel):
    """The tile's coloured square: the icon drawn in the badge's own text colour (the
    stylesheet's ``color``) at any pixel ratio, or the letter when there is no icon."""

    def __init__(self, letter: str, icon: bytes | None = None) -> None:
        super().__init__(letter)
        self._icon = icon if icon is not None and icon_renderer(icon, "#000000") else None
        self._renderer: tuple[str, QSvgRenderer | None] | None = None
        if self._icon is not None:
            self.setText("")  # the label still paints the stylesheet's square; the icon is ours

    def has_icon(self) -> bool:
        return self._icon is not None

    def icon_colour(self) -> str:
        self.ensurePolished()
        return self.palette().color(QPalette.ColorRole.WindowText).name()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._icon is None:
            return
        colour = self.icon_colour()
        if self._renderer is None or self._renderer[0] != colour:
            self._renderer = (colour, icon_renderer(self._icon, colour))
        renderer = self._renderer[1]
        if renderer is None:
            return
        side = min(self.width(), self.height()) * ICON_SHARE
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(
            painter, QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        )
        painter.end()


_BADGE_COLOURS = ("#0B4F8A", "#1B6E3A", "#7A3E00", "#5B2A86", "#005F73", "#8A1538")


class Tile(QPushButton):
    def __init__(
        self,
        badge: str,
        colour_index: int = 0,
        parent: QWidget | None = None,
        *,
        icon: bytes | None = None,
    ) -> None:
        super().__init__(parent)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.badge = Badge(badge, icon)
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
        # The name and its detail stay together, centred beside the badge: a name on one line
        # and a name on two sit alike, never with the detail pushed to the bottom edge.
        texts.addStretch(1)
        texts.addWidget(self.name)
        texts.addWidget(self.detail)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(20, 8, 20, 8)
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


def badge_letter(name: str) -> str:
    """The letter a badge shows without an icon: a queue letter, or a name's first."""
    return (name[:1] or "?").upper()
