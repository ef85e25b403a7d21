"""The printer check says the printer in words, and a kiosk without a printer never says "ready".

The test page goes through the real backends (a PDF folder, a device file) and is read back by
poppler's ``pdftotext`` and the emupos ESC/POS emulator; ``kiosk --print-test`` runs as an
installer runs it.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from devtools.escpos_emulator import emulate
from kiosk.printer_check import EXIT_NOT_PRINTED, print_test_page, status_keys
from kiosk.ui.i18n import tr
from printing import PrinterSettings, make_printer


def clock() -> datetime:
    return datetime(2026, 11, 30, 2, 0, tzinfo=UTC)


def pdftotext(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_the_pdf_test_page_names_the_printer_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "struk"
    printer = make_printer(PrinterSettings(backend="pdf_folder", pdf_folder=folder))

    check = print_test_page(printer, "80mm", "Pos Rogojampi", clock)

    assert check.printed
    (page,) = folder.glob("*.pdf")
    text = pdftotext(page)
    assert tr("staff.admin.printer_backend.pdf_folder", "id") in text  # "Tanpa printer, ..."
    assert tr("staff.admin.printer_backend.pdf_folder", "en") in text
    assert "pdf_folder" not in text  # the config file's raw value


def test_the_thermal_test_page_names_the_printer_in_words(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    printer = make_printer(PrinterSettings(backend="escpos_file", file_path=device))

    check = print_test_page(printer, "80mm", "Pos Rogojampi", clock)

    assert check.printed
    (printed,) = emulate(device.read_bytes(), "80mm").receipts
    text = " ".join(printed.text.split())
    assert "Printer struk lewat berkas perangkat (ESC/POS)" in text
    assert str(device) in "".join(text.split())  # where it prints, wrapped over lines
    assert "escpos_file" not in text


def test_no_printer_is_never_ready_and_prints_no_test_page() -> None:
    printer = make_printer(PrinterSettings(backend="none"))

    check = print_test_page(printer, "80mm", "Pos Rogojampi", clock)

    assert not check.printed and check.exit_code == EXIT_NOT_PRINTED
    assert check.keys == ("staff.printer.none",)
    assert status_keys(printer.status()) == ("staff.printer.none",)
    assert "staff.printer.ready" not in status_keys(printer.status())


def test_print_test_without_a_printer_says_none_is_configured(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'config_version = 1\nkiosk_id = "rogojampi-1"\noutpost = "rogojampi"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n[printer]\nbackend = "none"\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--print-test"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == EXIT_NOT_PRINTED, done.stdout + done.stderr[-2000:]
    assert "Tidak ada printer yang diatur" in done.stdout
    assert "No printer is configured" in done.stdout
    assert "Printer siap" not in done.stdout and "ready" not in done.stdout
