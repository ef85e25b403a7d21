"""How each line of a thermal ticket is printed, read back from the ESC/POS bytes.

The bytes are decoded here with the Epson ESC/POS reference's meaning of each command:
ESC E n (emphasised when n's low bit is set), ESC ! n (bit 4: double height), ESC a n
(0 left, 1 centre, 2 right). Each test catches a mutant the other printing tests let
through: a heading that printed small, a bold field that printed thin, a wrapped value that
wandered to the centre.
"""

from __future__ import annotations

from dataclasses import dataclass

from devtools.samples import (
    sample_day_report,
    sample_receipt,
    sample_test_page,
    sample_ticket,
)
from printing import render_escpos

ESC, GS = 0x1B, 0x1D
# Commands with a fixed number of parameter bytes, after ESC or GS.
_ESC_ARGS = {ord("@"): 0, ord("M"): 1, ord("t"): 1, ord("d"): 1, ord("-"): 1, ord("G"): 1,
             ord("2"): 0, ord("3"): 1, ord("J"): 1, ord("{"): 1, ord("E"): 1, ord("!"): 1,
             ord("a"): 1}  # fmt: skip
_GS_ARGS = {ord("!"): 1, ord("B"): 1, ord("b"): 1, ord("L"): 2, ord("W"): 2, ord("H"): 1,
            ord("f"): 1, ord("h"): 1, ord("w"): 1}  # fmt: skip


@dataclass(frozen=True)
class PrintedLine:
    text: str
    bold: bool
    tall: bool
    align: int  # 0 left, 1 centre, 2 right


def printed_lines(data: bytes) -> list[PrintedLine]:
    bold, tall, align = False, False, 0
    lines: list[PrintedLine] = []
    text = bytearray()
    i = 0
    while i < len(data):
        byte = data[i]
        if byte in (ESC, GS):
            command = data[i + 1]
            if byte == ESC and command == ord("@"):
                bold, tall, align = False, False, 0
            elif byte == ESC and command == ord("E"):
                bold = bool(data[i + 2] & 1)
            elif byte == ESC and command == ord("!"):
                tall = bool(data[i + 2] & 0x10)
                bold = bool(data[i + 2] & 0x08)
            elif byte == ESC and command == ord("a"):
                align = data[i + 2] % 48 if data[i + 2] >= 48 else data[i + 2]
            if byte == GS and command == ord("V"):  # cut: m, and n for m >= 65
                i += 4 if data[i + 2] >= 65 else 3
            elif byte == GS and command == ord("("):  # GS ( k pL pH: a function's data
                i += 5 + data[i + 3] + 256 * data[i + 4]
            elif byte == GS and command == ord("v"):  # GS v 0 m xL xH yL yH: a raster image
                width = data[i + 4] + 256 * data[i + 5]
                height = data[i + 6] + 256 * data[i + 7]
                i += 8 + width * height
            else:
                table = _ESC_ARGS if byte == ESC else _GS_ARGS
                assert command in table, f"unknown command {bytes([byte, command])!r} at {i}"
                i += 2 + table[command]
            continue
        if byte == 0x0A:
            lines.append(PrintedLine(text.decode("cp437"), bold, tall, align))
            text.clear()
        else:
            text.append(byte)
        i += 1
    return lines


def line_with(lines: list[PrintedLine], words: str) -> PrintedLine:
    return next(line for line in lines if words in line.text)


def test_the_header_prints_bold_tall_and_centred() -> None:
    lines = printed_lines(render_escpos(sample_ticket(), "80mm"))
    assert line_with(lines, "PASAR PELAYANAN PUBLIK") == PrintedLine(
        "PASAR PELAYANAN PUBLIK", bold=True, tall=True, align=1
    )


def test_the_outpost_under_the_header_prints_plain_and_centred() -> None:
    lines = printed_lines(render_escpos(sample_ticket(), "80mm"))
    outpost = line_with(lines, "Pasar Pelayanan Publik Rogojampi")
    assert (outpost.bold, outpost.tall, outpost.align) == (False, False, 1)


def test_the_tracking_code_prints_bold_on_the_left() -> None:
    lines = printed_lines(render_escpos(sample_ticket(), "80mm"))
    tracking = line_with(lines, "RGJ-7Q4K-M2XD")
    assert (tracking.bold, tracking.tall, tracking.align) == (True, False, 0)


def test_the_wait_prints_plain() -> None:
    lines = printed_lines(render_escpos(sample_ticket(), "80mm"))
    wait = line_with(lines, "25 menit")
    assert (wait.bold, wait.tall) == (False, False)


def test_a_value_too_long_for_its_line_wraps_under_its_label_on_the_left() -> None:
    lines = printed_lines(render_escpos(sample_receipt(), "58mm"))
    wrapped = [line for line in lines if line.text.startswith("  ") and line.text.strip()]
    assert wrapped, "the 58 mm receipt has a value wrapped under its label"
    assert {line.align for line in wrapped} == {0}


def test_a_reprint_says_so_bold_and_centred() -> None:
    ticket = sample_ticket()
    reprint = type(ticket)(**{**_fields(ticket), "is_reprint": True})
    lines = printed_lines(render_escpos(reprint, "80mm"))
    marker = line_with(lines, "*** CETAK ULANG ***")
    assert (marker.bold, marker.align) == (True, 1)


def _fields(ticket: object) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(ticket, f.name) for f in fields(ticket)}  # type: ignore[arg-type]


def test_a_printer_with_a_qr_engine_is_sent_the_code_to_draw() -> None:
    data = render_escpos(sample_ticket(), "80mm", native_qr=True)
    # GS ( k, cn 49 (QR), fn 80: store the symbol's data (Epson reference)
    assert b"\x1d(k" + bytes([3 + len("RGJ-7Q4K-M2XD"), 0, 49, 80, 48]) + b"RGJ-7Q4K-M2XD" in data


def test_a_qr_drawn_as_a_picture_leaves_the_paper_white_beside_it() -> None:
    data = render_escpos(sample_ticket(), "80mm", native_qr=False)
    images = _raster_images(data)
    assert images, "the QR code and the number go out as raster pictures"
    for _width, rows in images:
        assert all(row[0] == 0 and row[-1] == 0 for row in rows), "a dark margin"


def _raster_images(data: bytes) -> list[tuple[int, list[bytes]]]:
    """Each GS v 0 picture as its rows of bytes (a set bit is a dot)."""
    found = []
    start = 0
    while (i := data.find(b"\x1dv0", start)) >= 0:
        width = data[i + 4] + 256 * data[i + 5]
        height = data[i + 6] + 256 * data[i + 7]
        body = data[i + 8 : i + 8 + width * height]
        found.append((width, [body[r * width : (r + 1) * width] for r in range(height)]))
        start = i + 8 + width * height
    return found


def test_the_admin_test_page_prints_what_it_promises_to_check() -> None:
    lines = printed_lines(render_escpos(sample_test_page(), "80mm"))
    texts = [line.text for line in lines]
    assert line_with(lines, "Huruf tebal / Bold text").bold
    assert line_with(lines, "Pasar Pelayanan Publik Rogojampi").align == 1
    assert "0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ" in texts  # wrapped on 48 columns
    assert "abcdefghijklmnopqrstuvwxyz" in texts
    assert "QR: PPP-TEST-0000" in texts
    assert any(t.startswith("Printer ") and t.endswith("EPSON TM-T20II (USB)") for t in texts)


def test_the_day_report_title_prints_bold() -> None:
    lines = printed_lines(render_escpos(sample_day_report(), "80mm"))
    assert line_with(lines, "LAPORAN HARIAN ANTREAN").bold


def test_an_english_reprint_says_reprint_in_english() -> None:
    ticket = sample_ticket("en")
    reprint = type(ticket)(**{**_fields(ticket), "is_reprint": True})
    lines = printed_lines(render_escpos(reprint, "80mm"))
    assert line_with(lines, "*** REPRINT ***").align == 1


def test_each_document_to_bring_is_a_dashed_item() -> None:
    receipt = sample_receipt()
    lines = printed_lines(render_escpos(receipt, "80mm"))
    first_document = receipt.documents[0].id
    assert any(line.text.startswith("- " + first_document[:20]) for line in lines)
