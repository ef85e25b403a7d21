"""The layer rule: only kiosk.ui imports Qt. Checked twice: by import-linter in `make lint`
and here, by importing every Qt-free module with PySide6 made unimportable."""

from __future__ import annotations

import subprocess
import sys

BLOCK_QT = """
import importlib, pkgutil, sys

class NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("Qt is not allowed outside kiosk.ui: " + name)

sys.meta_path.insert(0, NoQt())
for root in ("forms", "printing", "sync", "mpp_server", "kiosk"):
    package = importlib.import_module(root)
    for info in pkgutil.walk_packages(package.__path__, root + "."):
        if info.name.startswith(("kiosk.ui", "kiosk.__main__")):
            continue
        importlib.import_module(info.name)
print("ok")
"""


def test_core_packages_import_without_qt():
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("ok")
