"""Opening the SQLite file: WAL, synchronous=FULL, foreign keys, busy timeout, owner-only."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """Base of the store's own errors."""


class StoreUnavailable(StoreError):
    """The database cannot be written now: disk full, read-only, locked or an I/O error.

    ``reason`` is one of ``disk_full``, ``read_only``, ``locked``, ``io_error``. Nothing was
    written: the transaction was rolled back.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class StoreCorrupt(StoreError):
    """The database file is damaged; it is kept as it is for an admin to look at."""


def classify_sqlite_error(exc: BaseException) -> StoreUnavailable | None:
    """Map SQLite's messages to a reason the caller can show; None if not one of ours."""
    text = str(getattr(exc, "orig", exc)).lower()
    for needle, reason in (
        ("disk is full", "disk_full"),
        ("readonly", "read_only"),
        ("read-only", "read_only"),
        ("locked", "locked"),
        ("disk i/o error", "io_error"),
        ("unable to open", "io_error"),
    ):
        if needle in text:
            return StoreUnavailable(reason, text)
    return None


def _create_owner_only(path: Path) -> None:
    """Create the database file (and its folder) readable by the kiosk's user alone."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def open_engine(
    path: Path, *, create: bool = True, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """An engine on the file at ``path`` with the kiosk's durability settings.

    The pysqlite driver's own transaction handling is switched off so that every
    transaction starts with ``BEGIN IMMEDIATE``: a writer takes the lock at the start and
    never fails half-way with "database is locked" on upgrade from read to write. Readers
    use ``engine.execution_options(sqlite_begin="DEFERRED")`` and, in WAL, never wait.
    """
    path = Path(path)
    if create:
        _create_owner_only(path)
    elif not path.exists():
        raise StoreUnavailable("io_error", f"{path} does not exist")
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        # an error's message (and so a log line) names the statement, not its values:
        # they can be a resident's answers or an operator's name
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
