"""A kiosk configured without a printer: the admin panel says so, never "Printer siap"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.config import KioskSettings
from tests.ui.conftest import admin_panel

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def admin(qtbot, tmp_path: Path):  # noqa: ANN001, ANN201
    settings = KioskSettings(
        kiosk_id="ui-no-printer",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "none"},
    )
    yield from admin_panel(qtbot, settings)


def test_the_admin_panel_says_no_printer_is_configured(qtbot, admin) -> None:
    qtbot.waitUntil(lambda: "Tidak ada printer yang diatur" in admin.printer_label.text())
    assert "Printer siap" not in admin.printer_label.text()


def test_the_test_page_button_says_no_printer_is_configured(qtbot, admin) -> None:
    qtbot.mouseClick(admin.test_page_button, LEFT)
    qtbot.waitUntil(lambda: "Tidak ada printer yang diatur" in admin.status.text(), timeout=5000)
    assert "Printer siap" not in admin.status.text()
    assert "Halaman uji dicetak" not in admin.status.text()
