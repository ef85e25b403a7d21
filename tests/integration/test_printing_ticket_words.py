"""A ticket taken without a form, read back by readers this project did not write.

The kiosk issues a real ticket on a SQLite file and builds its printout the way the ticket-only
path does (``request_receipt`` with no answers). The PDF is read by poppler's ``pdftotext``
(with each word's box) and by pypdf; the ESC/POS bytes are printed by the emupos emulator, whose
text dump and picture (read by tesseract) are checked. The documents to bring come from the
catalogue, never from our renderers; nobody ahead reads as the success screen says it.
"""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest

from devtools.escpos_emulator import emulate
from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import KioskSettings
from kiosk.printouts import request_receipt
from kiosk.usecases import issue_ticket
from printing import render_escpos, render_pdf
from printing.escpos_render import PROFILES
from tests.printed import pdf_text, read_page_with_ocr

PAPERS = ("58mm", "80mm")
# The catalogue's service with the longest document: 75 characters, more than a 58 mm line.
SERVICE = "KK_PERUBAHAN"
HEADING = {"id": "Dokumen yang perlu dibawa", "en": "Documents to bring"}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    app = build_app(KioskSettings(kiosk_id="rgj-1", outpost="rogojampi", data_dir=tmp_path))
    yield app
    app.close()


def documents(app: KioskApp, language: str) -> list[str]:
    return [getattr(d, language) for d in app.catalogue.service(SERVICE).documents]


def flat(text: str) -> str:
    return " ".join(text.split())


def resident_words(language: str) -> dict[str, str]:
    path = files("resources") / "i18n" / f"resident.{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def poppler_words(pdf: bytes, tmp_path: Path) -> tuple[float, list[tuple[str, float, float]]]:
    """The page width and every word with its left and right edge, as ``pdftotext`` sees them."""
    source = tmp_path / "ticket.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", html))
    (page,) = root.iter("{http://www.w3.org/1999/xhtml}page")
    words = [
        (w.text or "", float(w.get("xMin", 0)), float(w.get("xMax", 0)))
        for w in page.iter("{http://www.w3.org/1999/xhtml}word")
    ]
    return float(page.get("width", 0)), words


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("paper", PAPERS)
def test_the_ticket_pdf_lists_the_documents_to_bring_within_the_paper(
    app: KioskApp, paper: str, language: str, tmp_path: Path
) -> None:
    issued = issue_ticket(app.context, SERVICE)
    pdf = render_pdf(request_receipt(app, issued, None, language), paper)

    width, words = poppler_words(pdf, tmp_path)
    poppler_text = " ".join(word for word, _, _ in words)
    pypdf_text = flat(pdf_text(pdf))
    for text in (poppler_text, pypdf_text):
        assert HEADING[language] in text
        for document in documents(app, language):
            assert document in text, document  # whole, over as many lines as it needs
    assert max(right for _, _, right in words) <= width  # wrapped, never cut at the edge
    assert min(left for _, left, _ in words) >= 0


@pytest.mark.parametrize("paper", PAPERS)
def test_the_thermal_ticket_lists_the_documents_to_bring_within_the_columns(
    app: KioskApp, paper: str
) -> None:
    issued = issue_ticket(app.context, SERVICE)
    (printed,) = emulate(
        render_escpos(request_receipt(app, issued, None, "id"), paper), paper
    ).receipts

    text_lines = [line for line in printed.lines if not line.startswith(("[image", "[qr"))]
    assert max(len(line) for line in text_lines) <= PROFILES[paper].columns
    text = flat(printed.text)
    assert HEADING["id"] in text
    for document in documents(app, "id"):
        assert document in text, document
    # ... and a person reading the paper finds each document's words on it
    read = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", read_page_with_ocr(printed.image))}
    for document in documents(app, "id"):
        expected = {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", document)}
        missing = expected - read
        assert len(missing) <= len(expected) // 5, f"OCR misses {sorted(missing)} of {document}"


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("reader", ["pdf-58mm", "pdf-80mm", "escpos-58mm", "escpos-80mm"])
def test_nobody_ahead_is_said_as_the_success_screen_says_it(
    app: KioskApp, reader: str, language: str
) -> None:
    issued = issue_ticket(app.context, SERVICE)
    assert issued.people_ahead == 0
    printout = request_receipt(app, issued, None, language)
    kind, paper = reader.split("-")
    if kind == "pdf":
        text = flat(pdf_text(render_pdf(printout, paper)))
    else:
        text = flat(emulate(render_escpos(printout, paper), paper).receipts[0].text)

    assert resident_words(language)["success.ahead_none"] in text
    ahead_label = {"id": "Antrean di depan Anda", "en": "People ahead of you"}[language]
    assert ahead_label not in text  # no "Antrean di depan Anda: 0"


def test_someone_ahead_is_still_counted(app: KioskApp) -> None:
    issue_ticket(app.context, SERVICE)
    issued = issue_ticket(app.context, SERVICE)
    text = flat(pdf_text(render_pdf(request_receipt(app, issued, None, "id"), "80mm")))
    assert re.search(r"Antrean di depan Anda\s*1\b", text), text
    assert resident_words("id")["success.ahead_none"] not in text
