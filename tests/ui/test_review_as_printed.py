"""The review shows the name as the receipt will print it, and typed texts as they will be
kept: the resident checks what the paper and the MPP will say, not what the keys sent."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel

from kiosk.printouts import request_receipt
from kiosk.ui.screens.success import SuccessScreen
from kiosk.usecases import IssuedTicket
from tests.ui.conftest import fill_valid_form, open_form, row, tap, type_on_keys


def _review_values(window) -> dict[str, str]:  # noqa: ANN001
    """Caption -> the answer as the review screen shows it."""
    captions = window.review.findChildren(QLabel, "ReviewLabel")
    values = window.review.findChildren(QLabel, "ReviewValue")
    return {c.text(): v.text() for c, v in zip(captions, values, strict=True)}


def _pdf_text(path) -> str:  # noqa: ANN001
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _issued() -> IssuedTicket:
    return IssuedTicket(
        ticket_id="t",
        number="A-001",
        service_code="KTP_BARU",
        counter="1",
        issued_at=datetime(2026, 11, 30, 2, 0, tzinfo=UTC),
        tracking_code="7KQ2-M9XD-4T1B",
        people_ahead=0,
        estimated_wait_minutes=0,
        request_id="r",
    )


def test_the_review_shows_the_name_the_printed_receipt_carries(qtbot, window, printouts):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window)
    tap(qtbot, window.form_screen.back_button)  # back through the questions to the name
    while window.form_screen.current_row().name != "nama":
        tap(qtbot, window.form_screen.back_button)
    nama = row(window, "nama")
    nama.clear_answer()
    type_on_keys(qtbot, window, " budi  santoso ")  # stray spaces, as fingers type
    alamat = row(window, "alamat")
    alamat.clear_answer()
    alamat.edit.setText("Dusun   Krajan  RT 02")
    window.form_screen.submit_answers()
    assert window.current_screen() is window.review
    shown = _review_values(window)
    assert shown["Nama lengkap"] == "BUDI SANTOSO"
    assert shown["Alamat"] == "Dusun Krajan RT 02"  # as it will be kept

    tap(qtbot, window.review.next_button)
    tap(qtbot, window.notice.accept_button)
    qtbot.waitUntil(lambda: window.success._print_state == SuccessScreen.PRINTED, timeout=10_000)
    (pdf,) = printouts.glob("*.pdf")
    printed = _pdf_text(pdf)  # read back by an independent reader
    assert shown["Nama lengkap"] in printed
    assert "BUDI  SANTOSO" not in printed


@pytest.mark.parametrize(
    "typed",
    [
        "siti nur\u2019aini",  # a typographic apostrophe
        "  Ni Luh   Putu Ayu ",
        "I Gede\u200b Made",  # a zero-width space from a pasted text
        "mbok  tu\u0301ti",  # a combining accent
    ],
)
def test_review_and_receipt_agree_on_a_sample_of_names(qtbot, window, typed: str):  # noqa: ANN001
    open_form(qtbot, window)
    form = window.form_screen
    row(window, "nama").edit.setText(typed)
    (_step, lines), *_ = form.review_sections()
    shown = dict(lines)["Nama lengkap"]
    receipt = request_receipt(window.app, _issued(), form.answers(), "id")
    assert receipt.resident_name == shown
    assert shown == shown.upper() and "  " not in shown and "\u200b" not in shown
