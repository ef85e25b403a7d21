"""A bare X server (Xvfb, no window manager) for tests that need a real display.

It is what the Linux guide's recommended session is: X and the kiosk, nothing else.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest


@contextlib.contextmanager
def bare_x_display(width: int, height: int) -> Iterator[str]:
    """Start Xvfb on a free display number; yields ``:N``; stops it afterwards."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.fail("Xvfb is not installed (Debian package xvfb; .ci/run installs it)")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_end),
            "-screen",
            "0",
            f"{width}x{height}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as pipe:
            number = pipe.readline().strip()  # Xvfb writes the display once it is ready
        if not number:
            raise RuntimeError(f"Xvfb did not start: {server.stderr.read().decode()[-2000:]}")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def xdotool(display: str, *args: str) -> subprocess.CompletedProcess:
    tool = shutil.which("xdotool")
    if tool is None:
        pytest.fail("xdotool is not installed (Debian package xdotool; .ci/run installs it)")
    env = dict(os.environ, DISPLAY=display)
    return subprocess.run([tool, *args], capture_output=True, text=True, env=env, timeout=30)


def find_window(display: str, title: str) -> int | None:
    """The id of the mapped window titled exactly ``title``, or None."""
    found = xdotool(display, "search", "--onlyvisible", "--name", f"^{title}$")
    ids = found.stdout.split()
    return int(ids[0]) if ids else None


def wait_for_window(display: str, title: str, timeout_s: float = 60) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        window = find_window(display, title)
        if window is not None:
            return window
        time.sleep(0.2)
    raise AssertionError(f"no window titled {title!r} appeared on {display}")


class _ClientMessage(ctypes.Structure):  # Xlib's XClientMessageEvent
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("window", ctypes.c_ulong),
        ("message_type", ctypes.c_ulong),
        ("format", ctypes.c_int),
        ("data", ctypes.c_long * 5),
    ]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def ask_window_to_close(display: str, window: int) -> None:
    """Send ``window`` what a window manager sends for Alt+F4 or its close button: a
    WM_PROTOCOLS client message naming WM_DELETE_WINDOW (ICCCM 4.2.8.1)."""
    x11 = ctypes.CDLL(ctypes.util.find_library("X11"))
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XSendEvent.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_long,
        ctypes.POINTER(_XEvent),
    ]
    x11.XFlush.argtypes = [ctypes.c_void_p]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = x11.XOpenDisplay(display.encode())
    if not connection:
        raise RuntimeError(f"cannot open X display {display}")
    try:
        event = _XEvent()
        event.xclient.type = 33  # ClientMessage
        event.xclient.window = window
        event.xclient.message_type = x11.XInternAtom(connection, b"WM_PROTOCOLS", False)
        event.xclient.format = 32
        event.xclient.data[0] = x11.XInternAtom(connection, b"WM_DELETE_WINDOW", False)
        event.xclient.data[1] = 0  # CurrentTime
        if not x11.XSendEvent(connection, window, False, 0, ctypes.byref(event)):
            raise RuntimeError("XSendEvent failed")
        x11.XFlush(connection)
    finally:
        x11.XCloseDisplay(connection)
