"""In kiosk (fullscreen) mode the real kiosk refuses to be closed, on a real X server.

A window manager turns Alt+F4 or its close button into a WM_DELETE_WINDOW message; the
test sends exactly that to the running ``kiosk`` (and presses Alt+F4, which without a window
manager reaches only the app). The kiosk stays; SIGTERM (``systemctl stop``) still ends it
cleanly. With ``--windowed`` the same message closes it: the message does arrive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.config import OUTPOST_NAMES, demo_config_text
from tests.xserver import ask_window_to_close, bare_x_display, find_window, wait_for_window, xdotool

TITLE = OUTPOST_NAMES["rogojampi"]


def start_kiosk(tmp_path: Path, display: str, *args: str) -> subprocess.Popen:
    config = tmp_path / "kiosk.toml"
    config.write_text(demo_config_text(tmp_path / "data"), encoding="utf-8")
    env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
    log = (tmp_path / "kiosk.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--config", str(config), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
    )


def output(tmp_path: Path) -> str:
    return (tmp_path / "kiosk.log").read_text()[-3000:]


def wait_exit(process: subprocess.Popen, timeout_s: float = 20) -> int | None:
    try:
        return process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None


@pytest.fixture
def display():  # noqa: ANN201
    with bare_x_display(1366, 768) as name:
        yield name


def test_the_kiosk_refuses_a_window_managers_close_and_alt_f4(tmp_path, display):  # noqa: ANN001
    kiosk = start_kiosk(tmp_path, display)
    try:
        window = wait_for_window(display, TITLE)
        ask_window_to_close(display, window)
        xdotool(display, "key", "--window", str(window), "alt+F4")
        time.sleep(3)
        assert kiosk.poll() is None, output(tmp_path)
        assert find_window(display, TITLE) == window

        kiosk.send_signal(signal.SIGTERM)
        assert wait_exit(kiosk) == 0, output(tmp_path)
        assert "a request to close the kiosk window was refused" in output(tmp_path)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()


def test_a_windowed_kiosk_closes_on_the_same_message(tmp_path, display):  # noqa: ANN001
    kiosk = start_kiosk(tmp_path, display, "--windowed")
    try:
        ask_window_to_close(display, wait_for_window(display, TITLE))
        assert wait_exit(kiosk) == 0, output(tmp_path)
    finally:
        if kiosk.poll() is None:
            kiosk.kill()
            kiosk.wait()
