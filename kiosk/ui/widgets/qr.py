"""A QR code on the screen, drawn from segno's matrix (the same library the printouts use)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPixmap

QUIET_ZONE = 4
"""Modules of white around the code, as ISO/IEC 18004 asks, so a phone finds its edges."""


def qr_pixmap(text: str, size: int) -> QPixmap:
    """``text`` as a black-on-white QR code about ``size`` pixels square, crisp edges."""
    import segno  # only when a print failed: kept out of the idle kiosk's memory

    matrix = [list(row) for row in segno.make(text, error="m", micro=False).matrix]
    modules = len(matrix) + 2 * QUIET_ZONE
    image = QImage(modules, modules, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    black = QColor("black").rgb()
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.setPixel(x + QUIET_ZONE, y + QUIET_ZONE, black)
    scale = max(1, size // modules)
    return QPixmap.fromImage(
        image.scaled(
            modules * scale,
            modules * scale,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )
    )
