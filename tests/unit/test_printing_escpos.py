"""The ESC/POS byte stream: initialise, text, QR, cut, and the column limits of each paper."""

from __future__ import annotations

import re

import pytest

from printing.escpos_render import PROFILES, big_number_image, render_escpos, text_lines
from printing.samples import sample_day_report, sample_receipt, sample_test_page, sample_ticket

ALL = {
    "ticket": sample_ticket(),
    "ticket_en": sample_ticket("en"),
    "receipt": sample_receipt(),
    "receipt_en": sample_receipt("en"),
    "report": sample_day_report(),
    "test_page": sample_test_page(),
}


def printed_text(stream: bytes) -> list[str]:
    """The text lines of an ESC/POS stream with the commands we emit stripped out."""
    out = bytearray()
    i = 0
    while i < len(stream):
        b = stream[i]
        if b == 0x1B:  # ESC
            cmd = stream[i + 1]
            i += 2 if cmd == ord("@") else 3
        elif b == 0x1D:  # GS
            cmd = stream[i + 1]
            if cmd in (ord("("),):  # GS ( k / GS ( L pL pH ...
                length = stream[i + 3] + 256 * stream[i + 4]
                i += 5 + length
            elif cmd == ord("v"):  # GS v 0 m xL xH yL yH data
                xb = stream[i + 4] + 256 * stream[i + 5]
                yd = stream[i + 6] + 256 * stream[i + 7]
                i += 8 + xb * yd
            elif cmd == ord("V"):
                i += 3 if stream[i + 2] in (0, 1, 48, 49) else 4
            else:
                i += 3
        else:
            out.append(b)
            i += 1
    return out.decode("ascii").split("\n")


def test_receipt_stream_initialises_prints_text_qr_and_cuts() -> None:
    stream = render_escpos(sample_receipt(), "80mm")
    assert stream.startswith(b"\x1b@")
    assert stream.rstrip(b"\x00").endswith(b"\x1dV\x00") or b"\x1dV" in stream[-4:]
    text = "\n".join(printed_text(stream))
    for expected in ("Pasar Pelayanan Publik Rogojampi", "Kartu Keluarga (KK) baru", "Loket 2"):
        assert expected in text
    assert "3510**********01" in text and "09.41 WIB" in text and "KTP-el asli pemohon" in text
    # native QR: store the tracking code (GS ( k ... 1 P 0) and print it (GS ( k ... 1 Q 0)
    assert b"\x1d(k" + bytes([len("RGJ-7Q4K-M2XD") + 3, 0]) + b"1P0RGJ-7Q4K-M2XD" in stream
    assert b"\x1d(k\x03\x001Q0" in stream
    assert not re.search(rb"\d{16}", stream)


def test_queue_number_is_a_raster_image_of_the_full_width() -> None:
    for profile, paper in PROFILES.items():
        stream = render_escpos(sample_ticket(), profile)
        assert b"\x1dv0\x00" + (paper.dots // 8).to_bytes(2, "little") in stream
        assert big_number_image("B-017", paper.dots, paper.big_px).width == paper.dots


def test_raster_qr_when_the_printer_has_no_qr_engine() -> None:
    stream = render_escpos(sample_receipt(), "58mm", native_qr=False)
    assert b"\x1d(k" not in stream
    assert stream.count(b"\x1dv0") == 2  # the queue number and the QR code


@pytest.mark.parametrize("profile", ["58mm", "80mm"])
@pytest.mark.parametrize("name", sorted(ALL))
def test_no_line_exceeds_the_paper_columns(profile: str, name: str) -> None:
    columns = PROFILES[profile].columns
    lines = printed_text(render_escpos(ALL[name], profile))
    assert max(len(line) for line in lines) <= columns
    assert all(len(line) <= columns for line in text_lines(ALL[name], profile))


def test_text_is_folded_to_ascii_for_any_code_page() -> None:
    lines = printed_text(render_escpos(sample_test_page(), "80mm"))
    assert any("e n" in line for line in lines)  # "é ñ" folded, nothing dropped silently


def test_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError):
        render_escpos(sample_ticket(), "110mm")
