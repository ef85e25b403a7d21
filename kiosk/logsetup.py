"""Logging to an owner-only rotating file in the data folder, with identity numbers masked.

A NIK or KK (16 digits, also typed in groups) or a phone number that reaches a log message
by any path is masked before it is written: first 4 and last 2 digits of a NIK/KK, last 3 of
a phone. Names, dates of birth and addresses have no shape a formatter could find: the
kiosk never logs answers, and tests/reliability/test_privacy_scan.py holds it to that.
"""

from __future__ import annotations

import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from forms import mask_nik

_SIXTEEN = re.compile(r"(?<![\d.\-/])\d(?:[ .\-/]?\d){15}(?![\d]|[ .\-/]\d)")
"""Sixteen digits, as one run or in groups the way people type them: ``3510 0912 0385
0001``, ``3510.0912.0385.0001`` (the separators the forms accept)."""
_PHONE = re.compile(r"(?<![\d])(\+?62|0)[ \-]?8[\d\- ]{6,13}(\d{3})(?!\d)")


def mask_identifiers(text: str) -> str:
    text = _SIXTEEN.sub(lambda m: mask_nik(m.group(0)), text)
    return _PHONE.sub(lambda m: f"{m.group(1)}8*****{m.group(2)}", text)


class MaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_identifiers(super().format(record))


class QuietOnTerminal(logging.Filter):
    """Keeps the libraries' chatter off the terminal; the log file still has every line.

    Alembic announces each step of a migration at INFO ("Context impl SQLiteImpl", "Running
    upgrade 0001 -> 0002 ..."): a first start would greet the admin with a screenful of it.
    Its warnings and errors still show.
    """

    LIBRARIES = ("alembic",)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not any(
            record.name == name or record.name.startswith(name + ".") for name in self.LIBRARIES
        )


def configure_logging(log_dir: Path, *, level: int = logging.INFO) -> Path:
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = log_dir / "kiosk.log"
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    formatter = MaskingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    file_handler = RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    file_handler.setFormatter(formatter)
    console = logging.StreamHandler()
    console.setFormatter(formatter)
    console.addFilter(QuietOnTerminal())
    root = logging.getLogger()
    root.handlers[:] = [file_handler, console]
    root.setLevel(level)
    return path
