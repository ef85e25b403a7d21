"""Every thermal printout, read back by an ESC/POS printer emulator this project did not write.

The bytes ``render_escpos`` makes are fed to emupos (devtools/escpos_emulator), which prints
them as a TM-T20III (80 mm) or a 58 mm printer would. What it printed is then read by more
readers we did not write: zxing-cpp decodes the QR codes, tesseract reads the queue number.
Nothing here compares our bytes with our own expectation of them.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
import zxingcpp
from PIL import ImageOps

from devtools.escpos_emulator import Emulation, emulate_many
from devtools.samples import sample_day_report, sample_receipt, sample_test_page, sample_ticket
from printing.escpos_render import PROFILES, render_escpos
from tests.printed import as_queue_number, dark_share, read_text_with_ocr

# name -> (printout, native QR?, the queue number it shows, the QR payload it carries)
CASES = {
    "ticket": (sample_ticket(), True, "B-017", "RGJ-7Q4K-M2XD"),
    "ticket_en": (sample_ticket("en", number="C-104"), True, "C-104", "RGJ-7Q4K-M2XD"),
    "ticket_reprint": (
        dataclasses.replace(sample_ticket(number="A-009"), is_reprint=True),
        True,
        "A-009",
        "RGJ-7Q4K-M2XD",
    ),
    "receipt": (sample_receipt(), True, "B-017", "RGJ-7Q4K-M2XD"),
    "receipt_en": (sample_receipt("en", number="D-321"), True, "D-321", "RGJ-7Q4K-M2XD"),
    "receipt_raster_qr": (
        sample_receipt(number="B-042", tracking_code="GTG-3H8P-ZW7Q"),
        False,
        "B-042",
        "GTG-3H8P-ZW7Q",
    ),
    "ticket_raster_qr": (sample_ticket(number="E-250"), False, "E-250", "RGJ-7Q4K-M2XD"),
    "test_page": (sample_test_page(), True, "A-000", "PPP-TEST-0000"),
    "test_page_raster_qr": (sample_test_page(), False, "A-000", "PPP-TEST-0000"),
    "day_report": (sample_day_report(), True, None, None),
}
PAPERS = ("58mm", "80mm")


@pytest.fixture(scope="module")
def printed() -> dict[tuple[str, str], tuple[bytes, Emulation]]:
    """Each case on each paper, printed by the emulator (one emulator process per paper)."""
    out: dict[tuple[str, str], tuple[bytes, Emulation]] = {}
    for paper in PAPERS:
        names = sorted(CASES)
        streams = [render_escpos(CASES[n][0], paper, native_qr=CASES[n][1]) for n in names]
        for name, stream, emulation in zip(
            names, streams, emulate_many(streams, paper), strict=True
        ):
            out[(name, paper)] = (stream, emulation)
    return out


ALL = [(name, paper) for name in sorted(CASES) for paper in PAPERS]


@pytest.mark.parametrize(("name", "paper"), ALL)
def test_the_printer_understands_every_command_and_cuts_once(printed, name, paper) -> None:
    _, emulation = printed[(name, paper)]
    assert emulation.unknown == ()
    assert emulation.commands[0] == "ESC @"
    assert emulation.commands.count("GS V") == 1
    assert emulation.commands[-1] == "GS V"
    (receipt,) = emulation.receipts
    assert receipt.boundary == "cut"


@pytest.mark.parametrize(("name", "paper"), ALL)
def test_text_fits_the_paper_columns(printed, name, paper) -> None:
    _, emulation = printed[(name, paper)]
    (receipt,) = emulation.receipts
    columns = PROFILES[paper].columns
    text_lines = [line for line in receipt.lines if not line.startswith(("[image", "[qr"))]
    assert text_lines, "no text printed"
    assert max(len(line) for line in text_lines) <= columns
    assert receipt.image.width == PROFILES[paper].dots


@pytest.mark.parametrize(("name", "paper"), ALL)
def test_every_picture_is_a_picture_not_a_block_or_blank(printed, name, paper) -> None:
    _, emulation = printed[(name, paper)]
    assert emulation.blocks or CASES[name][2] is None
    for block in emulation.blocks:
        share = dark_share(block)
        # A glyph or a QR code heats between a few and about half of its dots; the black block
        # this test was written for heated all of them, an empty raster none.
        assert 0.03 < share < 0.6, f"{block.size} picture is {share:.0%} dark"


@pytest.mark.parametrize(("name", "paper"), [c for c in ALL if CASES[c[0]][2]])
def test_the_big_number_reads_as_the_queue_number(printed, name, paper) -> None:
    _, emulation = printed[(name, paper)]
    number = CASES[name][2]
    raster = emulation.blocks[0]
    assert raster.width == PROFILES[paper].dots  # the full print width
    assert raster.height >= 80  # at least 10 mm high at 203 dpi: legible at arm's length
    assert as_queue_number(read_text_with_ocr(raster)) == number


@pytest.mark.parametrize(("name", "paper"), [c for c in ALL if CASES[c[0]][3]])
def test_the_printed_qr_code_decodes_to_the_tracking_code(printed, name, paper) -> None:
    _, emulation = printed[(name, paper)]
    (receipt,) = emulation.receipts
    page = ImageOps.expand(receipt.image.convert("L"), border=32, fill=255)
    found = zxingcpp.read_barcodes(page)
    qr_codes = [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert qr_codes == [CASES[name][3]]


@pytest.mark.parametrize("paper", PAPERS)
def test_the_raster_qr_fallback_sends_no_qr_command(printed, paper) -> None:
    stream, emulation = printed[("receipt_raster_qr", paper)]
    assert "GS ( k" not in emulation.commands
    assert emulation.commands.count("GS v 0") == 2  # the queue number and the QR code
    native_stream, native = printed[("receipt", paper)]
    assert "GS ( k" in native.commands


@pytest.mark.parametrize("paper", PAPERS)
def test_the_receipt_says_what_the_resident_needs(printed, paper) -> None:
    _, emulation = printed[("receipt", paper)]
    text = " ".join(emulation.receipts[0].lines)
    for expected in ("Kartu Keluarga (KK) baru", "Loket 2", "09.41 WIB", "3510**********01"):
        assert expected in text
    assert "KTP-el asli pemohon" in text and "SITI NURHALIZA" in text
    assert not re.search(r"\d{16}", text)  # never a whole NIK


def test_text_is_folded_to_ascii_for_any_code_page(printed) -> None:
    _, emulation = printed[("test_page", "80mm")]
    assert any("e n" in line for line in emulation.receipts[0].lines)  # "é ñ", nothing dropped


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError):
        render_escpos(sample_ticket(), "110mm")
