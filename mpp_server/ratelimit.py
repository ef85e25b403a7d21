"""Fixed-window counters in the database, so every server process shares one limit.

One ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` per hit: the window restarts when
the stored one is over, and the count comes back in the same statement (SQLite and
PostgreSQL alike), with no read-then-write race between processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, case, delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp_server.models import RateCounter


@dataclass(frozen=True)
class PublicLimits:
    """The public status page's limits (docs/admin-guide.md, "Status pages")."""

    page_per_minute: int = 30
    """Page views and second-factor tries per client address per minute."""
    factor_failures_per_hour: int = 5
    """Wrong NIK digits per tracking code per hour, whoever tries."""
    signin_failures_per_15min: int = 20
    """Failed staff sign-ins per client address per 15 minutes (on top of the lockout)."""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after_s: int


def _window(now: datetime, window_s: int) -> int:
    stamp = int(now.timestamp())
    return stamp - stamp % window_s


def _upsert(dialect: str) -> Any:
    """The counting statement for a dialect, built once (its key and window are bound)."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        table = RateCounter.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(table).values(key=bindparam("key"), window_start=bindparam("start"), count=1)
        statement = stmt.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": case(
                    (table.c.window_start == stmt.excluded.window_start, table.c.count + 1),
                    else_=1,
                ),
                "window_start": stmt.excluded.window_start,
            },
        ).returning(table.c.count)
        _UPSERTS[dialect] = statement
    return statement


_UPSERTS: dict[str, Any] = {}


def count_hit(
    connection: Connection, key: str, limit: int, window_s: int, now: datetime
) -> Verdict:
    """:func:`hit` in the caller's transaction (the count is kept when it commits)."""
    start = _window(now, window_s)
    count = connection.execute(
        _upsert(connection.dialect.name), {"key": key[:120], "start": start}
    ).scalar_one()
    retry = start + window_s - int(now.timestamp())
    return Verdict(count <= limit, max(1, retry))


def hit(engine: Engine, key: str, limit: int, window_s: int, now: datetime) -> Verdict:
    """Count one hit on ``key``; refused once the window's count passes ``limit``."""
    with engine.begin() as connection:
        return count_hit(connection, key, limit, window_s, now)


def peek(engine: Engine, key: str, limit: int, window_s: int, now: datetime) -> Verdict:
    """Whether ``key`` is over its limit now, without counting."""
    start = _window(now, window_s)
    with Session(engine) as session:
        row = session.get(RateCounter, key[:120])
    count = row.count if row is not None and row.window_start == start else 0
    return Verdict(count < limit, max(1, start + window_s - int(now.timestamp())))


def forget_old(engine: Engine, now: datetime, older_than_s: int = 86400) -> int:
    """Drop counters whose window ended long ago (run by ``mpp-server purge``)."""
    with Session(engine) as session, session.begin():
        result = session.execute(
            delete(RateCounter).where(
                RateCounter.window_start < int(now.timestamp()) - older_than_s
            )
        )
        return result.rowcount or 0


__all__ = ["PublicLimits", "Verdict", "count_hit", "forget_old", "hit", "peek"]
