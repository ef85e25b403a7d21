"""The admin panel's test page on an emulated thermal printer says what the printer says."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from devtools.escpos_emulator import EmulatedPrinterServer
from kiosk.config import KioskSettings
from tests.ui.conftest import admin_panel

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def emulated(tmp_path_factory):
    server = EmulatedPrinterServer(tmp_path_factory.mktemp("emupos")).start()
    yield server
    server.stop()


@pytest.fixture
def admin(qtbot, tmp_path: Path, emulated):  # noqa: ANN001, ANN201
    emulated.clear_faults()
    settings = KioskSettings(
        kiosk_id="ui-printer",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "escpos_network", "host": "127.0.0.1", "port": emulated.port},
    )
    yield from admin_panel(qtbot, settings)
    emulated.clear_faults()


def test_test_page_out_of_paper_says_so(qtbot, admin, emulated) -> None:
    emulated.set_fault("paper-out")
    qtbot.mouseClick(admin.test_page_button, LEFT)
    qtbot.waitUntil(lambda: "Kertas printer habis" in admin.status.text(), timeout=8000)
    qtbot.waitUntil(lambda: "Kertas printer habis" in admin.printer_label.text(), timeout=8000)


def test_test_page_with_the_cover_open_says_so(qtbot, admin, emulated) -> None:
    emulated.set_fault("cover-open")
    qtbot.mouseClick(admin.test_page_button, LEFT)
    qtbot.waitUntil(lambda: "Tutup printer terbuka" in admin.status.text(), timeout=8000)


def test_test_page_on_a_ready_printer_prints_and_says_ready(qtbot, admin, emulated) -> None:
    before = len(emulated.receipts())
    qtbot.mouseClick(admin.test_page_button, LEFT)
    qtbot.waitUntil(lambda: "Printer siap." in admin.status.text(), timeout=8000)
    assert len(emulated.wait_for_receipts(before + 1)) == before + 1
