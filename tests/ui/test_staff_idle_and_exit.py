"""Every staff screen goes back to Home when left alone; the PIN page says how to make the
first admin and how long a lock lasts; in kiosk mode the window refuses to be closed, except
by the admin panel's two-tap close (audited)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from kiosk.store.models import AuditEntry
from kiosk.ui import i18n
from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.console.callout import shared_callout
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases import add_operator

OPERATOR_PIN = "246810"
ADMIN_PIN = "135790"
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def make_window(qtbot, kiosk_app):  # noqa: ANN001, ANN201
    from kiosk.ui.app import MainWindow, ensure_qapp

    ensure_qapp()
    i18n.set_language("id")
    windows = []

    def make(**options):  # noqa: ANN003, ANN202
        window = MainWindow(kiosk_app, refresh_queue=False, **options)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.quit_app()
        window.close()
    wait_for_tasks()
    i18n.set_language("id")


@pytest.fixture
def callout(qtbot):  # noqa: ANN001, ANN201
    view = shared_callout()
    qtbot.addWidget(view)
    return view


def enter_pin(qtbot, area: StaffArea, pin: str) -> None:  # noqa: ANN001
    page = area.pin_page
    for digit in pin:
        qtbot.mouseClick(page.keypad.keys[digit], LEFT)
    qtbot.mouseClick(page.keypad.ok_key, LEFT)
    qtbot.waitUntil(lambda: not page._checking, timeout=5000)


def audit_actions(kiosk_app) -> list[str]:  # noqa: ANN001
    with kiosk_app.context.uow(read_only=True) as uow:
        return list(uow.session.scalars(select(AuditEntry.action)))


def test_a_pin_page_left_alone_goes_back_home(qtbot, make_window, callout):  # noqa: ANN001
    # A resident long-presses the corner, then walks away.
    window = make_window(idle_timeout_s=0.5)
    window.open_staff_area()
    area = window.staff_area
    assert window.current_screen() is area and area.pages.currentWidget() is area.pin_page
    area.console.callout_requested.emit()  # the call-out window, on a one-screen kiosk
    assert callout.isVisible()

    qtbot.waitUntil(lambda: window.current_screen() is window.home, timeout=5000)
    assert window.staff_area is None
    assert not callout.isVisible()  # it would cover the resident screens


def test_the_signed_in_console_waits_the_staff_idle_time(qtbot, kiosk_app):  # noqa: ANN001
    add_operator(kiosk_app.context, "Budi Santoso", "operator", OPERATOR_PIN)
    area = StaffArea(kiosk_app, None, idle_lock_s=600, pin_idle_s=0.5, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    enter_pin(qtbot, area, OPERATOR_PIN)
    assert area.pages.currentWidget() is area.console

    qtbot.wait(1200)  # longer than the PIN page waits, far shorter than the console
    assert area.pages.currentWidget() is area.console and area.operator is not None
    area.shutdown()


def test_the_admin_panel_left_alone_locks_and_closes(qtbot, kiosk_app):  # noqa: ANN001
    add_operator(kiosk_app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    area = StaffArea(kiosk_app, None, idle_lock_s=1, pin_idle_s=600, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    enter_pin(qtbot, area, ADMIN_PIN)
    area.open_admin()
    assert area.pages.currentWidget() is area.admin

    with qtbot.waitSignal(area.closed, timeout=4000):
        pass
    assert area.operator is None and area.pages.currentWidget() is area.pin_page
    area.shutdown()


def test_a_kiosk_without_an_admin_says_how_to_create_one(qtbot, kiosk_app):  # noqa: ANN001
    i18n.set_language("id")
    area = StaffArea(kiosk_app, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    hint = area.pin_page.setup_hint
    qtbot.waitUntil(hint.isVisible, timeout=5000)
    assert "belum punya akun admin" in hint.text()
    assert "kiosk-admin operators add --role admin" in hint.text()

    area.shutdown()

    add_operator(kiosk_app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    again = StaffArea(kiosk_app, None, callout=area.callout)  # the corner pressed again
    qtbot.addWidget(again)
    again.show()
    qtbot.wait(300)
    wait_for_tasks()
    qtbot.wait(50)
    assert not again.pin_page.setup_hint.isVisible()
    again.shutdown()


def test_the_lock_message_says_how_many_minutes_are_left(qtbot, kiosk_app):  # noqa: ANN001
    i18n.set_language("id")
    add_operator(kiosk_app.context, "Budi Santoso", "operator", OPERATOR_PIN)
    area = StaffArea(kiosk_app, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    for _ in range(5):
        enter_pin(qtbot, area, "999999")
    assert "terkunci sampai pukul" in area.pin_page.status.text()
    assert "(5 menit lagi)" in area.pin_page.status.text()
    assert "console_locked" in audit_actions(kiosk_app)
    area.shutdown()


def test_kiosk_mode_refuses_a_close_until_the_app_quits(qtbot, make_window):  # noqa: ANN001
    window = make_window(kiosk_mode=True)
    request = QCloseEvent()  # what Alt+F4 under a window manager becomes
    QApplication.sendEvent(window, request)
    assert not request.isAccepted()
    assert not window.close() and window.isVisible()

    with qtbot.waitSignal(window.quit_requested, timeout=1000):
        window.quit_app()
    assert window.close()


def test_a_window_outside_kiosk_mode_closes(make_window):  # noqa: ANN001
    window = make_window()  # --windowed, --demo
    assert window.close()


def test_the_admin_closes_the_app_with_two_taps_and_it_is_audited(
    qtbot,  # noqa: ANN001
    make_window,  # noqa: ANN001
    kiosk_app,  # noqa: ANN001
    callout,  # noqa: ANN001
):
    add_operator(kiosk_app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    window = make_window(kiosk_mode=True)
    window.open_staff_area()
    area = window.staff_area
    enter_pin(qtbot, area, ADMIN_PIN)
    qtbot.mouseClick(area.console.admin_button, LEFT)
    quit_button = area.admin.quit_button
    assert quit_button.text() == "Tutup aplikasi kios"

    qtbot.mouseClick(quit_button, LEFT)
    assert quit_button.text() == "Ketuk lagi untuk menutup aplikasi"
    assert not window.close()  # armed is not closed
    with qtbot.waitSignal(window.quit_requested, timeout=5000):
        qtbot.mouseClick(quit_button, LEFT)

    assert "app_closed" in audit_actions(kiosk_app)
    assert window.close()
