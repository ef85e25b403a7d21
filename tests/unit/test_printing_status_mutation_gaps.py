"""What the kiosk says about a printer that answers a status query badly, or not at all.

A fake ESC/POS device stands in for the printer; each test catches a mutant the other
printer tests let through.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from printing import PrinterSettings, QueueTicket, make_printer
from printing.backends import EscposPrinter

READY = bytes([0x12])  # DLE EOT 1: the fixed bits 1 and 4 set, nothing else (Epson reference)
PAPER_ADEQUATE = bytes([0x12])  # DLE EOT 4: fixed bits only, no near-end or end


class UsbTimeoutError(Exception):
    """Named like pyusb's timeout: the printer did not answer in time."""


class UsbBusyError(Exception):
    """Any other failure of the link: not a timeout."""


class FakeDevice:
    """python-escpos's device interface as the backends use it (``open``, ``_raw``,
    ``_read``, ``close``); each ``_read`` hands back the next DLE EOT reply byte, with values
    from the Epson reference (dle_eot.html), or raises what a dead link raises."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.sent: list[bytes] = []

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def _raw(self, data: bytes) -> None:
        self.sent.append(data)

    def _read(self) -> bytes:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


class FakeEscposPrinter(EscposPrinter):
    can_query_status = True

    def __init__(self, device: FakeDevice) -> None:
        super().__init__(PrinterSettings(backend="escpos_network", host="printer"), "fake_escpos")
        self.device = device

    def _connect(self) -> FakeDevice:
        return self.device


def test_a_printer_that_times_out_on_a_status_query_is_status_unknown() -> None:
    status = FakeEscposPrinter(FakeDevice([UsbTimeoutError("no answer")])).status()
    assert status.ready is None


def test_a_printer_whose_link_fails_on_a_status_query_is_not_ready_with_an_io_error() -> None:
    status = FakeEscposPrinter(FakeDevice([UsbBusyError("Resource busy")])).status()
    assert (status.ready, status.reason_code) == (False, "io_error")
    assert "Resource busy" in status.detail


def test_a_ready_printer_is_reported_ready_under_its_backend() -> None:
    status = FakeEscposPrinter(FakeDevice([READY, PAPER_ADEQUATE])).status()
    assert (status.backend, status.ready) == ("fake_escpos", True)


def test_a_network_printer_without_a_host_says_what_is_missing() -> None:
    status = make_printer(PrinterSettings(backend="escpos_network", host="")).status()
    assert (status.ready, status.reason_code) == (False, "not_configured")
    assert "host" in status.detail


def test_a_ticket_with_a_time_without_a_zone_is_refused_naming_the_time() -> None:
    with pytest.raises(ValueError, match="issued_at"):
        QueueTicket(
            outpost_name="Pasar Pelayanan Publik Rogojampi",
            service_name=("Kartu Keluarga", "Family card"),
            queue_number="B-017",
            issued_at=datetime(2026, 11, 27, 8, 0),
            people_ahead=0,
            estimated_wait_minutes=0,
            counter="2",
            tracking_code="7KQ2-M9XD-4T1B",
        )


def test_a_pdf_is_titled_with_what_it_is() -> None:
    import io

    import pypdf

    from devtools.samples import sample_day_report
    from printing import render_pdf

    reader = pypdf.PdfReader(io.BytesIO(render_pdf(sample_day_report(), "a4")))
    assert reader.metadata.title == "DayReport"


class UnreachableDevice(FakeDevice):
    def open(self) -> None:
        raise OSError("No route to host")


def test_a_printer_that_cannot_be_reached_says_why() -> None:
    status = FakeEscposPrinter(UnreachableDevice([])).status()
    assert (status.backend, status.ready, status.reason_code) == (
        "fake_escpos",
        False,
        "unreachable",
    )
    assert "No route to host" in status.detail


def test_a_printer_answering_with_a_list_of_numbers_is_read_the_same() -> None:
    status = FakeEscposPrinter(FakeDevice([[0x12], [0x12]])).status()
    assert status.ready is True


def test_an_open_cover_is_reported_with_words_under_the_backend() -> None:
    # Asked in this order: DLE EOT 1, fixed bits + offline (bit 3); DLE EOT 4, fixed bits only;
    # DLE EOT 2, fixed bits + cover open (bit 2). No error, so DLE EOT 3 is not asked.
    device = FakeDevice([bytes([0x1A]), bytes([0x12]), bytes([0x16])])
    status = FakeEscposPrinter(device).status()
    assert (status.backend, status.ready, status.reason_code) == (
        "fake_escpos",
        False,
        "cover_open",
    )
    assert "cover" in status.detail
