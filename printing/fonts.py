"""The bundled TrueType fonts, registered once and lazily for reportlab and Pillow."""

from __future__ import annotations

import threading
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

REGULAR = "PPPSans"
BOLD = "PPPSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}

_lock = threading.Lock()
_registered = False


def font_path(name: str) -> Path:
    """The file of a bundled font (a real path: the frozen app and wheels both keep plain files)."""
    resource = files("resources") / "fonts" / _FILES[name]
    with as_file(resource) as path:
        return Path(path)


def register_pdf_fonts() -> None:
    """Register the bundled fonts with reportlab once per process (thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name in _FILES:
            pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
        _registered = True


@lru_cache(maxsize=16)
def pillow_font(name: str, size_px: int) -> FreeTypeFont:
    """A Pillow font object; shared, so callers draw with it under ``pillow_lock``."""
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(name)), size_px)


#: FreeType faces are not safe to render from two threads at once.
pillow_lock = threading.Lock()
