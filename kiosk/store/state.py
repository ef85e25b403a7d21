"""Small named values in ``kiosk_state``, read and written as plain statements.

These run inside hot transactions (every submission reads and writes the queue day), where
the ORM's bookkeeping costs more than the SQL.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

_READ = text("SELECT value FROM kiosk_state WHERE key = :key")
_WRITE = text(
    "INSERT INTO kiosk_state (key, value) VALUES (:key, :value) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
_DELETE = text("DELETE FROM kiosk_state WHERE key = :key")


def read_state(session: Session, key: str) -> str | None:
    return session.execute(_READ, {"key": key}).scalar_one_or_none()


def write_state(session: Session, key: str, value: str) -> None:
    session.execute(_WRITE, {"key": key, "value": value})


def delete_state(session: Session, key: str) -> None:
    session.execute(_DELETE, {"key": key})
