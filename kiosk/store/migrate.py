"""Alembic at start-up: check the schema, and before any upgrade set a copy of the file aside."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from kiosk.store.db import StoreCorrupt

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HEAD_REVISION = "0005"
"""The newest revision in migrations/versions; a test keeps it equal to Alembic's head.

Start-up compares the database with this constant and imports Alembic (about half a
second) only when a migration is actually due.
"""


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return script.get_current_head() or ""


def check_readable(path: Path) -> None:
    """Fail with :class:`StoreCorrupt` when the file is not a usable SQLite database.

    A cheap check that runs at every start (the header and the schema must read); the full
    ``PRAGMA integrity_check`` runs in ``kiosk --self-check`` and the reliability tests.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            result = conn.execute("PRAGMA quick_check(1)").fetchone()[0] if _small(path) else "ok"
    except sqlite3.DatabaseError as exc:
        raise StoreCorrupt(
            f"{path} is damaged ({exc}); it has been left untouched. Restore a backup "
            f"or move the file aside to start a new one."
        ) from None
    if result != "ok":
        raise StoreCorrupt(f"{path} failed its check ({result}); it has been left untouched.")


def _small(path: Path) -> bool:
    return path.stat().st_size < 32 * 1024 * 1024


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except OperationalError:  # a new, empty database
            return None


def backup_copy(path: Path, backup_dir: Path, label: str) -> Path:
    """A consistent copy of the database via SQLite's backup API, owner-only."""
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = backup_dir / f"kiosk-{stamp}-{label}.db"
    fd = os.open(target, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    os.close(fd)
    with sqlite3.connect(path) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def migrate_to_head(engine: Engine, path: Path, backup_dir: Path) -> Path | None:
    """Upgrade the schema to head; returns the backup made first, or None if none was needed."""
    current = current_revision(engine)
    if current == HEAD_REVISION:
        return None
    from alembic import command

    head = head_revision()
    backup = None
    if current is not None:
        backup = backup_copy(path, backup_dir, f"before-{head}")
    command.upgrade(alembic_config(engine), "head")
    return backup
