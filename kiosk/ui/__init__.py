"""The touchscreen (Qt). Only this package imports PySide6 (an import-linter contract)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType

import PySide6  # noqa: F401 - loads shiboken, whose import hook is tamed below


def _uses_pyside(module: ModuleType) -> bool:
    """Whether a module's source mentions PySide6, read without keeping the source."""
    origin = getattr(getattr(module, "__spec__", None), "origin", None)
    if not isinstance(origin, str) or not origin.endswith(".py"):
        return False
    try:
        return b"PySide6" in Path(origin).read_bytes()
    except OSError:
        return False


def _keep_no_sources() -> None:
    """Stop shiboken's import hook from keeping the source of every module in memory.

    Once PySide6 is imported, shiboken asks of every module imported after it whether its
    source mentions "PySide6" (for ``from __feature__ import ...``), through
    ``inspect.getsource``, which leaves every line of every such module in ``linecache``
    for the life of the process. Home paints before SQLAlchemy, pydantic, Alembic and the
    printing stack load, so that was about 20 MB of source text a kiosk carried all day.
    The same question answered from the file, with nothing kept. The kiosk uses no
    ``__feature__``; if a PySide6 release drops the hook, nothing happens here.
    """
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = _uses_pyside


_keep_no_sources()
