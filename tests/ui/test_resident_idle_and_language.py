"""Idle reset, "Lanjutkan", the language switch, the recovery screen and the self-check."""

from __future__ import annotations

import sys

from tests.ui.conftest import open_form, row, tap, type_on_keys


def test_idle_reset_counts_down_then_wipes_the_form(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    tap(qtbot, row(window, "nama").edit)
    type_on_keys(qtbot, window, "Siti")
    old_form = window.form_screen
    window.idle.set_timeouts(0.2, 2)
    qtbot.waitUntil(lambda: window.idle.warning_shown, timeout=3_000)
    assert window.idle.warning.seconds.text() == "2"
    assert window.idle.warning.button.text() == "Lanjutkan"
    qtbot.waitUntil(lambda: window.current_screen() is window.home, timeout=5_000)
    assert not window.idle.warning_shown
    assert window.form_screen is None
    qtbot.waitUntil(lambda: _deleted(old_form), timeout=2_000)
    # The next resident starts from an empty form.
    window.idle.set_timeouts(600, 20)
    open_form(qtbot, window)
    assert all(r.value() is None for r in window.form_screen.rows)


def _deleted(widget) -> bool:  # noqa: ANN001
    from shiboken6 import isValid

    return not isValid(widget)


def test_continue_keeps_the_form(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    tap(qtbot, row(window, "nama").edit)
    type_on_keys(qtbot, window, "Siti")
    window.idle.set_timeouts(0.2, 20)
    qtbot.waitUntil(lambda: window.idle.warning_shown, timeout=3_000)
    tap(qtbot, window.idle.warning.button)
    assert not window.idle.warning_shown
    assert window.current_screen() is window.form_screen
    assert row(window, "nama").value() == "SITI"


def test_production_countdown_is_at_least_twenty_seconds(window):  # noqa: ANN001
    assert window.idle.countdown_s >= 20


def test_language_switch_changes_the_visible_text(qtbot, window):  # noqa: ANN001
    assert window.home.ticket_button.text() == "Ambil Nomor Antrean"
    tap(qtbot, window.home.language_buttons["en"])
    assert window.home.ticket_button.text() == "Take a Queue Number"
    assert window.home.request_button.text() == "Apply for a Service"
    tap(qtbot, window.home.request_button)
    assert window.categories.title.text() == "Choose a kind of service"
    tap(qtbot, window.categories.home_button)
    # A new resident starts in the kiosk's own language.
    assert window.home.ticket_button.text() == "Ambil Nomor Antrean"


def test_unhandled_error_shows_the_recovery_screen(qtbot, window):  # noqa: ANN001
    from kiosk.ui.app import install_excepthook

    saved = sys.excepthook
    try:
        install_excepthook(window)
        open_form(qtbot, window)
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = saved
    assert window.current_screen() is window.recovery
    assert "boom" not in window.recovery.text.text()
    assert window.form_screen is None
    tap(qtbot, window.recovery.button)
    assert window.current_screen() is window.home


def test_check_gui_builds_and_paints_home(qapp, kiosk_app):  # noqa: ANN001
    from kiosk.ui.app import check_gui

    check_gui(kiosk_app)


def test_long_press_corner_opens_the_staff_area(qtbot, window):  # noqa: ANN001
    from PySide6.QtCore import QPoint, Qt

    corner = window.home.corner
    corner._timer.setInterval(50)
    qtbot.mousePress(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    qtbot.waitUntil(lambda: window.staff_area is not None, timeout=2_000)
    qtbot.mouseRelease(corner, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert window.current_screen() is window.staff_area
    window.staff_area.closed.emit()
    assert window.current_screen() is window.home
    assert window.staff_area is None


def test_short_press_opens_nothing(qtbot, window):  # noqa: ANN001
    tap(qtbot, window.home.corner)
    qtbot.wait(100)
    assert window.current_screen() is window.home
