"""ESC/POS rendering with python-escpos: 58 mm (384 dots, 32 columns) and 80 mm (576 dots,
48 columns) thermal printers.

Text goes out in the printer's font A folded to ASCII (every cheap printer's code page has it);
the queue number is drawn with the bundled TrueType font as a raster image so it stays crisp and
looks like the PDF. Pictures go out through python-escpos's own ``image()`` (GS v 0), which
sets a bit for each dark dot, as the printer expects. escpos is imported lazily: importing it
costs about half a second.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from printing import layout as lay
from printing.content import Printout
from printing.fonts import BOLD, pillow_font, pillow_lock
from printing.pdf import report_row_lines
from printing.qr import qr_image

if TYPE_CHECKING:
    from PIL.Image import Image

ESCPOS_PROFILE = "TM-T20II"  # a generic Epson-compatible profile: cut and native QR supported


@dataclass(frozen=True, slots=True)
class PaperProfile:
    dots: int
    columns: int
    big_px: int
    qr_module: int


PROFILES = {
    "58mm": PaperProfile(dots=384, columns=32, big_px=104, qr_module=5),
    "80mm": PaperProfile(dots=576, columns=48, big_px=136, qr_module=6),
}

_import_lock = threading.Lock()


def escpos_printer_module() -> ModuleType:
    """``escpos.printer``, imported on first use with its capabilities cache in a lasting folder.

    Without ``ESCPOS_CAPABILITIES_PICKLE_DIR`` escpos re-parses its capabilities file and leaves a
    new /tmp/tmpXXXX folder on every process start.
    """
    with _import_lock:
        if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
            import platformdirs

            cache = platformdirs.user_cache_path("ppp-kiosk") / "escpos"
            os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = str(cache)
        # escpos writes its pickle there at import and fails if the folder is missing.
        cache_dir = Path(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"])
        cache_dir.mkdir(parents=True, exist_ok=True)
        if "escpos.capabilities" in sys.modules:
            import escpos.printer

            return escpos.printer
        # escpos calls mkdtemp() at import even when the variable is set (an eagerly evaluated
        # default); point it at our cache and remove the empty folder it makes.
        saved = tempfile.tempdir
        tempfile.tempdir = str(cache_dir)
        try:
            import escpos.printer
        finally:
            tempfile.tempdir = saved
            for leftover in cache_dir.glob("tmp*"):
                if leftover.is_dir() and not any(leftover.iterdir()):
                    leftover.rmdir()
        return escpos.printer


_ASCII = str.maketrans(
    {
        "±": "+/-",
        "·": "-",
        "–": "-",
        "—": "-",
        "…": "...",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "•": "-",
    }
)


def to_printer_text(text: str) -> str:
    """Fold text to plain ASCII: accents dropped (é -> e), typographic marks simplified."""
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return folded.encode("ascii", "ignore").decode("ascii")


def render_escpos(content: Printout, profile: str = "80mm", *, native_qr: bool = True) -> bytes:
    """The printout as an ESC/POS byte stream: initialise, content, QR code, feed and cut."""
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {sorted(PROFILES)}, not {profile!r}")
    paper = PROFILES[profile]
    printer = escpos_printer_module().Dummy(profile=ESCPOS_PROFILE)
    printer.hw("INIT")
    printer.set(font="a", align="left")
    for block in lay.layout(content):
        _block(printer, paper, block, native_qr)
    printer.set(align="left", bold=False, normal_textsize=True)
    printer.cut()
    return printer.output


def _lines(paper: PaperProfile, b: lay.Block) -> list[tuple[str, bool]]:
    """The text lines of one block and whether each is centred."""
    cols = paper.columns
    if isinstance(b, lay.Text):
        return [(line, b.center) for line in _wrap(b.text, cols)]
    if isinstance(b, lay.Field):
        label, value = to_printer_text(b.label), to_printer_text(b.value)
        if len(label) + 1 + len(value) <= cols:
            return [(label + " " * (cols - len(label) - len(value)) + value, False)]
        return [(line, False) for line in _wrap(label, cols) + _wrap(value, cols, indent="  ")]
    if isinstance(b, lay.Bullet):
        lines = _wrap(b.text, cols, first="- ", indent="  ")
        if b.sub:
            lines += _wrap(f"({b.sub})", cols, indent="  ")
        return [(line, False) for line in lines]
    if isinstance(b, lay.Rule):
        return [("-" * cols, False)]
    if isinstance(b, lay.QRCode):
        return [(line, True) for line in _wrap(b.caption, cols)] if b.caption else []
    if isinstance(b, lay.ReportTable):
        out: list[tuple[str, bool]] = []
        for row in (*b.rows, b.totals):
            out += [(line, False) for line in _wrap(row.service_name.id, cols)]
            for text in report_row_lines(row):
                out += [(line, False) for line in _wrap(text, cols, indent="  ")]
            out.append(("-" * cols, False))
        return out
    return []


def _wrap(text: str, cols: int, first: str | None = None, indent: str = "") -> list[str]:
    return textwrap.wrap(
        to_printer_text(text),
        cols,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=True,
    ) or [""]


def _block(printer: object, paper: PaperProfile, b: lay.Block, native_qr: bool) -> None:
    p = printer  # escpos.printer.Dummy, typed loosely to keep escpos out of import time
    if isinstance(b, lay.BigNumber):
        p.ln(1)  # type: ignore[attr-defined]
        p.set(align="left")  # type: ignore[attr-defined]
        p.image(big_number_image(b.text, paper.dots, paper.big_px))  # type: ignore[attr-defined]
        return
    if isinstance(b, lay.Spacer):
        p.ln(1)  # type: ignore[attr-defined]
        return
    if isinstance(b, lay.QRCode):
        p.set(align="center", bold=False, normal_textsize=True)  # type: ignore[attr-defined]
        if native_qr:
            # escpos refuses qr(native=True, center=True); ESC a 1 centres it on the printer.
            p.qr(b.data, native=True, size=paper.qr_module, ec=1)  # type: ignore[attr-defined]
            p.ln(1)  # type: ignore[attr-defined]
        else:
            p.set(align="left")  # type: ignore[attr-defined]
            p.image(_centred(qr_image(b.data, paper.qr_module), paper.dots))  # type: ignore[attr-defined]
    bold = isinstance(b, lay.Text) and b.bold
    heading = isinstance(b, lay.Text) and b.style in ("title", "heading")
    for line, centre in _lines(paper, b):
        p.set(  # type: ignore[attr-defined]
            align="center" if centre else "left",
            bold=bold or (isinstance(b, lay.Field) and b.bold),
            normal_textsize=not heading,
            double_height=heading,
        )
        p.text(line + "\n")  # type: ignore[attr-defined]
    if heading:
        p.set(normal_textsize=True)  # type: ignore[attr-defined]


@lru_cache(maxsize=64)
def big_number_image(text: str, width: int, height_px: int) -> Image:
    """The queue number drawn with the bundled bold font, centred on the full print width."""
    from PIL import Image, ImageDraw

    with pillow_lock:
        size = height_px
        font = pillow_font(BOLD, size)
        left, top, right, bottom = font.getbbox(text)
        if right - left > width * 0.92:
            size = int(size * width * 0.92 / (right - left))
            font = pillow_font(BOLD, size)
            left, top, right, bottom = font.getbbox(text)
        img = Image.new("1", (width, bottom - top + 16), 1)
        draw = ImageDraw.Draw(img)
        draw.text(((width - (right - left)) // 2 - left, 8 - top), text, font=font, fill=0)
    return img


def _centred(img: Image, width: int) -> Image:
    from PIL import Image

    if img.width >= width:
        return img
    canvas = Image.new("1", (width, img.height), 1)
    canvas.paste(img, ((width - img.width) // 2, 0))
    return canvas
