"""Readers of what the kiosk printed or drew, none of them ours.

pypdf reads a PDF's text and where each string sits, poppler's ``pdftoppm`` turns a page into
the picture a person would see, tesseract (Debian's tesseract-ocr) reads the words in a
picture. Tests compare what these readers find with what a use case returned or what a
resident typed, never with what our own renderers meant to draw.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps
from pypdf import PdfReader

POINTS_PER_INCH = 72


@dataclass(frozen=True, slots=True)
class PdfString:
    """One string shown on a PDF page: its text, the start of its baseline and its size (pt)."""

    text: str
    x: float
    y: float  # from the bottom of the page, as PDF counts
    size: float


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_strings(data: bytes) -> list[PdfString]:
    """Every string on the first page, where pypdf finds it."""
    found: list[PdfString] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(PdfString(text.strip(), x, y, size * tm[3] * cm[3]))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return found


def pdf_picture(data: bytes, dpi: int = 300) -> Image.Image:
    """The first page as poppler draws it, in grey."""
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "poppler-utils (pdftoppm) is needed to see the PDF as a person would"
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "page.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            [pdftoppm, "-r", str(dpi), "-gray", "-png", "-singlefile", pdf, Path(folder) / "page"],
            check=True,
            timeout=60,
        )
        with Image.open(Path(folder) / "page.png") as page:
            return page.convert("L")


def dark_share(image: Image.Image) -> float:
    """The share of dark pixels (a printer's heated dots, ink on paper) in a picture."""
    histogram = image.convert("L").histogram()
    return sum(histogram[:128]) / (image.width * image.height)


def _tesseract(image: Image.Image, page_segmentation: int) -> str:
    tesseract = shutil.which("tesseract")
    assert tesseract, "tesseract-ocr is needed to read printed text (.ci/run installs it)"
    picture = io.BytesIO()
    ImageOps.expand(image.convert("L"), border=24, fill=255).save(picture, "PNG")
    done = subprocess.run(
        [tesseract, "stdin", "-", "--psm", str(page_segmentation)],
        input=picture.getvalue(),
        capture_output=True,
        check=True,
        timeout=120,
        # One thread each: faster for pictures this small, and fair to parallel test runs.
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return done.stdout.decode().strip()


def read_text_with_ocr(image: Image.Image) -> str:
    """What tesseract reads in a picture of one line of text."""
    return _tesseract(image, 7)


def read_page_with_ocr(image: Image.Image) -> str:
    """What tesseract reads on a whole page or screen, block by block."""
    return _tesseract(image, 3)


def as_queue_number(read: str) -> str:
    """OCR's reading of a queue number, with the dashes it sees as dashes or spaces made '-'."""
    return re.sub(r"[\s—–]", "-", read.strip()).replace("--", "-")
