"""A kiosk configured without a printer: the admin panel says so, never "Printer siap"."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.i18n import set_language
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases import add_operator

ADMIN_PIN = "135790"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def admin(qtbot, tmp_path: Path):
    settings = KioskSettings(
        kiosk_id="ui-no-printer",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "none"},
    )
    app = build_app(settings)
    add_operator(app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    set_language("id")
    area = StaffArea(app, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.resize(1920, 1080)
    area.show()
    for digit in ADMIN_PIN:
        qtbot.mouseClick(area.pin_page.keypad.keys[digit], LEFT)
    qtbot.mouseClick(area.pin_page.keypad.ok_key, LEFT)
    qtbot.waitUntil(lambda: area.pages.currentWidget() is area.console, timeout=5000)
    qtbot.mouseClick(area.console.admin_button, LEFT)
    yield area.admin
    area.shutdown()
    wait_for_tasks()
    app.close()


def test_the_admin_panel_says_no_printer_is_configured(qtbot, admin) -> None:
    qtbot.waitUntil(lambda: "Tidak ada printer yang diatur" in admin.printer_label.text())
    assert "Printer siap" not in admin.printer_label.text()


def test_the_test_page_button_says_no_printer_is_configured(qtbot, admin) -> None:
    qtbot.mouseClick(admin.test_page_button, LEFT)
    qtbot.waitUntil(lambda: "Tidak ada printer yang diatur" in admin.status.text(), timeout=5000)
    assert "Printer siap" not in admin.status.text()
    assert "Halaman uji dicetak" not in admin.status.text()
