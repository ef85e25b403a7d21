"""The kiosk window fills the screen in a bare X session, where no window manager helps."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.xserver import bare_x_display

SCRIPT = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.app import show_fullscreen

qapp = QApplication([])
window = QWidget()
show_fullscreen(window)
QTimer.singleShot(1500, qapp.quit)
qapp.exec()
screen = window.screen().geometry()
print(window.width(), window.height(), screen.width(), screen.height())
"""


def test_the_window_fills_a_portrait_screen_without_a_window_manager() -> None:
    with bare_x_display(1080, 1920) as display:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60
        )
    assert done.returncode == 0, done.stderr[-3000:]
    width, height, screen_width, screen_height = map(int, done.stdout.split()[-4:])
    assert (screen_width, screen_height) == (1080, 1920)
    assert (width, height) == (1080, 1920)
