"""Home paints before the kiosk's parts are in; a tap meanwhile waits visibly, then goes on."""

from __future__ import annotations

from kiosk.bootstrap import KioskApp
from kiosk.ui import i18n
from kiosk.ui.app import MainWindow, ensure_qapp
from tests.ui.conftest import tap


def test_a_tap_before_the_store_is_ready_waits_and_then_goes_on(qtbot, kiosk_app: KioskApp):
    ensure_qapp()
    i18n.set_language("id")
    window = MainWindow(outpost_name="Pasar Pelayanan Publik Rogojampi", refresh_queue=False)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    assert window.home.isVisible() and not window.ready

    tap(qtbot, window.home.ticket_button)

    assert window.overlay.isVisible()
    assert window.overlay.text.text() == "Kios sedang bersiap…"
    assert window.current_screen() is window.home

    window.attach(kiosk_app)

    assert window.ready and not window.overlay.isVisible()
    assert window.current_screen() is window.ticket_services
    window.close()


def test_home_speaks_the_configured_language_before_the_rest_arrives(qtbot):
    ensure_qapp()
    i18n.set_language("en")
    try:
        window = MainWindow(outpost_name="Pasar Pelayanan Publik Genteng", language="en")
        qtbot.addWidget(window)
        window.show()
        assert window.windowTitle() == "Pasar Pelayanan Publik Genteng"
        assert window.home.ticket_button.text() == i18n.tr("home.ticket", "en")
        window.close()
    finally:
        i18n.set_language("id")
