"""The hidden corner of Home that opens the staff area: nothing shows until a finger rests on
it, then a ring fills for the 3 seconds of the press, and is gone on release or on opening."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage

from kiosk.ui.widgets.corner import LONG_PRESS_MS

LEFT = Qt.MouseButton.LeftButton
INSIDE = QPoint(60, 60)


def corner_picture(window) -> QImage:  # noqa: ANN001
    """What the resident sees in the top-left corner of Home, as the screen shows it."""
    return window.grab(QRect(0, 0, 120, 120)).toImage()


def test_the_corner_shows_nothing_until_pressed_then_a_filling_ring(qtbot, window):  # noqa: ANN001
    corner = window.home.corner
    assert corner.geometry() == QRect(0, 0, 120, 120)  # top left, as the guides say
    assert corner._timer.interval() == LONG_PRESS_MS == 3000
    untouched = corner_picture(window)

    qtbot.mousePress(corner, LEFT, pos=INSIDE)
    qtbot.waitUntil(lambda: corner.progress() > 0.1, timeout=2000)
    early = corner.progress()
    pressed = corner_picture(window)
    assert pressed != untouched  # the press shows
    qtbot.waitUntil(lambda: corner.progress() > early + 0.1, timeout=2000)
    assert corner_picture(window) != pressed  # and keeps filling

    qtbot.mouseRelease(corner, LEFT, pos=INSIDE)
    assert corner.progress() == 0
    qtbot.waitUntil(lambda: corner_picture(window) == untouched, timeout=1000)
    assert window.staff_area is None  # let go early: nothing opens


def test_the_ring_is_gone_once_the_staff_area_opens(qtbot, window):  # noqa: ANN001
    corner = window.home.corner
    corner._timer.setInterval(300)
    untouched = corner_picture(window)

    qtbot.mousePress(corner, LEFT, pos=INSIDE)
    qtbot.waitUntil(lambda: window.staff_area is not None, timeout=3000)

    assert not corner.pressing and corner.progress() == 0
    window.staff_area.closed.emit()  # back to Home, finger still down
    assert window.current_screen() is window.home
    qtbot.waitUntil(lambda: corner_picture(window) == untouched, timeout=1000)
    qtbot.mouseRelease(corner, LEFT, pos=INSIDE)
