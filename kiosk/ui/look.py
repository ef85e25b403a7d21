"""The kiosk look: the bundled fonts and the one stylesheet, both from ``resources/``."""

from __future__ import annotations

import logging
from importlib.resources import as_file, files

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

FONT_FAMILY = "DejaVu Sans"
BODY_POINT_SIZE = 20
_registered: list[str] = []


def register_fonts() -> list[str]:
    """Register every bundled TTF so a bare machine with no fonts never shows boxes."""
    if _registered:
        return _registered
    for entry in sorted(files("resources").joinpath("fonts").iterdir(), key=lambda e: e.name):
        if not entry.name.lower().endswith((".ttf", ".otf")):
            continue
        with as_file(entry) as path:
            font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font %s could not be registered", entry.name)
            continue
        _registered.extend(QFontDatabase.applicationFontFamilies(font_id))
    return _registered


def stylesheet() -> str:
    return files("resources").joinpath("style.qss").read_text(encoding="utf-8")


def apply_look(qapp: QApplication) -> None:
    families = register_fonts()
    family = FONT_FAMILY if FONT_FAMILY in families or not families else families[0]
    font = QFont(family, BODY_POINT_SIZE)
    qapp.setFont(font)
    qapp.setStyleSheet(stylesheet())


def set_style_flag(widget: QWidget, name: str, value: bool, *, descendants: bool = False) -> None:
    """Set a dynamic property the stylesheet selects on (``[name="true"]``) and re-style the
    widget (and, for rules like ``#Header[narrow="true"] QPushButton``, its descendants)."""
    if widget.property(name) == value:
        return
    widget.setProperty(name, value)
    targets = [widget, *widget.findChildren(QWidget)] if descendants else [widget]
    for target in targets:
        target.style().unpolish(target)
        target.style().polish(target)
