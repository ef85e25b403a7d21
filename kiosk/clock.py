"""Time: stored in UTC, shown and counted in WIB (Asia/Jakarta)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from forms.wib import WIB

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; injectable so tests can move time."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class MonotonicClock(Protocol):
    """Seconds that only move forward, and the run of the program they belong to."""

    run_id: str

    def __call__(self) -> float: ...


@dataclass(frozen=True)
class RunClock:
    """``time.monotonic()`` and an id for this run of the program.

    Setting the wall clock (by hand, or NTP when the village network comes back) does not
    move a monotonic clock, so it measures waits such as the PIN lockout. Its readings mean
    nothing in another process or after a reboot: each goes with the run that took it.
    """

    run_id: str = field(default_factory=lambda: secrets.token_hex(8))
    read: Callable[[], float] = time.monotonic

    def __call__(self) -> float:
        return self.read()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def wib_day(moment: datetime) -> date:
    """The service day a moment belongs to: queue numbers restart at midnight WIB."""
    return as_utc(moment).astimezone(WIB).date()


def to_wib(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(WIB)


def wib_datetime(moment: datetime | None) -> str:
    """``30-11-2026 13:54 WIB`` (``–`` for none): one short form for either language."""
    return "–" if moment is None else f"{to_wib(moment):%d-%m-%Y %H:%M} WIB"
