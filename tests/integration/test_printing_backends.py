"""Every backend against real faults: closed ports, fake printers on loopback, missing devices,
missing or failing ``lp``, read-only folders."""

from __future__ import annotations

import gc
import io
import os
import socket
import stat
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from devtools.samples import sample_day_report, sample_receipt, sample_ticket
from printing import PrinterSettings, PrinterUnavailable, make_printer
from printing.escpos_render import render_escpos

# What an Epson-compatible printer answers to DLE EOT 1, 2, 3 and 4 in each condition, bit by
# bit from the Epson ESC/POS Command Reference, "DLE EOT" (reference_en/escpos/dle_eot.html):
# every reply is 0xx1xx10 (0x12 with nothing to report). A printer that stops for any cause is
# also offline (n=1 bit 3), which is why paper out answers n=1 with 0x1A, not 0x12.
REPLIES = {
    "ready": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    # n=2 bit 5 "printing stops due to paper end"; n=4 bits 2-3 near end and 5-6 paper end
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E},
    "paper_low": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},  # n=2 bit 2 "cover is open"
    # n=2 bit 6 "error occurred"; n=3 bit 3 "autocutter error", bit 5 "unrecoverable error"
    "cutter_error": {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12},
    "printer_error": {1: 0x1A, 2: 0x52, 3: 0x32, 4: 0x12},
    "silent": {},  # a raw-TCP or USB printer with no back channel answers nothing
}
root_only = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file permissions"
)


class FakeEscposPrinter:
    """A raw-TCP printer on loopback: answers DLE EOT status queries and keeps what it is sent."""

    def __init__(self, condition: str = "ready") -> None:
        self.answers = REPLIES[condition]
        self.jobs: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._job, args=(conn,), daemon=True).start()

    def _job(self, conn: socket.socket) -> None:
        received = bytearray()
        with conn:
            while chunk := conn.recv(65536):
                received += chunk
                while (at := received.find(b"\x10\x04")) != -1 and len(received) > at + 2:
                    answer = self.answers.get(received[at + 2])
                    del received[at : at + 3]
                    if answer is not None:
                        conn.sendall(bytes([answer]))
        self.jobs.append(bytes(received))

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def fake_printer():
    printers: list[FakeEscposPrinter] = []

    def start(condition: str = "ready") -> FakeEscposPrinter:
        printers.append(FakeEscposPrinter(condition))
        return printers[-1]

    yield start
    for p in printers:
        p.close()


def network(port: int, **extra: object) -> PrinterSettings:
    return PrinterSettings(
        backend="escpos_network", host="127.0.0.1", port=port, timeout_seconds=2, **extra
    )


def wait_for_jobs(fake: FakeEscposPrinter, count: int) -> None:
    deadline = time.monotonic() + 3
    while len(fake.jobs) < count and time.monotonic() < deadline:
        time.sleep(0.01)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reason(printer, content=None) -> str:
    with pytest.raises(PrinterUnavailable) as caught:
        printer.print(content or sample_ticket())
    return caught.value.reason_code


# --- network ------------------------------------------------------------------------------


def test_network_printer_prints_the_escpos_stream(fake_printer) -> None:
    fake = fake_printer()
    result = make_printer(network(fake.port)).print(sample_receipt())
    wait_for_jobs(fake, 1)
    assert fake.jobs == [render_escpos(sample_receipt(), "80mm")]
    assert result.bytes_sent == len(fake.jobs[0]) and result.warnings == ()


def test_network_printer_closed_port_is_unreachable_quickly() -> None:
    started = time.monotonic()
    assert reason(make_printer(network(free_port()))) == "unreachable"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("condition", ["paper_out", "cover_open", "cutter_error", "printer_error"])
def test_network_printer_refuses_a_job_the_printer_cannot_print(fake_printer, condition) -> None:
    fake = fake_printer(condition)
    printer = make_printer(network(fake.port))
    assert reason(printer) == condition
    status = printer.status()
    assert (status.ready, status.reason_code) == (False, condition)
    wait_for_jobs(fake, 2)
    assert all(b"\x1b@" not in job for job in fake.jobs)  # nothing printed


def test_network_printer_warns_when_paper_is_low(fake_printer) -> None:
    fake = fake_printer("paper_low")
    assert make_printer(network(fake.port)).print(sample_ticket()).warnings == ("paper_low",)


def test_printer_that_ignores_status_queries_prints_and_its_status_is_unknown(
    fake_printer,
) -> None:
    fake = fake_printer("silent")
    printer = make_printer(network(fake.port))
    started = time.monotonic()
    printer.print(sample_ticket())
    assert time.monotonic() - started < 3
    wait_for_jobs(fake, 1)
    assert fake.jobs[0].startswith(b"\x1b@")
    status = printer.status()
    assert status.ready is None and status.reason_code is None  # "unknown", never "ready"


def test_jobs_from_many_threads_never_interleave(fake_printer) -> None:
    fake = fake_printer()
    printer = make_printer(network(fake.port, query_status=False))
    tickets = [sample_ticket(number=f"A-{i:03d}") for i in range(6)]
    threads = [threading.Thread(target=printer.print, args=(t,)) for t in tickets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wait_for_jobs(fake, 6)
    assert sorted(fake.jobs) == sorted(render_escpos(t, "80mm") for t in tickets)


def test_network_without_host_is_not_configured() -> None:
    printer = make_printer(PrinterSettings(backend="escpos_network"))
    assert reason(printer) == "not_configured"
    assert printer.status().reason_code == "not_configured"


# --- device file --------------------------------------------------------------------------


def test_file_backend_writes_the_stream(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = make_printer(PrinterSettings(backend="escpos_file", file_path=target, profile="58mm"))
    printer.print(sample_ticket())
    assert target.read_bytes() == render_escpos(sample_ticket(), "58mm")


def test_file_backend_missing_device_is_unreachable(tmp_path: Path) -> None:
    settings = PrinterSettings(backend="escpos_file", file_path=Path("/dev/usb/lp-missing-7"))
    assert reason(make_printer(settings)) == "unreachable"
    missing_dir = PrinterSettings(backend="escpos_file", file_path=tmp_path / "no" / "lp0")
    assert reason(make_printer(missing_dir)) == "unreachable"


def test_file_backend_unwritable_target_is_an_io_error(tmp_path: Path) -> None:
    settings = PrinterSettings(backend="escpos_file", file_path=tmp_path)  # a directory
    assert reason(make_printer(settings)) == "io_error"


@root_only
def test_file_backend_without_permission_is_an_io_error(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    target.write_bytes(b"")
    target.chmod(stat.S_IRUSR)
    assert (
        reason(make_printer(PrinterSettings(backend="escpos_file", file_path=target))) == "io_error"
    )


# --- USB, serial, Windows -----------------------------------------------------------------


def test_usb_printer_absent_is_not_configured_or_unreachable() -> None:
    settings = PrinterSettings(backend="escpos_usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15)
    with pytest.raises(PrinterUnavailable) as caught:
        make_printer(settings).print(sample_ticket())
    assert caught.value.reason_code in ("not_configured", "unreachable")
    if caught.value.reason_code == "not_configured":
        assert "python-escpos[usb]" in caught.value.detail


def test_usb_printer_unplugged_is_unreachable(monkeypatch) -> None:
    """pyusb faked at its lowest level: ``usb.core.find`` finds no device."""
    from printing.escpos_render import escpos_printer_module

    escpos_printer_module()
    from escpos.printer import usb as escpos_usb

    class USBError(Exception):
        pass

    fake_usb = SimpleNamespace(
        core=SimpleNamespace(find=lambda **kwargs: None, USBError=USBError),
        util=SimpleNamespace(dispose_resources=lambda device: None),
    )
    monkeypatch.setattr(escpos_usb, "usb", fake_usb, raising=False)
    monkeypatch.setattr(escpos_usb, "is_usable", lambda: True)
    settings = PrinterSettings(backend="escpos_usb", usb_vendor_id=0x04B8, usb_product_id=0x0E15)
    assert reason(make_printer(settings)) == "unreachable"
    gc.collect()  # drop escpos' Usb object while the fake pyusb is still in place


def test_serial_printer_absent_is_not_configured_or_unreachable() -> None:
    settings = PrinterSettings(backend="escpos_serial", serial_device="/dev/ttyNOPRINTER9")
    with pytest.raises(PrinterUnavailable) as caught:
        make_printer(settings).print(sample_ticket())
    assert caught.value.reason_code in ("not_configured", "unreachable")
    if caught.value.reason_code == "not_configured":
        assert "python-escpos[serial]" in caught.value.detail


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows refusal")
def test_windows_raw_off_windows_is_not_configured() -> None:
    printer = make_printer(PrinterSettings(backend="windows_raw", windows_printer_name="POS-80"))
    assert reason(printer) == "not_configured"
    assert printer.status().reason_code == "not_configured"


# --- CUPS lp ------------------------------------------------------------------------------


def fake_lp(folder: Path, script: str) -> None:
    """An ``lp`` on PATH that behaves as CUPS's lp(1) does: the document on stdin, the
    destination with ``-d``, and "request id is DEST-N (1 file(s))" on success; the failing
    ones print CUPS's own error texts ("The printer or class does not exist.")."""
    folder.mkdir(exist_ok=True)
    lp = folder / "lp"
    lp.write_text("#!/bin/sh\n" + script)
    lp.chmod(0o755)


def test_system_without_lp_is_not_configured(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    printer = make_printer(PrinterSettings(backend="system"))
    assert reason(printer) == "not_configured"
    assert printer.status().reason_code == "not_configured"


def test_system_prints_the_pdf_through_lp(tmp_path: Path, monkeypatch) -> None:
    spool = tmp_path / "spooled.pdf"
    fake_lp(tmp_path / "bin", f'echo "$@" > {tmp_path}/args\ncat > {spool}\n'
            'echo "request id is Kasir-42 (1 file(s))"\n')  # fmt: skip
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    settings = PrinterSettings(backend="system", system_printer_name="Kasir")
    result = make_printer(settings).print(sample_receipt())
    assert result.job_id == "Kasir-42"
    assert "-d Kasir" in (tmp_path / "args").read_text()
    assert "B-017" in PdfReader(io.BytesIO(spool.read_bytes())).pages[0].extract_text()


@pytest.mark.parametrize(
    ("stderr", "expected"),
    [
        ("lp: The printer or class does not exist.", "not_configured"),
        ('lp: Destination \\"Kasir\\" is not accepting jobs.', "offline"),
        ("lp: Error - something broke", "io_error"),
    ],
)
def test_system_lp_failures_map_to_reasons(tmp_path: Path, monkeypatch, stderr, expected) -> None:
    fake_lp(tmp_path / "bin", f'cat > /dev/null\necho "{stderr}" >&2\nexit 1\n')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    assert reason(make_printer(PrinterSettings(backend="system"))) == expected


# --- PDF folder and none ------------------------------------------------------------------


def test_pdf_folder_saves_each_printout_atomically(tmp_path: Path) -> None:
    folder = tmp_path / "printed"
    printer = make_printer(PrinterSettings(backend="pdf_folder", pdf_folder=folder))
    receipt = printer.print(sample_receipt())
    report = printer.print(sample_day_report())
    assert receipt.path is not None and receipt.path.name.endswith("-B-017.pdf")
    assert report.path is not None and "laporan-2025-05-12" in report.path.name
    assert sorted(p.name for p in folder.iterdir()) == sorted([receipt.path.name, report.path.name])
    assert (
        PdfReader(receipt.path).pages[0].mediabox.width
        < PdfReader(report.path).pages[0].mediabox.width
    )


def test_pdf_folder_that_cannot_be_written_is_an_io_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    printer = make_printer(PrinterSettings(backend="pdf_folder", pdf_folder=blocker / "printed"))
    assert reason(printer) == "io_error"


@root_only
def test_pdf_folder_read_only_is_an_io_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    printer = make_printer(PrinterSettings(backend="pdf_folder", pdf_folder=folder))
    assert reason(printer) == "io_error"
    assert printer.status().reason_code == "io_error"
    assert list(folder.iterdir()) == []


def test_none_backend_succeeds_quietly() -> None:
    printer = make_printer(PrinterSettings(backend="none"))
    assert printer.print(sample_receipt()).backend == "none"
    assert printer.status().ready is True
