"""The network backend against an emulated printer on loopback (emupos's daemon).

The emulator answers DLE EOT from its own fault state, with the bytes of the Epson reference
(emupos printer/escpos/status.py); faults are set through its control API, as a hand would
open the cover or let the roll run out. Nothing here invents a status byte.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.escpos_emulator import EmulatedPrinterServer
from devtools.samples import sample_ticket
from printing import PrinterSettings, PrinterUnavailable, make_printer


@pytest.fixture(scope="module")
def emulated(tmp_path_factory):
    server = EmulatedPrinterServer(tmp_path_factory.mktemp("emupos")).start()
    yield server
    server.stop()


@pytest.fixture
def device(emulated):
    emulated.clear_faults()
    yield emulated
    emulated.clear_faults()


def printer_for(device: EmulatedPrinterServer):
    return make_printer(
        PrinterSettings(
            backend="escpos_network", host="127.0.0.1", port=device.port, timeout_seconds=3
        )
    )


def raw_status(device: EmulatedPrinterServer, n: int) -> int:
    with socket.create_connection(("127.0.0.1", device.port), timeout=3) as conn:
        conn.sendall(bytes([0x10, 0x04, n]))
        return conn.recv(1)[0]


def test_a_printer_out_of_paper_also_says_it_is_offline(device) -> None:
    device.set_fault("paper-out")
    assert raw_status(device, 1) == 0x1A  # offline bit set: the cause is in n=2 and n=4
    assert raw_status(device, 4) & 0x60 == 0x60


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("paper-out", "paper_out"), ("cover-open", "cover_open"), ("offline", "offline")],
)
def test_each_fault_gets_its_own_reason(device, fault, reason) -> None:
    device.set_fault(fault)
    printer = printer_for(device)
    status = printer.status()
    assert (status.ready, status.reason_code) == (False, reason)
    with pytest.raises(PrinterUnavailable) as caught:
        printer.print(sample_ticket())
    assert caught.value.reason_code == reason


def test_paper_near_end_prints_with_a_warning(device) -> None:
    device.set_fault("paper-near-end")
    printer = printer_for(device)
    assert printer.status().warnings == ("paper_low",)
    before = len(device.receipts())
    assert printer.print(sample_ticket(number="C-005")).warnings == ("paper_low",)
    assert len(device.wait_for_receipts(before + 1)) == before + 1


def test_a_ready_printer_is_ready_and_prints(device) -> None:
    printer = printer_for(device)
    status = printer.status()
    assert (status.ready, status.reason_code, status.warnings) == (True, None, ())
    before = len(device.receipts())
    printer.print(sample_ticket(number="A-042"))
    receipts = device.wait_for_receipts(before + 1)
    assert len(receipts) == before + 1
    newest = receipts[-1]
    assert newest["boundary"] == "cut"
    assert "Loket 2" in device.receipt_text(newest["id"])


def print_test(tmp_path: Path, printer: str) -> subprocess.CompletedProcess:
    """``kiosk --print-test`` as an installer runs it, on a config with this printer section."""
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'config_version = 1\nkiosk_id = "rogojampi-1"\noutpost = "rogojampi"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n[printer]\n{printer}\n',
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--print-test"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def network_section(device: EmulatedPrinterServer) -> str:
    return f'backend = "escpos_network"\nhost = "127.0.0.1"\nport = {device.port}'


def test_print_test_on_a_ready_printer_prints_and_says_ready(device, tmp_path) -> None:
    before = len(device.receipts())
    done = print_test(tmp_path, network_section(device))
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert "Printer siap." in done.stdout and "The printer is ready." in done.stdout
    assert len(device.wait_for_receipts(before + 1)) == before + 1


def test_print_test_out_of_paper_says_so_and_fails(device, tmp_path) -> None:
    device.set_fault("paper-out")
    done = print_test(tmp_path, network_section(device))
    assert done.returncode == 5
    assert "Kertas printer habis" in done.stdout and "out of paper" in done.stdout


def test_print_test_with_paper_low_asks_for_attention(device, tmp_path) -> None:
    device.set_fault("paper-near-end")
    done = print_test(tmp_path, network_section(device))
    assert done.returncode == 4
    assert "hampir habis" in done.stdout and "nearly out" in done.stdout


def test_print_test_on_a_device_file_says_status_unknown(tmp_path) -> None:
    target = tmp_path / "lp0"
    done = print_test(tmp_path, f'backend = "escpos_file"\nfile_path = "{target.as_posix()}"')
    assert done.returncode == 3, done.stdout + done.stderr[-2000:]
    assert "tidak diketahui" in done.stdout and "unknown" in done.stdout
    assert "Printer siap" not in done.stdout
    assert target.read_bytes().startswith(b"\x1b@")
