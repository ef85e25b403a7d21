"""The kiosk's own screens with the outpost LAN: the console asks before calling a second
resident at a counter, and calls made on LAN pages are shown and announced by the kiosk's
call-out once, as are the console's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.i18n import set_language
from kiosk.ui.lan_bridge import LanBridge
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases import add_operator, call_next, find_ticket, issue_ticket, recall

PIN = "246810"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def kiosk(tmp_path: Path):  # noqa: ANN201
    settings = KioskSettings(
        kiosk_id="lan-qt-1",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "pdf_folder", "pdf_folder": str(tmp_path / "printouts")},
    )
    app = build_app(settings)
    add_operator(app.context, "Budi Santoso", "operator", PIN)
    yield app
    wait_for_tasks()
    app.close()


@pytest.fixture
def staff(qtbot, kiosk):  # noqa: ANN001, ANN201
    set_language("id")
    area = StaffArea(kiosk, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.resize(1920, 1080)
    area.show()
    page = area.pin_page
    for digit in PIN:
        qtbot.mouseClick(page.keypad.keys[digit], LEFT)
    qtbot.mouseClick(page.keypad.ok_key, LEFT)
    qtbot.waitUntil(lambda: area.console.queue is not None, timeout=5000)
    yield area
    area.shutdown()
    wait_for_tasks()


def _settle(qtbot, area: StaffArea) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not area.console.busy and not area.console._refreshing, timeout=8000)


def test_the_console_asks_before_calling_a_second_resident_at_its_counter(qtbot, staff, kiosk):
    first = issue_ticket(kiosk.context, "KTP_BARU")
    second = issue_ticket(kiosk.context, "KTP_BARU")
    console = staff.console
    qtbot.mouseClick(console.call_next_button, LEFT)
    _settle(qtbot, staff)
    assert find_ticket(kiosk.context, first.ticket_id).status == "called"

    qtbot.mouseClick(console.call_next_button, LEFT)
    qtbot.waitUntil(console.overlay.isVisible, timeout=5000)
    assert console.overlay.text.text() == (
        f"Loket ini masih memanggil {first.number}. Tetap panggil berikutnya?"
    )
    qtbot.mouseClick(console.overlay.button, LEFT)  # "Batal": the safe answer
    _settle(qtbot, staff)
    assert find_ticket(kiosk.context, second.ticket_id).status == "waiting"
    assert len(staff.callout.player.calls) == 1

    qtbot.mouseClick(console.call_next_button, LEFT)
    qtbot.waitUntil(console.overlay.isVisible, timeout=5000)
    assert console.overlay.other_button.text() == "Tetap panggil"
    qtbot.mouseClick(console.overlay.other_button, LEFT)
    _settle(qtbot, staff)
    assert find_ticket(kiosk.context, second.ticket_id).status == "called"
    assert staff.callout.number.text() == second.number
    assert len(staff.callout.player.calls) == 2


def test_lan_calls_are_announced_once_and_the_consoles_own_not_twice(qtbot, staff, kiosk):
    ctx = kiosk.context
    for _ in range(3):
        issue_ticket(ctx, "KTP_BARU")
    issue_ticket(ctx, "KK_BARU")
    staff.callout.show()
    bridge = LanBridge(ctx, lambda: staff.callout, interval_ms=50)
    arrived: list[object] = []
    bridge.call_arrived.connect(arrived.append)
    bridge.start()
    qtbot.waitUntil(lambda: bridge.after is not None, timeout=5000)
    player = staff.callout.player

    qtbot.mouseClick(staff.console.call_next_button, LEFT)  # on the kiosk's own console
    _settle(qtbot, staff)
    qtbot.wait(400)  # several polls of the bridge
    assert len(player.calls) == 1 and arrived == []

    lan = call_next(ctx, counter="2", device="counter-2-tablet")  # a LAN page's call
    qtbot.waitUntil(lambda: len(player.calls) == 2, timeout=5000)
    assert staff.callout.number.text() == lan.number == "C-001"
    assert player.calls[-1].clips == [
        "chime", "nomor_antrean", "c", "satu", "silakan_menuju_loket", "dua",
    ]  # fmt: skip
    recall(ctx, lan.ticket_id, device="counter-2-tablet")
    qtbot.waitUntil(lambda: len(player.calls) == 3, timeout=5000)
    qtbot.wait(400)
    assert len(player.calls) == 3 and len(arrived) == 2
    assert [c.kind for c in arrived] == ["call", "recall"]

    staff.callout.hide()  # not showing: not spoken, and shown once it shows again
    call_next(ctx, counter="1", allow_second=True, device="counter-1-pc")
    qtbot.waitUntil(lambda: len(arrived) == 3, timeout=5000)
    assert len(player.calls) == 3
    staff.callout.show()
    qtbot.waitUntil(lambda: staff.callout.tiles["1"].number.text() == "A-002", timeout=5000)
    qtbot.wait(400)
    assert len(player.calls) == 3 and staff.callout.number.text() == "A-002"
    bridge.stop()
