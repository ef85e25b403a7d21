"""Opening the server's database: SQLite (default file) or PostgreSQL via psycopg."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from mpp_server.models import Base, Kiosk

DEFAULT_DATABASE_URL = "sqlite:///mpp-server.db"


def open_engine(url: str) -> Engine:
    """An engine with the tables created; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=8
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA busy_timeout = 30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn) -> None:  # noqa: ANN001
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    else:
        engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    Base.metadata.create_all(engine)
    return engine


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so one sha256 is enough (no slow hash needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_kiosk(engine: Engine, kiosk_id: str, outpost: str) -> str:
    """Register a kiosk (or give an existing one a new token); the token is returned once."""
    token = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        kiosk = session.get(Kiosk, kiosk_id)
        if kiosk is None:
            session.add(
                Kiosk(
                    id=kiosk_id,
                    outpost=outpost,
                    token_hash=hash_token(token),
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
        else:
            kiosk.outpost = outpost
            kiosk.token_hash = hash_token(token)
            kiosk.active = True
    return token


def find_kiosk(session: Session, token: str) -> Kiosk | None:
    return session.scalars(select(Kiosk).where(Kiosk.token_hash == hash_token(token))).first()
