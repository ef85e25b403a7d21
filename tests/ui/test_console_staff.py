"""The staff side driven through its real widgets: PIN page, operator console, admin panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.i18n import set_language
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases import add_operator, find_ticket, issue_ticket, today_queue

OPERATOR_PIN = "246810"
ADMIN_PIN = "135790"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def kiosk(tmp_path: Path):
    settings = KioskSettings(
        kiosk_id="ui-console",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "pdf_folder", "pdf_folder": tmp_path / "printouts"},
    )
    app = build_app(settings)
    add_operator(app.context, "Budi Santoso", "operator", OPERATOR_PIN)
    add_operator(app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    yield app
    wait_for_tasks()
    app.close()


@pytest.fixture
def staff(qtbot, kiosk):
    set_language("id")
    area = StaffArea(kiosk, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.resize(1920, 1080)
    area.show()
    yield area
    area.shutdown()
    wait_for_tasks()
    set_language("id")


def printouts(kiosk) -> list[Path]:
    folder = Path(kiosk.settings.printer.pdf_folder)
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def enter_pin(qtbot, area: StaffArea, pin: str) -> None:
    page = area.pin_page
    for digit in pin:
        qtbot.mouseClick(page.keypad.keys[digit], LEFT)
    qtbot.mouseClick(page.keypad.ok_key, LEFT)
    qtbot.waitUntil(lambda: not page._checking, timeout=5000)


def unlock(qtbot, area: StaffArea, pin: str = OPERATOR_PIN) -> None:
    enter_pin(qtbot, area, pin)
    qtbot.waitUntil(lambda: area.pages.currentWidget() is area.console, timeout=5000)
    qtbot.waitUntil(lambda: area.console.queue is not None, timeout=5000)


def settle(qtbot, area: StaffArea) -> None:
    """Wait for the action and the queue refresh after it."""
    console = area.console
    qtbot.waitUntil(lambda: not console.busy and not console._refreshing, timeout=8000)


def choose_ticket(qtbot, area: StaffArea, number: str) -> None:
    tickets = area.console.tickets
    for row in range(tickets.count()):
        item = tickets.item(row)
        if item.data(Qt.ItemDataRole.UserRole).number == number:
            tickets.scrollToItem(item)
            rect = tickets.visualItemRect(item)
            qtbot.mouseClick(tickets.viewport(), LEFT, pos=rect.center())
            assert area.console.selected.number == number
            return
    raise AssertionError(f"{number} is not on the screen")


def screen_rows(area: StaffArea) -> list[str]:
    tickets = area.console.tickets
    return [tickets.item(row).text() for row in range(tickets.count())]


def test_five_wrong_pins_lock_the_console_and_refuse_the_right_one(qtbot, staff):
    for attempt in range(1, 5):
        enter_pin(qtbot, staff, "999999")
        assert f"Sisa percobaan: {5 - attempt}" in staff.pin_page.status.text()
    enter_pin(qtbot, staff, "999999")
    assert "terkunci sampai pukul" in staff.pin_page.status.text()
    assert "WIB" in staff.pin_page.status.text()

    enter_pin(qtbot, staff, OPERATOR_PIN)

    assert staff.pages.currentWidget() is staff.pin_page
    assert "terkunci" in staff.pin_page.status.text()
    assert staff.pin_page.dots.pin == ""


def test_call_recall_served_and_no_show_change_the_queue(qtbot, staff, kiosk):
    first = issue_ticket(kiosk.context, "KTP_BARU")
    second = issue_ticket(kiosk.context, "KTP_BARU")
    unlock(qtbot, staff)
    console = staff.console
    assert console.counter == "1"
    assert any(first.number in row for row in screen_rows(staff))

    qtbot.mouseClick(console.call_next_button, LEFT)
    settle(qtbot, staff)
    assert find_ticket(kiosk.context, first.ticket_id).status == "called"
    assert staff.callout.number.text() == first.number
    assert "LOKET 1" in staff.callout.counter.text()
    assert any(first.number in row and "Dipanggil" in row for row in screen_rows(staff))
    assert len(staff.callout.player.calls) == 1

    choose_ticket(qtbot, staff, first.number)
    qtbot.mouseClick(console.recall_button, LEFT)
    settle(qtbot, staff)
    assert find_ticket(kiosk.context, first.ticket_id).recall_count == 1
    assert len(staff.callout.player.calls) == 2
    spoken = ["chime", "nomor_antrean", "a", "satu", "silakan_menuju_loket", "satu"]
    assert [call.clips for call in staff.callout.player.calls] == [spoken, spoken]

    choose_ticket(qtbot, staff, first.number)
    qtbot.mouseClick(console.served_button, LEFT)
    settle(qtbot, staff)
    assert find_ticket(kiosk.context, first.ticket_id).status == "served"
    assert first.number in console.status.text()
    assert not any(first.number in row for row in screen_rows(staff))

    qtbot.mouseClick(console.call_next_button, LEFT)
    settle(qtbot, staff)
    assert staff.callout.number.text() == second.number
    assert staff.callout.tiles["1"].number.text() == second.number  # counter 1's number now
    choose_ticket(qtbot, staff, second.number)
    qtbot.mouseClick(console.no_show_button, LEFT)
    settle(qtbot, staff)
    assert find_ticket(kiosk.context, second.ticket_id).status == "no_show"
    assert today_queue(kiosk.context).services["KTP_BARU"].done == 2

    qtbot.mouseClick(console.call_next_button, LEFT)
    settle(qtbot, staff)
    assert "Tidak ada yang menunggu di loket 1" in console.status.text()


def test_void_needs_a_second_tap(qtbot, staff, kiosk):
    ticket = issue_ticket(kiosk.context, "KK_BARU")
    unlock(qtbot, staff)
    qtbot.mouseClick(staff.console.counter_buttons["2"], LEFT)
    choose_ticket(qtbot, staff, ticket.number)

    qtbot.mouseClick(staff.console.void_button, LEFT)
    assert ticket.number in staff.console.void_button.text()
    assert find_ticket(kiosk.context, ticket.ticket_id).status == "waiting"
    qtbot.mouseClick(staff.console.void_button, LEFT)
    settle(qtbot, staff)

    assert find_ticket(kiosk.context, ticket.ticket_id).status == "void"
    assert today_queue(kiosk.context).services["KK_BARU"].waiting == []
    assert "dibatalkan" in staff.console.status.text()


def test_walk_in_ticket_is_printed_and_reprint_keeps_the_number(qtbot, staff, kiosk):
    unlock(qtbot, staff)
    console = staff.console
    assert not console.walk_in_button.isEnabled()  # no service chosen yet
    qtbot.mouseClick(console.service_buttons["KTP_GANTI"], LEFT)
    assert console.walk_in_button.isEnabled()

    qtbot.mouseClick(console.walk_in_button, LEFT)
    settle(qtbot, staff)
    waiting = today_queue(kiosk.context).services["KTP_GANTI"].waiting
    assert [t.number for t in waiting] == ["B-001"]
    assert [p.name.endswith("-B-001.pdf") for p in printouts(kiosk)] == [True]
    assert "B-001" in console.status.text()
    qtbot.waitUntil(lambda: find_ticket(kiosk.context, waiting[0].ticket_id).print_count == 1)

    choose_ticket(qtbot, staff, "B-001")
    qtbot.mouseClick(console.reprint_button, LEFT)
    settle(qtbot, staff)
    pdfs = printouts(kiosk)
    assert len(pdfs) == 2 and all(p.name.endswith("-B-001.pdf") for p in pdfs)
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(pdfs[-1]).pages)
    assert "B-001" in text and "cetak ulang" in text.lower()
    assert find_ticket(kiosk.context, waiting[0].ticket_id).print_count == 2
    assert [t.number for t in today_queue(kiosk.context).services["KTP_GANTI"].waiting] == ["B-001"]


def test_end_of_day_report_is_saved_as_a4_pdf(qtbot, staff, kiosk):
    issue_ticket(kiosk.context, "KTP_BARU")
    unlock(qtbot, staff)
    qtbot.mouseClick(staff.console.report_save_button, LEFT)
    settle(qtbot, staff)

    reports = list((kiosk.paths.root / "reports").glob("laporan-harian-*.pdf"))
    assert len(reports) == 1
    from pypdf import PdfReader

    page = PdfReader(reports[0]).pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4 portrait, in points
    assert "Laporan disimpan" in staff.console.status.text()

    qtbot.mouseClick(staff.console.report_print_button, LEFT)
    settle(qtbot, staff)
    assert any("laporan" in p.name for p in printouts(kiosk))


def test_admin_panel_only_for_admins(qtbot, staff, kiosk):
    unlock(qtbot, staff, OPERATOR_PIN)
    assert not staff.console.admin_button.isVisible()
    staff.open_admin()  # even called directly, an operator does not get in
    assert staff.pages.currentWidget() is staff.console

    qtbot.mouseClick(staff.console.exit_button, LEFT)
    assert staff.pages.currentWidget() is staff.pin_page
    unlock(qtbot, staff, ADMIN_PIN)
    assert staff.console.admin_button.isVisible()
    qtbot.mouseClick(staff.console.admin_button, LEFT)
    assert staff.pages.currentWidget() is staff.admin

    admin = staff.admin
    assert "2026" in admin.catalogue_label.text() or kiosk.catalogue.version in (
        admin.catalogue_label.text()
    )
    assert "Sinkronisasi belum diatur" in admin.sync_note.text()
    qtbot.waitUntil(
        lambda: "Belum ada yang akan dihapus" in admin.retention_label.text(), timeout=5000
    )
    assert "dihapus 90 hari setelah diterima server" in admin.retention_label.text()
    assert "setelah 120 hari" in admin.retention_label.text()  # unsent: 90 + 30 days' grace
    assert not admin.sync_now_button.isEnabled()
    qtbot.mouseClick(admin.test_page_button, LEFT)
    qtbot.waitUntil(lambda: any("halaman-uji" in p.name for p in printouts(kiosk)), timeout=8000)
    qtbot.waitUntil(lambda: "Halaman uji dicetak" in admin.status.text(), timeout=5000)
    assert "Printer siap." in admin.status.text()


def test_keluar_locks_and_emits_closed(qtbot, staff):
    unlock(qtbot, staff)
    with qtbot.waitSignal(staff.closed, timeout=2000):
        qtbot.mouseClick(staff.console.exit_button, LEFT)
    assert staff.operator is None
    assert staff.pages.currentWidget() is staff.pin_page


def test_idle_locks_the_console(qtbot, kiosk):
    area = StaffArea(kiosk, None, idle_lock_s=1, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    unlock(qtbot, area)
    with qtbot.waitSignal(area.closed, timeout=4000):
        pass
    assert area.pages.currentWidget() is area.pin_page
    area.shutdown()


def test_language_switch_relabels_the_console(qtbot, staff):
    unlock(qtbot, staff)
    assert staff.console.call_next_button.text() == "Panggil berikutnya"
    qtbot.mouseClick(staff.console.language_button, LEFT)
    assert staff.console.call_next_button.text() == "Call next"
    assert staff.console.exit_button.text() == "Exit"


def test_walk_in_with_a_broken_printer_keeps_the_ticket_and_says_why(qtbot, tmp_path):
    settings = KioskSettings(
        kiosk_id="ui-console-noprint",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "pdf_folder"},  # no folder: the printer is not set up
    )
    app = build_app(settings)
    add_operator(app.context, "Budi Santoso", "operator", OPERATOR_PIN)
    set_language("id")
    area = StaffArea(app, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    unlock(qtbot, area)
    qtbot.mouseClick(area.console.service_buttons["KTP_BARU"], LEFT)
    qtbot.mouseClick(area.console.walk_in_button, LEFT)
    settle(qtbot, area)

    assert [t.number for t in today_queue(app.context).services["KTP_BARU"].waiting] == ["A-001"]
    message = area.console.status.text()
    assert "A-001 tersimpan, tetapi tidak tercetak" in message
    assert "Printer belum diatur" in message
    area.shutdown()
    wait_for_tasks()
    app.close()


def test_the_call_out_view_outlives_a_staff_session(qtbot, kiosk):
    from kiosk.ui.console.callout import shared_callout

    view = shared_callout()
    qtbot.addWidget(view)
    first = StaffArea(kiosk, None)
    qtbot.addWidget(first)
    assert first.callout is view
    view.announce("A-001", "1")
    first.shutdown()

    second = StaffArea(kiosk, None)
    qtbot.addWidget(second)
    assert second.callout is view
    assert view.number.text() == "A-001"
