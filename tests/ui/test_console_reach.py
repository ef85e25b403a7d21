"""The staff screens at the screens kiosks have (1920 x 1080, 1366 x 768, 1080 x 1920), with the
12 counters of the shipped catalogue: the main action always on screen, nothing growing the
window, a no-show that can be taken back, whole service names, a PIN box that looks empty when
it is, the admin's readable settings and the hall's view of every counter.

A real kiosk (SQLite file, the shipped catalogue) in the real main window, driven through the
real widgets.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.ui import i18n
from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.console.pin import EMPTY, FILLED, FILLED_COLOUR, PinDisplay
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases import add_operator, find_ticket, issue_ticket
from tests.ui.test_console_staff import (
    ADMIN_PIN,
    LEFT,
    OPERATOR_PIN,
    choose_ticket,
    settle,
    unlock,
)

SIZES = [(1920, 1080), (1366, 768), (1080, 1920)]
LONG_PATH = (
    "/home/petugas-pasar-pelayanan-publik/.local/share/ppp-kiosk/laporan/"
    "laporan-harian-2026-11-30-rogojampi-loket-1-sampai-12.pdf"
)


@pytest.fixture
def kiosk(tmp_path: Path):
    settings = KioskSettings(
        kiosk_id="ui-reach",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "pdf_folder", "pdf_folder": tmp_path / "printouts"},
        server={"url": "https://mpp.banyuwangikab.go.id", "token": "s3cr3t-t0ken-abcd"},
    )
    app = build_app(settings)  # the shipped catalogue: 12 counters, as at the demo outpost
    add_operator(app.context, "Budi Santoso", "operator", OPERATOR_PIN)
    add_operator(app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    yield app
    wait_for_tasks()
    app.close()


@pytest.fixture
def open_staff(qtbot, kiosk, monkeypatch):  # noqa: ANN001, ANN201
    """The main window at a size, its staff area opened as the corner opens it."""
    from kiosk.ui.app import MainWindow, ensure_qapp

    ensure_qapp()
    monkeypatch.setattr("kiosk.ui.console.callout._shared", None)  # this test's own view
    windows = []

    def open_at(size: tuple[int, int], language: str = "id") -> tuple[QWidget, StaffArea]:
        i18n.set_language(language)
        window = MainWindow(kiosk, refresh_queue=False)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.open_staff_area()
        area = window.staff_area
        qtbot.addWidget(area.callout)
        windows.append(window)
        return window, area

    yield open_at
    for window in windows:
        window.quit_app()
        window.close()
    wait_for_tasks()
    QApplication.processEvents()  # results of the last background reads, while all is alive
    i18n.set_language("id")


def on_screen(widget: QWidget, window: QWidget) -> bool:
    """Shown whole inside the window: not off its edge, nor scrolled out of a scroll area."""
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return (
        widget.isVisible()
        and window.rect().contains(rect)
        and widget.visibleRegion().boundingRect() == widget.rect()
    )


def cut_buttons(page: QWidget) -> list[str]:
    return [
        f"{button.text()!r}: {button.width()} < {button.sizeHint().width()}"
        for button in page.findChildren(QAbstractButton)
        if button.isVisible() and button.text() and button.width() < button.sizeHint().width()
    ]


# --- the operator console -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_call_next_is_on_screen_with_twelve_counters(qtbot, open_staff, kiosk, size, language):
    for _ in range(6):
        issue_ticket(kiosk.context, "KTP_BARU")
    window, area = open_staff(size, language)
    unlock(qtbot, area)
    console = area.console
    assert len(console.counter_buttons) == 12

    assert on_screen(console.call_next_button, window)
    assert on_screen(console.status, window)
    assert (window.width(), window.height()) == size
    assert not cut_buttons(console), cut_buttons(console)


@pytest.mark.parametrize("size", SIZES)
def test_a_long_status_message_does_not_grow_the_window(qtbot, open_staff, size):
    window, area = open_staff(size)
    unlock(qtbot, area)
    console = area.console

    console.status.show_message("staff.result.report_saved", path=LONG_PATH)
    console.status.add_messages(("staff.printer.paper_low", "staff.printer.cover_open"))
    QApplication.processEvents()

    assert (window.width(), window.height()) == size
    assert LONG_PATH in console.status.text()  # the path whole, wrapped
    assert on_screen(console.status, window)
    assert on_screen(console.call_next_button, window)


def test_a_long_message_on_the_pin_page_does_not_grow_the_window(qtbot, open_staff):
    window, area = open_staff((1366, 768))
    area.pin_page.status.show_message("staff.pin.no_admin", "error")
    area.pin_page.setup_hint.show()
    QApplication.processEvents()

    assert (window.width(), window.height()) == (1366, 768)
    assert on_screen(area.pin_page.keypad.ok_key, window)


def test_a_no_show_can_be_undone_for_a_few_seconds(qtbot, open_staff, kiosk):
    ticket = issue_ticket(kiosk.context, "KTP_BARU")
    window, area = open_staff((1366, 768))
    unlock(qtbot, area)
    console = area.console
    assert not console.undo_button.isVisible()
    qtbot.mouseClick(console.call_next_button, LEFT)
    settle(qtbot, area)
    choose_ticket(qtbot, area, ticket.number)

    qtbot.mouseClick(console.no_show_button, LEFT)
    settle(qtbot, area)
    assert find_ticket(kiosk.context, ticket.ticket_id).status == "no_show"
    assert console.undo_button.text() == "Batalkan (5)"
    assert on_screen(console.undo_button, window)

    qtbot.mouseClick(console.undo_button, LEFT)
    settle(qtbot, area)
    assert find_ticket(kiosk.context, ticket.ticket_id).status == "called"
    assert "kembali dipanggil ke loket 1" in console.status.text()
    assert console.selected is not None and console.selected.number == ticket.number
    assert not console.undo_button.isVisible()
    assert len(area.callout.player.calls) == 1  # taken back, not called out again


def test_the_undo_goes_away_after_its_seconds(qtbot, open_staff, kiosk, monkeypatch):
    monkeypatch.setattr("kiosk.ui.console.operator.NO_SHOW_UNDO_S", 1)
    ticket = issue_ticket(kiosk.context, "KTP_BARU")
    _window, area = open_staff((1920, 1080))
    unlock(qtbot, area)
    qtbot.mouseClick(area.console.call_next_button, LEFT)
    settle(qtbot, area)
    choose_ticket(qtbot, area, ticket.number)
    qtbot.mouseClick(area.console.no_show_button, LEFT)
    settle(qtbot, area)
    assert area.console.undo_button.isVisible()

    qtbot.waitUntil(lambda: not area.console.undo_button.isVisible(), timeout=3000)
    assert find_ticket(kiosk.context, ticket.ticket_id).status == "no_show"


def test_a_long_service_name_wraps_in_the_queue_list(qtbot, open_staff, kiosk):
    long_one = issue_ticket(kiosk.context, "SPP_IRT")  # the longest name, at counter 6
    _window, area = open_staff((1366, 768))
    unlock(qtbot, area)
    console = area.console
    qtbot.mouseClick(console.counter_buttons["6"], LEFT)
    tickets = console.tickets
    assert tickets.textElideMode() == Qt.TextElideMode.ElideNone
    assert tickets.wordWrap()

    item = tickets.item(0)
    assert item.data(Qt.ItemDataRole.UserRole).number == long_one.number
    assert "Sertifikat Produksi Pangan Industri Rumah Tangga (SPP-IRT)" in item.text()
    row = tickets.visualItemRect(item)
    wrapped = QFontMetrics(tickets.font()).boundingRect(
        QRect(0, 0, row.width() - 2 * 12, 10**6), int(Qt.TextFlag.TextWordWrap), item.text()
    )
    assert wrapped.height() > 3 * tickets.fontMetrics().lineSpacing()  # it does wrap
    assert row.height() >= wrapped.height() + 2 * 8  # and the row holds every line


# --- the PIN box ----------------------------------------------------------------------------


def _blue_pixels(image: QImage) -> int:
    blue = QColor(FILLED_COLOUR)
    return sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y) == blue
    )


@pytest.mark.parametrize("small", [False, True])
def test_an_empty_pin_box_does_not_look_typed_in(qtbot, open_staff, small):
    _window, area = open_staff((1920, 1080))
    box = PinDisplay(small=small)
    area.pin_page.layout().addWidget(box)  # styled as the staff area styles it
    box.show()
    QApplication.processEvents()

    empty = box.grab().toImage()
    assert box.slots() == EMPTY * 6 and FILLED not in box.text()
    assert _blue_pixels(empty) == 0  # hollow grey slots, no dot in the typed colour

    box.add("4")
    assert box.slots() == FILLED + EMPTY * 5
    assert _blue_pixels(box.grab().toImage()) > 20


# --- the admin panel ------------------------------------------------------------------------


def open_admin(qtbot, area: StaffArea) -> None:  # noqa: ANN001
    unlock(qtbot, area, ADMIN_PIN)
    qtbot.mouseClick(area.console.admin_button, LEFT)
    assert area.pages.currentWidget() is area.admin


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_change_pin_pad_is_on_screen_at_1366(qtbot, open_staff, language):
    window, area = open_staff((1366, 768), language)
    open_admin(qtbot, area)
    form = area.admin.pin_form

    shown = [*form.keypad.keys.values(), form.keypad.ok_key, form.keypad.erase_key, form.save]
    shown += list(form.rows.values()) + list(form.dots.values())
    assert all(on_screen(widget, window) for widget in shown)
    assert (window.width(), window.height()) == (1366, 768)
    assert not cut_buttons(area.admin), cut_buttons(area.admin)


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        (
            "id",
            {
                "ID kios": "ui-reach",
                "Lokasi PPP": "Pasar Pelayanan Publik Rogojampi (rogojampi)",
                "Alamat server MPP": "https://mpp.banyuwangikab.go.id",
                "Token kios terpasang": "Ya",
                "Bahasa awal layar warga": "Bahasa Indonesia",
                "Waktu diam sebelum kembali ke awal": "90 detik",
                "Data pribadi disimpan": "90 hari",
            },
        ),
        (
            "en",
            {
                "Kiosk ID": "ui-reach",
                "Outpost": "Pasar Pelayanan Publik Rogojampi (rogojampi)",
                "MPP server address": "https://mpp.banyuwangikab.go.id",
                "Kiosk token set": "Yes",
                "Residents' starting language": "Bahasa Indonesia",
                "Idle time before the start screen": "90 seconds",
                "Personal data kept for": "90 days",
            },
        ),
    ],
)
def test_the_admin_reads_the_settings_as_labelled_rows(qtbot, open_staff, language, rows):
    _window, area = open_staff((1920, 1080), language)
    open_admin(qtbot, area)
    admin = area.admin

    shown = {
        admin.summary_names[key].text(): admin.summary_values[key].text()
        for key in admin.summary_names
    }
    assert rows.items() <= shown.items(), shown
    printer = shown["Printer"]
    assert "80mm" in printer and "pdf_folder" not in printer  # the kind in words
    every_text = [label.text() for label in admin.findChildren(QLabel)]
    assert not any("s3cr3t" in text or "abcd" in text for text in every_text)
    assert not any("config_version" in text or " = " in text for text in every_text)


def test_a_kiosk_without_token_says_so(qtbot, tmp_path):
    settings = KioskSettings(kiosk_id="no-token", outpost="genteng", data_dir=tmp_path / "d")
    app = build_app(settings)
    i18n.set_language("id")
    area = StaffArea(app, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    values = {key: label.text() for key, label in area.admin.summary_values.items()}
    assert values["server_token"].startswith("Tidak")
    assert values["outpost"] == "Pasar Pelayanan Publik Genteng (genteng)"
    area.shutdown()
    wait_for_tasks()
    app.close()


# --- the call-out view ----------------------------------------------------------------------


def test_the_call_out_view_shows_every_counters_number(qtbot, open_staff, kiosk):
    calls = {}
    for code in ("KTP_BARU", "KK_BARU", "AKTA_KELAHIRAN"):  # counters 1, 2 and 3
        issue_ticket(kiosk.context, code)
    _window, area = open_staff((1920, 1080))
    unlock(qtbot, area)
    console = area.console
    for counter in ("1", "2", "3"):
        qtbot.mouseClick(console.counter_buttons[counter], LEFT)
        qtbot.mouseClick(console.call_next_button, LEFT)
        settle(qtbot, area)
        calls[counter] = console.selected.number

    view = area.callout
    view.resize(1920, 1080)
    assert list(view.tiles) == [str(n) for n in range(1, 13)]
    for counter, tile in view.tiles.items():
        assert tile.number.text() == calls.get(counter, "—"), counter
        assert tile.name.text() == f"LOKET {counter}"
        assert tile.property("latest") is (counter == "3")
    assert view.number.text() == calls["3"]
    assert "LOKET 3" in view.counter.text()


def test_the_call_out_view_of_a_restarted_kiosk_shows_who_is_being_served(qtbot, kiosk):
    from kiosk.usecases import call_next

    first = issue_ticket(kiosk.context, "KTP_BARU")
    second = issue_ticket(kiosk.context, "KK_BARU")
    call_next(kiosk.context, counter="1")
    call_next(kiosk.context, counter="2")
    area = StaffArea(kiosk, None, callout=CallOutView())  # a kiosk started after the calls
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()

    unlock(qtbot, area)

    tiles = area.callout.tiles
    assert (tiles["1"].number.text(), tiles["2"].number.text()) == (first.number, second.number)
    assert area.callout.number.text() == second.number  # the latest of them
    area.shutdown()
