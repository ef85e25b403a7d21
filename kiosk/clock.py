"""Time: stored in UTC, shown and counted in WIB (Asia/Jakarta)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; injectable so tests can move time."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def wib_day(moment: datetime) -> date:
    """The service day a moment belongs to: queue numbers restart at midnight WIB."""
    return as_utc(moment).astimezone(WIB).date()


def to_wib(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(WIB)
