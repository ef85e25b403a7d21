"""Importing after PySide6 keeps no module source in memory (idle RSS, issue 15)."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import linecache
import kiosk.ui  # PySide6 and shiboken's import hook
linecache.clearcache()
import xml.dom.minidom as probe  # a module nothing here has imported yet
print(probe.__file__ in linecache.cache, len(linecache.cache))
"""


def test_modules_imported_after_pyside_leave_no_source_in_linecache() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    kept, cached_files = out
    assert kept == "False"
    assert cached_files == "0"


def test_a_module_that_uses_pyside_is_still_recognised() -> None:
    import forms.wib as plain_module
    import kiosk.ui.app as qt_module
    from kiosk.ui import _uses_pyside

    assert _uses_pyside(qt_module)
    assert not _uses_pyside(plain_module)
