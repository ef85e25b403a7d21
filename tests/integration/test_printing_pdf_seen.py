"""The queue number on a PDF ticket or receipt as a person sees it, not as text extraction finds it.

A number drawn in white, off the page or under a black box still extracts as text; here the
page is drawn by poppler and the number read back by tesseract, where pypdf says it sits and
anywhere on the page.
"""

from __future__ import annotations

import shutil

import pytest

from devtools.samples import sample_receipt, sample_ticket
from printing import render_pdf
from tests.printed import (
    POINTS_PER_INCH,
    as_queue_number,
    dark_share,
    pdf_picture,
    pdf_strings,
    read_page_with_ocr,
    read_text_with_ocr,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)"
)

DPI = 300
# name -> (printout, the queue number it carries)
CASES = {
    "ticket": (sample_ticket(number="C-104"), "C-104"),
    "receipt": (sample_receipt(number="D-327"), "D-327"),
    "receipt_en": (sample_receipt("en", number="B-058"), "B-058"),
}
ALL = [(name, paper) for name in CASES for paper in ("58mm", "80mm")]


@pytest.mark.parametrize(("name", "paper"), ALL)
def test_the_queue_number_is_drawn_dark_where_the_pdf_puts_it(name: str, paper: str) -> None:
    content, number = CASES[name]
    data = render_pdf(content, paper)
    (placed,) = [s for s in pdf_strings(data) if s.text == number]
    page = pdf_picture(data, DPI)
    scale = DPI / POINTS_PER_INCH
    top = page.height - (placed.y + placed.size * 0.9) * scale
    bottom = page.height - (placed.y - placed.size * 0.25) * scale
    band = page.crop((0, round(top), page.width, round(bottom)))
    # Bold digits a few centimetres wide blacken a good part of their line; white ones none.
    assert dark_share(band) > 0.08
    assert as_queue_number(read_text_with_ocr(band)) == number


@pytest.mark.parametrize(("name", "paper"), ALL)
def test_a_person_reading_the_page_finds_the_queue_number(name: str, paper: str) -> None:
    content, number = CASES[name]
    page = pdf_picture(render_pdf(content, paper), DPI)
    assert number in read_page_with_ocr(page).split()
