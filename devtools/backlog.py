"""Seeding a large outbox backlog fast (raw SQL), for benchmarks and load tests only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, text
from uuid6 import uuid7


def seed_audit_backlog(
    engine: Engine, count: int, *, start: datetime | None = None, detail_bytes: int = 0
) -> list[str]:
    """Insert ``count`` audit records with their pending outbox entries; returns the ids."""
    start = (start or datetime(2026, 11, 27, 1, 0, tzinfo=UTC)).replace(tzinfo=None)
    padding = "x" * detail_bytes
    ids: list[str] = []
    chunk = 5000
    with engine.begin() as connection:
        for offset in range(0, count, chunk):
            audit_rows = []
            outbox_rows = []
            for n in range(offset, min(count, offset + chunk)):
                record_id = str(uuid7())
                at = start + timedelta(milliseconds=n)
                detail = f'{{"n": {n}, "pad": "{padding}"}}'
                audit_rows.append({"id": record_id, "at": at, "action": "bench", "detail": detail})
                outbox_rows.append({"rid": record_id, "at": at})
                ids.append(record_id)
            connection.execute(
                text(
                    "INSERT INTO audit_log (id, at, actor_id, action, detail) "
                    "VALUES (:id, :at, NULL, :action, :detail)"
                ),
                audit_rows,
            )
            connection.execute(
                text(
                    "INSERT INTO outbox (record_id, kind, state, attempts, created_at) "
                    "VALUES (:rid, 'audit', 'pending', 0, :at)"
                ),
                outbox_rows,
            )
    return ids
