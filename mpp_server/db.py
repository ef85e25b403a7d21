"""Opening the server's database (SQLite or PostgreSQL via psycopg), and the kiosks in it."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.orm import Session

from mpp_server.migrate import migrate_to_head
from mpp_server.models import Kiosk
from sync.protocol import Record

DEFAULT_DATABASE_URL = "sqlite:///mpp-server.db"

_KIOSK_ID_SCHEMA = Record.model_json_schema()["properties"]["kiosk_id"]
_KIOSK_ID = re.compile(_KIOSK_ID_SCHEMA["pattern"])
"""What a record's ``kiosk_id`` may be (sync.protocol): an id outside it could never push."""


class KioskLifecycleError(ValueError):
    """A kiosk command refused; ``str()`` says why in words an admin can act on."""


class KioskExists(KioskLifecycleError):
    def __init__(self, kiosk: Kiosk) -> None:
        super().__init__(
            f"kiosk {kiosk.id} already exists (outpost {kiosk.outpost}); nothing changed. "
            f"To give it a new token run `mpp-server rotate-token {kiosk.id}`"
        )


class KioskNotFound(KioskLifecycleError):
    def __init__(self, kiosk_id: str) -> None:
        super().__init__(f"no kiosk {kiosk_id} on this server (`mpp-server list-kiosks`)")


class UnknownOutpost(KioskLifecycleError):
    def __init__(self, outpost: str, known: Collection[str]) -> None:
        super().__init__(f"unknown outpost {outpost!r}; known: {', '.join(sorted(known))}")


class InvalidKioskId(KioskLifecycleError):
    def __init__(self, kiosk_id: str) -> None:
        super().__init__(
            f"{kiosk_id!r} is not a usable kiosk id: 1 to {_KIOSK_ID_SCHEMA['maxLength']} "
            "letters, digits, '.', '_' or '-'"
        )


def open_engine(url: str) -> Engine:
    """An engine on a schema at head; SQLite gets WAL, a busy timeout and BEGIN IMMEDIATE."""
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
    migrate_to_head(engine)
    return engine


def stored_utc(moment: datetime) -> datetime:
    """A time as the database hands it back, as UTC with its zone: SQLite returns the stored
    UTC without an offset, PostgreSQL with one."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def hash_token(token: str) -> str:
    """Tokens are 256-bit random strings, so one sha256 is enough (no slow hash needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def add_kiosk(
    engine: Engine, kiosk_id: str, outpost: str, *, outposts: Collection[str] | None = None
) -> str:
    """Register a new kiosk; its token is returned once and only its hash is stored.

    Refuses an id that exists (re-registering would silently revoke the kiosk's token:
    that is :func:`rotate_token`'s job), an id no record could carry, and an outpost
    not in ``outposts`` (the catalogue's; None skips that check).
    """
    max_length = _KIOSK_ID_SCHEMA["maxLength"]
    if not _KIOSK_ID.fullmatch(kiosk_id) or len(kiosk_id) > max_length:
        raise InvalidKioskId(kiosk_id)
    if outposts is not None and outpost not in outposts:
        raise UnknownOutpost(outpost, outposts)
    token, token_hash = _new_token()
    with Session(engine) as session, session.begin():
        existing = session.get(Kiosk, kiosk_id)
        if existing is not None:
            raise KioskExists(existing)
        session.add(
            Kiosk(
                id=kiosk_id,
                outpost=outpost,
                token_hash=token_hash,
                active=True,
                created_at=datetime.now(UTC),
            )
        )
    return token


def rotate_token(engine: Engine, kiosk_id: str) -> str:
    """A new token for the kiosk; the old one stops working at once."""
    token, token_hash = _new_token()
    with Session(engine) as session, session.begin():
        _kiosk(session, kiosk_id).token_hash = token_hash
    return token


def set_kiosk_enabled(engine: Engine, kiosk_id: str, enabled: bool) -> None:
    """A disabled kiosk keeps its token and records; everything it asks is answered 403."""
    with Session(engine) as session, session.begin():
        _kiosk(session, kiosk_id).active = enabled


def list_kiosks(engine: Engine) -> list[Kiosk]:
    with Session(engine, expire_on_commit=False) as session:
        return list(session.scalars(select(Kiosk).order_by(Kiosk.id)))


def _kiosk(session: Session, kiosk_id: str) -> Kiosk:
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise KioskNotFound(kiosk_id)
    return kiosk


def find_kiosk(session: Session, token: str) -> Kiosk | None:
    return session.scalars(select(Kiosk).where(Kiosk.token_hash == hash_token(token))).first()
