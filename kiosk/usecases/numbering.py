"""Queue numbers: a letter per service and a number that restarts every WIB day.

With one kiosk at an outpost the number reads ``B-017``. Where an outpost runs several
kiosks, each offline on its own, each kiosk has a device mark 1-9 that leads the number:
``2B-017``. The mark comes first so that the number after the dash always reads the same
way, and the operator calls "dua B tujuh belas" (``kiosk.voice.announcement`` says it so).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session


def format_number(letter: str, sequence: int, device_mark: int = 0) -> str:
    prefix = f"{device_mark}{letter}" if device_mark else letter
    return f"{prefix}-{sequence:03d}"


_BUMP = text(
    "INSERT INTO queue_sequences (day, letter, last_number) VALUES (:day, :letter, 1) "
    "ON CONFLICT (day, letter) DO UPDATE SET last_number = last_number + 1 "
    "RETURNING last_number"
)


def next_sequence(session: Session, day: date, letter: str) -> int:
    """Take the next number in the caller's write transaction; never the same one twice.

    One statement: the row is created or bumped and read back under the write lock the
    transaction already holds (BEGIN IMMEDIATE), so two writers cannot both see the same
    value, and a rolled-back submission gives its number back.
    """
    return session.execute(_BUMP, {"day": day.isoformat(), "letter": letter}).scalar_one()
