"""QR codes encoded once with segno and drawn as plain rectangles (fast, no reportlab widget)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

QUIET_ZONE = 4  # modules of white border the QR spec asks for


@lru_cache(maxsize=256)
def qr_runs(data: str) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """The QR symbol as ``(size, runs)``: each run is ``(row, first_col, length)`` of dark modules.

    Merging a row's neighbouring dark modules into one rectangle keeps the PDF small.
    """
    import segno

    matrix = segno.make(data, error="m", micro=False, boost_error=False).matrix
    runs: list[tuple[int, int, int]] = []
    for y, row in enumerate(matrix):
        x, n = 0, len(row)
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                runs.append((y, start, x - start))
            else:
                x += 1
    return len(matrix), tuple(runs)


def qr_image(data: str, module_px: int) -> Image:
    """A 1-bit Pillow image of the QR code with its quiet zone (for raster ESC/POS and previews)."""
    from PIL import Image, ImageDraw

    size, runs = qr_runs(data)
    side = (size + 2 * QUIET_ZONE) * module_px
    img = Image.new("1", (side, side), 1)
    draw = ImageDraw.Draw(img)
    for y, x, length in runs:
        x0 = (x + QUIET_ZONE) * module_px
        y0 = (y + QUIET_ZONE) * module_px
        draw.rectangle((x0, y0, x0 + length * module_px - 1, y0 + module_px - 1), fill=0)
    return img
