"""Request statuses: set one (staff, back office), record ``received`` at ingest, read the feed.

Every change is a row of ``status_changes`` with a number from one global sequence; the
feed a kiosk pulls is those rows of its outpost in that order, from a signed cursor on.
The sequence number is taken by updating the single ``status_feed`` row, which keeps that
row locked until the change commits, so the numbers become visible in order: a reader that
saw change 12 can never later find a change 11 it missed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    Row,
    String,
    bindparam,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp_server.db import stored_utc
from mpp_server.models import StatusChangeRow, StatusFeed, TrackedRequest
from sync.protocol import (
    FINAL_STATUSES,
    REQUEST_STATUSES,
    StatusChange,
    tracking_key,
)

ActorKind = Literal["kiosk", "staff", "backoffice"]
MAX_NOTE = 500
MAX_PLACE = 200
MAX_DOCUMENT = 200
MAX_DOCUMENTS = 20


@dataclass(frozen=True)
class Actor:
    """Who sets a status: a staff user (``admin`` may reopen a final request) or a client."""

    kind: ActorKind
    name: str
    admin: bool = False


SEED_ACTOR = Actor("backoffice", "seed")
"""For benchmarks and demo data that set statuses straight in the database."""


class StatusError(Exception):
    """A status change refused; nothing was changed."""


class UnknownRequest(StatusError):
    def __init__(self, code: str) -> None:
        super().__init__(f"no request with tracking code {code!r}")


@dataclass
class StatusInvalid(StatusError):
    """Fields missing or wrong for the status: ``errors`` maps a field to (id, en) words."""

    errors: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __str__(self) -> str:
        return "; ".join(f"{name}: {en}" for name, (_id, en) in self.errors.items())


class StatusConflict(StatusError):
    """A stale ``expected_version`` or a transition that is not allowed (HTTP 409)."""

    def __init__(self, words_id: str, words_en: str) -> None:
        super().__init__(words_en)
        self.words = (words_id, words_en)


@dataclass(frozen=True)
class StatusFields:
    """What a status carries besides its code, each field checked by :func:`check_fields`."""

    note: str | None = None
    missing_documents: tuple[str, ...] = ()
    pickup_place: str | None = None
    pickup_from: date | None = None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def check_fields(status: str, fields: StatusFields) -> StatusFields:
    """The fields the status needs, cleaned; StatusInvalid naming each one that is wrong.

    ``ready`` needs a pickup place and a from-date, ``needs_documents`` the missing
    documents, ``refused`` a reason a resident can read (the note). Fields that do not
    belong to the status are refused too, so nothing is stored that the resident never sees.
    """
    errors: dict[str, tuple[str, str]] = {}
    if status not in REQUEST_STATUSES or status == "received":
        errors["status"] = (
            "Status tidak dikenal atau tidak dapat dipilih",
            "Unknown status, or one that cannot be chosen",
        )
        raise StatusInvalid(errors)
    note = _clean(fields.note)
    place = _clean(fields.pickup_place)
    documents = tuple(doc for doc in (_clean(d) for d in fields.missing_documents) if doc)
    if note is not None and len(note) > MAX_NOTE:
        errors["note"] = (
            f"Catatan paling banyak {MAX_NOTE} huruf",
            f"At most {MAX_NOTE} characters",
        )
    if status == "refused" and (note is None or len(note) < 10):
        errors["note"] = (
            "Tulis alasan penolakan yang dapat dipahami warga (paling sedikit 10 huruf)",
            "Write a reason the resident can understand (at least 10 characters)",
        )
    if status == "ready":
        if place is None:
            errors["pickup_place"] = ("Isi tempat pengambilan", "Enter the pickup place")
        elif len(place) > MAX_PLACE:
            errors["pickup_place"] = (
                f"Tempat pengambilan paling banyak {MAX_PLACE} huruf",
                f"Pickup place: at most {MAX_PLACE} characters",
            )
        if fields.pickup_from is None:
            errors["pickup_from"] = (
                "Isi tanggal mulai dapat diambil",
                "Enter the date it can be picked up from",
            )
    elif place is not None or fields.pickup_from is not None:
        errors["pickup_place"] = (
            "Tempat dan tanggal pengambilan hanya untuk status Selesai",
            "Pickup place and date belong to the status Ready only",
        )
    if status == "needs_documents":
        if not documents:
            errors["missing_documents"] = (
                "Sebutkan dokumen yang perlu dilengkapi",
                "List the documents that are missing",
            )
        elif len(documents) > MAX_DOCUMENTS or any(len(d) > MAX_DOCUMENT for d in documents):
            errors["missing_documents"] = (
                f"Paling banyak {MAX_DOCUMENTS} dokumen, masing-masing {MAX_DOCUMENT} huruf",
                f"At most {MAX_DOCUMENTS} documents of {MAX_DOCUMENT} characters each",
            )
    elif documents:
        errors["missing_documents"] = (
            "Daftar dokumen hanya untuk status Perlu dilengkapi",
            "The document list belongs to the status Documents needed only",
        )
    if errors:
        raise StatusInvalid(errors)
    return StatusFields(
        note=note,
        missing_documents=documents,
        pickup_place=place if status == "ready" else None,
        pickup_from=fields.pickup_from if status == "ready" else None,
    )


def _take_seq(session: Session, count: int) -> int:
    """Reserve ``count`` sequence numbers; returns the last. Locks the feed row to commit."""
    table = StatusFeed.__table__
    last = session.execute(
        update(table)
        .where(table.c.id == 1)
        .values(last_seq=table.c.last_seq + count)
        .returning(table.c.last_seq)
    ).scalar_one()
    return int(last)


def _check_transition(
    request: TrackedRequest, status: str, actor: Actor, expected_version: int | None
) -> None:
    if expected_version is not None and expected_version != request.version:
        raise StatusConflict(
            f"Status sudah diubah orang lain (versi {request.version}); muat ulang halaman",
            f"the status was changed meanwhile (now version {request.version}); reload",
        )
    if request.status in FINAL_STATUSES and not actor.admin:
        raise StatusConflict(
            "Permohonan ini sudah selesai; hanya admin yang dapat membukanya kembali",
            "this request is final; only an admin can reopen it",
        )
    if status == request.status and status not in ("needs_documents", "ready", "refused"):
        raise StatusConflict("Status ini sudah berlaku", f"the request is already {status}")


def set_status(
    session: Session,
    tracking_code: str,
    status: str,
    *,
    actor: Actor,
    note: str | None = None,
    missing_documents: Sequence[str] = (),
    pickup_place: str | None = None,
    pickup_from: date | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> StatusChange:
    """Give the request a new status in the session's transaction (the caller commits).

    Raises UnknownRequest, StatusInvalid (fields) or StatusConflict (a stale
    ``expected_version``; the same status again; a final request changed by anyone but an
    admin). The caller writes the audit row in the same transaction.
    """
    fields = check_fields(
        status,
        StatusFields(note, tuple(missing_documents), pickup_place, pickup_from),
    )
    request = session.scalars(
        select(TrackedRequest).where(TrackedRequest.tracking_key == tracking_key(tracking_code))
    ).first()
    if request is None:
        raise UnknownRequest(tracking_code)
    now = now or datetime.now(UTC)
    seq = _take_seq(session, 1)
    # Checked under the feed row's lock, on the request as committed now: two changes of one
    # request at once are decided one after the other, never both on a stale read.
    session.refresh(request)
    _check_transition(request, status, actor, expected_version)
    version = request.version + 1
    row = StatusChangeRow(
        seq=seq,
        request_id=request.request_id,
        outpost=request.outpost,
        version=version,
        status=status,
        note=fields.note,
        missing_documents=json.dumps(list(fields.missing_documents), ensure_ascii=False)
        if fields.missing_documents
        else None,
        pickup_place=fields.pickup_place,
        pickup_from=fields.pickup_from,
        changed_at=now,
        actor_kind=actor.kind,
        actor=actor.name[:64],
    )
    session.add(row)
    request.status, request.version, request.updated_at = status, version, now
    session.flush()
    return to_change(row, request)


def reopened(previous: str, status: str) -> bool:
    """True when a change takes a final request back to an open status (an admin's act)."""
    return previous in FINAL_STATUSES and status != previous


# --- at ingest ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """What ingest learns from a stored service request that carries a tracking code."""

    request_id: str
    tracking_code: str
    status_secret: str | None
    outpost: str
    service_code: str
    day: date
    submitted_at: datetime


_SECRET = re.compile(r"^[0-9a-f]{64}$")
_REQUESTS = TrackedRequest.__table__
_CHANGES = StatusChangeRow.__table__


def received_from_payload(
    request_id: str, outpost: str, day: date, created_at: datetime, payload: dict[str, Any]
) -> Received | None:
    """The tracking facts of a service request's payload, or None (an older kiosk's)."""
    code = payload.get("tracking_code")
    if not isinstance(code, str) or not 1 <= len(tracking_key(code)) <= 32 or len(code) > 32:
        return None
    secret = payload.get("status_secret")
    service = payload.get("service_code")
    return Received(
        request_id=request_id,
        tracking_code=code,
        status_secret=secret if isinstance(secret, str) and _SECRET.match(secret) else None,
        outpost=outpost,
        service_code=service if isinstance(service, str) else "",
        day=day,
        submitted_at=created_at,
    )


def record_received(session: Session, received: Sequence[Received], now: datetime) -> int:
    """Status ``received`` (version 1) for each newly stored request, in the ingest's
    transaction. A tracking code already held by another request keeps the first one's
    status (the second has none). Returns how many got a status."""
    if not received:
        return 0
    table = TrackedRequest.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    # No RETURNING: a plain executemany is parsed once (psycopg pipelines it), where a
    # RETURNING batch is one long statement per page, measured slower on both databases.
    stmt = insert(table).on_conflict_do_nothing()
    rows = [
        {
            "request_id": item.request_id,
            "tracking_code": item.tracking_code,
            "tracking_key": tracking_key(item.tracking_code),
            "status_secret": item.status_secret,
            "outpost": item.outpost,
            "service_code": item.service_code[:64],
            "day": item.day,
            "submitted_at": item.submitted_at,
            "status": "received",
            "version": 1,
            "updated_at": now,
        }
        for item in received
    ]
    connection = session.connection()
    connection.execute(stmt, rows)
    listed, listed_id, position = _listed(
        connection.dialect.name, [item.request_id for item in received]
    )
    # The ids are this batch's new records, so a row with one of them in the table now was
    # inserted now; a code already taken was skipped.
    inserted = listed.join(table, table.c.request_id == listed_id)
    count = connection.execute(select(func.count()).select_from(inserted)).scalar_one()
    if not count:
        return 0
    # One reservation for the batch. The feed row stays locked from here until the ingest
    # commits, so the changes go in one statement, numbered from the reserved range in the
    # order received (as many rows as counted: the same join, in the same transaction).
    last = _take_seq(session, count)
    numbered = select(
        literal(last - count, Integer) + func.row_number().over(order_by=position),
        table.c.request_id,
        table.c.outpost,
        literal(1, Integer),
        literal("received", String),
        literal(now, DateTime(timezone=True)),
        literal("kiosk", String),
        literal("ingest", String),
    ).select_from(inserted)
    columns = ["seq", "request_id", "outpost", "version", "status", "changed_at", "actor_kind"]
    connection.execute(_CHANGES.insert().from_select([*columns, "actor"], numbered))
    return int(count)


def _listed(dialect: str, ids: list[str]) -> tuple[Any, Any, Any]:
    """``ids`` as a table for a join, one bound parameter whatever their number: the table,
    its id column and each id's position in the list (increasing)."""
    if dialect == "postgresql":
        rows = (
            func.jsonb_array_elements_text(bindparam("ids", ids, type_=postgresql.JSONB))
            .table_valued("value", with_ordinality="position")
            .render_derived(name="listed")
        )
        return rows, rows.c.value, rows.c.position
    rows = (
        func.json_each(bindparam("ids", json.dumps(ids), type_=String))
        .table_valued("key", "value")
        .alias("listed")
    )
    return rows, rows.c.value, rows.c.key


# --- reading ------------------------------------------------------------------------------


def to_change(row: StatusChangeRow, request: TrackedRequest) -> StatusChange:
    return StatusChange(
        request_id=row.request_id,
        tracking_code=request.tracking_code,
        service_code=request.service_code,
        status=row.status,  # type: ignore[arg-type]
        version=row.version,
        changed_at=stored_utc(row.changed_at),
        note=row.note,
        missing_documents=json.loads(row.missing_documents) if row.missing_documents else [],
        pickup_place=row.pickup_place,
        pickup_from=row.pickup_from,
    )


def find_request(session: Session, code: str) -> TrackedRequest | None:
    key = tracking_key(code)
    if not key or len(key) > 32:
        return None
    return session.scalars(select(TrackedRequest).where(TrackedRequest.tracking_key == key)).first()


_VIEW = (
    select(
        _REQUESTS.c.service_code,
        _REQUESTS.c.outpost,
        _REQUESTS.c.status,
        _REQUESTS.c.submitted_at,
        _REQUESTS.c.updated_at,
        _REQUESTS.c.status_secret,
        _REQUESTS.c.tracking_code,
        _CHANGES.c.seq.label("change_seq"),
        _CHANGES.c.note,
        _CHANGES.c.missing_documents,
        _CHANGES.c.pickup_place,
        _CHANGES.c.pickup_from,
    )
    .select_from(
        _REQUESTS.outerjoin(
            _CHANGES,
            (_CHANGES.c.request_id == _REQUESTS.c.request_id)
            & (_CHANGES.c.version == _REQUESTS.c.version),
        )
    )
    .where(_REQUESTS.c.tracking_key == bindparam("key"))
    .limit(1)
)


def request_view(connection: Connection, code: str) -> Row | None:
    """:func:`find_request` and its :func:`latest_change` in one query, the columns the
    public page shows (the change's are None when there is none); None for no request."""
    key = tracking_key(code)
    if not key or len(key) > 32:
        return None
    return connection.execute(_VIEW, {"key": key}).first()


def history(session: Session, request: TrackedRequest) -> list[StatusChangeRow]:
    return list(
        session.scalars(
            select(StatusChangeRow)
            .where(StatusChangeRow.request_id == request.request_id)
            .order_by(StatusChangeRow.version)
        )
    )


def latest_change(session: Session, request: TrackedRequest) -> StatusChangeRow | None:
    return session.scalars(
        select(StatusChangeRow).where(
            StatusChangeRow.request_id == request.request_id,
            StatusChangeRow.version == request.version,
        )
    ).first()


# --- the feed and its cursor --------------------------------------------------------------


class CursorRefused(ValueError):
    """The cursor is malformed, from another server or database, for another outpost, or
    older than the feed's horizon: the kiosk starts again from the beginning (410)."""


def _feed(session: Session) -> StatusFeed:
    return session.get_one(StatusFeed, 1)


def _mac(feed: StatusFeed, outpost: str, seq: int) -> str:
    message = f"{feed.epoch}.{outpost}.{seq}".encode()
    return hmac.new(bytes.fromhex(feed.cursor_key), message, hashlib.sha256).hexdigest()[:24]


def make_cursor(feed: StatusFeed, outpost: str, seq: int) -> str:
    """``<epoch>.<seq>.<mac>``: the mac binds the position to this database and outpost."""
    return f"{feed.epoch}.{seq}.{_mac(feed, outpost, seq)}"


def read_cursor(feed: StatusFeed, outpost: str, cursor: str | None) -> int:
    """The sequence number after which to read; 0 for no cursor; CursorRefused otherwise."""
    if not cursor:
        return 0
    parts = cursor.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 18:
        raise CursorRefused("the cursor is not one this server made")
    epoch, seq_text, mac = parts
    if not hmac.compare_digest(epoch, feed.epoch):
        raise CursorRefused("the cursor is from another server, or from before a database reset")
    seq = int(seq_text)
    if not hmac.compare_digest(mac, _mac(feed, outpost, seq)):
        raise CursorRefused("the cursor is not one this server made for this outpost")
    if seq < feed.floor_seq or seq > feed.last_seq:
        raise CursorRefused("the cursor is older than the feed keeps; start again")
    return seq


@dataclass(frozen=True)
class FeedPage:
    changes: list[StatusChange]
    cursor: str
    more: bool


_FEED_COLUMNS = (
    _CHANGES.c.seq,
    _CHANGES.c.request_id,
    _REQUESTS.c.tracking_code,
    _REQUESTS.c.service_code,
    _CHANGES.c.status,
    _CHANGES.c.version,
    _CHANGES.c.changed_at,
    _CHANGES.c.note,
    _CHANGES.c.missing_documents,
    _CHANGES.c.pickup_place,
    _CHANGES.c.pickup_from,
)


def read_feed(session: Session, outpost: str, cursor: str | None, limit: int) -> FeedPage:
    """The outpost's changes after the cursor, in sequence order, at most ``limit``.

    A plain query of the columns the feed carries, each change built without validating
    again what :func:`set_status` and :func:`record_received` checked when they stored it.
    """
    feed = _feed(session)
    after = read_cursor(feed, outpost, cursor)
    rows = session.execute(
        select(*_FEED_COLUMNS)
        .join_from(
            _CHANGES,
            _REQUESTS,
            _REQUESTS.c.request_id == _CHANGES.c.request_id,
        )
        .where(_CHANGES.c.outpost == outpost, _CHANGES.c.seq > after)
        .order_by(_CHANGES.c.seq)
        .limit(limit + 1)
    ).all()
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1][0] if rows else after
    construct = StatusChange.model_construct
    return FeedPage(
        changes=[
            construct(
                request_id=request_id,
                tracking_code=tracking_code,
                service_code=service_code,
                status=status,
                version=version,
                changed_at=stored_utc(changed_at),
                note=note,
                missing_documents=json.loads(documents) if documents else [],
                pickup_place=pickup_place,
                pickup_from=pickup_from,
            )
            for (
                _seq,
                request_id,
                tracking_code,
                service_code,
                status,
                version,
                changed_at,
                note,
                documents,
                pickup_place,
                pickup_from,
            ) in rows
        ],
        cursor=make_cursor(feed, outpost, last),
        more=more,
    )


def changes_of(session: Session, request_ids: Iterable[str]) -> dict[str, list[StatusChangeRow]]:
    found: dict[str, list[StatusChangeRow]] = {}
    for row in session.scalars(
        select(StatusChangeRow)
        .where(StatusChangeRow.request_id.in_(list(request_ids)))
        .order_by(StatusChangeRow.version)
    ):
        found.setdefault(row.request_id, []).append(row)
    return found


__all__ = [
    "SEED_ACTOR",
    "Actor",
    "CursorRefused",
    "FeedPage",
    "Received",
    "StatusConflict",
    "StatusError",
    "StatusFields",
    "StatusInvalid",
    "UnknownRequest",
    "check_fields",
    "find_request",
    "history",
    "read_feed",
    "record_received",
    "received_from_payload",
    "request_view",
    "set_status",
]
