"""Pushing the outbox: pending entries, in seq order, a page at a time, to the server.

Rules this module keeps (docs/sync-protocol.md explains why):

* a record is marked ``sent`` only after a protocol answer listed it accepted or duplicate;
* each batch's results are applied in ONE local transaction;
* a rejected record goes to the dead letter (``dead``, with the reason) and the rest go on;
* only one page of entries is in memory at a time, whatever the backlog.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from kiosk.clock import Clock, as_utc, utc_now
from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.models import (
    AuditEntry,
    KioskState,
    OutboxEntry,
    QueueTicket,
    ServiceRequest,
    TicketEvent,
)
from kiosk.store.uow import UnitOfWorkFactory
from kiosk.usecases.clock_check import record_clock_skew
from sync.backoff import Backoff
from sync.client import (
    PayloadTooLarge,
    SyncAuthError,
    SyncClient,
    SyncError,
    SyncFatalError,
    SyncTransientError,
)
from sync.lock import LOCK_FILE_NAME, PushLock
from sync.protocol import MAX_BATCH_RECORDS, Record, RecordResult, ids_digest

LAST_SUCCESS_KEY = "sync.last_success_at"
LAST_ERROR_KEY = "sync.last_error"
CLOCK_READING_FRESH_S = 600.0
"""A push older readings of the server's clock than this asks ``/health`` again first."""
_OUTBOX = OutboxEntry.__table__


class LocalRecordError(Exception):
    """The outbox entry's record cannot be built from the local rows (missing, unreadable)."""


@dataclass
class SyncParts:
    """What the pusher needs from the kiosk; ``SyncParts.from_app(app)`` in production."""

    uow: UnitOfWorkFactory
    data_dir: Path
    kiosk_id: str
    outpost: str
    cipher: AnswerCipher | None = None
    batch_size: int = 200
    clock: Clock = utc_now
    retry_backoff: Backoff = field(
        default_factory=lambda: Backoff(base_s=5.0, ceiling_s=900.0, floor_s=5.0)
    )

    @classmethod
    def from_app(cls, app: Any) -> SyncParts:  # app: kiosk.bootstrap.KioskApp
        return cls(
            uow=app.store.uow,
            data_dir=app.paths.root,
            kiosk_id=app.settings.kiosk_id,
            outpost=app.settings.outpost,
            cipher=app.context.cipher,
            batch_size=app.settings.server.batch_size,
            clock=app.context.clock,
        )

    @property
    def lock_path(self) -> Path:
        return self.data_dir / LOCK_FILE_NAME


def as_parts(app_or_parts: Any) -> SyncParts:
    return app_or_parts if isinstance(app_or_parts, SyncParts) else SyncParts.from_app(app_or_parts)


@dataclass
class PushProgress:
    done: int
    total: int
    elapsed_s: float

    @property
    def per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.per_s
        return (self.total - self.done) / rate if rate > 0 else None


@dataclass
class PushSummary:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    remaining: int = 0
    failed_batches: int = 0
    last_error: str | None = None
    fatal: bool = False
    """True when the push stopped on an error retrying will not fix (the circuit breaker's)."""
    server_reached: bool = True
    """False when a fatal answer came from something else (captive portal, TLS failure)."""
    elapsed_s: float = 0.0

    @property
    def sent(self) -> int:
        return self.accepted + self.duplicate

    @property
    def ok(self) -> bool:
        return self.failed_batches == 0 and self.rejected == 0 and self.remaining == 0


# -- building records -------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else as_utc(moment).isoformat()


def build_record(
    session: Session,
    entry: OutboxEntry,
    cipher: AnswerCipher | None,
    *,
    kiosk_id: str = "",
    outpost: str = "",
) -> Record:
    """The protocol record for one outbox entry, from the rows as stored now.

    Pure with respect to the rows: the same rows always give the same record (and so the
    same content hash), which is what makes a resend a ``duplicate``. ``kiosk_id`` and
    ``outpost`` are used for audit entries, which do not store them.
    """
    if entry.kind == "service_request":
        request = session.get(ServiceRequest, entry.record_id)
        if request is None:
            raise LocalRecordError("service request row missing")
        answers: Any = None
        if request.answers is not None:
            try:
                text = (
                    cipher.decrypt(request.answers, request.id)
                    if cipher is not None and request.answers.startswith("v1:")
                    else request.answers
                )
                answers = json.loads(text)
            except Exception as exc:  # noqa: BLE001 - any unreadable answer is a local poison
                raise LocalRecordError(f"answers cannot be read: {type(exc).__name__}") from None
        ticket = request.ticket
        return Record(
            id=request.id,
            kind="service_request",
            kiosk_id=request.kiosk_id,
            outpost=request.outpost,
            created_at=as_utc(request.created_at),
            form_id=request.form_id,
            form_version=request.form_version,
            payload={
                "service_code": request.service_code,
                "language": request.language,
                "answers": answers,
                "ticket_id": request.ticket_id,
                "ticket_number": ticket.number if ticket else None,
                "day": ticket.day.isoformat() if ticket else None,
                "notice_version": request.notice_version,
                "notice_accepted_at": _iso(request.notice_accepted_at),
            },
        )
    if entry.kind == "ticket_event":
        event = session.get(TicketEvent, entry.record_id)
        ticket = session.get(QueueTicket, event.ticket_id) if event is not None else None
        if event is None or ticket is None:
            raise LocalRecordError("ticket event row missing")
        return Record(
            id=event.id,
            kind="ticket_event",
            kiosk_id=ticket.kiosk_id,
            outpost=ticket.outpost,
            created_at=as_utc(event.at),
            payload={
                "event": event.event,
                "ticket_id": ticket.id,
                "number": ticket.number,
                "service_code": ticket.service_code,
                "day": ticket.day.isoformat(),
                "counter": event.counter,
                "operator_id": event.operator_id,
            },
        )
    if entry.kind == "audit":
        audit = session.get(AuditEntry, entry.record_id)
        if audit is None:
            raise LocalRecordError("audit row missing")
        return Record(
            id=audit.id,
            kind="audit",
            kiosk_id=kiosk_id,
            outpost=outpost,
            created_at=as_utc(audit.at),
            payload={"action": audit.action, "actor_id": audit.actor_id, "detail": audit.detail},
        )
    raise LocalRecordError(f"unknown kind {entry.kind!r}")


def _prefetch(session: Session, entries: Sequence[OutboxEntry]) -> list[Any]:
    """Load a page's rows in a few queries, so build_record finds them in the session.

    The caller keeps the returned rows referenced: the identity map holds them weakly.
    """
    loaded: list[Any] = []
    by_kind: dict[str, list[str]] = {}
    for entry in entries:
        by_kind.setdefault(entry.kind, []).append(entry.record_id)
    if ids := by_kind.get("service_request"):
        loaded += session.scalars(
            select(ServiceRequest)
            .options(joinedload(ServiceRequest.ticket))
            .where(ServiceRequest.id.in_(ids))
        ).all()
    if ids := by_kind.get("ticket_event"):
        events = session.scalars(select(TicketEvent).where(TicketEvent.id.in_(ids))).all()
        ticket_ids = {event.ticket_id for event in events}
        loaded += events
        loaded += session.scalars(select(QueueTicket).where(QueueTicket.id.in_(ticket_ids))).all()
    if ids := by_kind.get("audit"):
        loaded += session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids))).all()
    return loaded


# -- pushing ----------------------------------------------------------------------------


def _due(now: datetime, include_not_due: bool, longest_wait_s: float):  # noqa: ANN202 - SQL
    """Pending and due. A deferral further ahead than the longest wait the backoff gives was
    set by a clock that has since been set back (by a day, or from 2031 to today): it is due
    now, or a record would wait for a date the clock will take a year to reach."""
    condition = OutboxEntry.state == "pending"
    if include_not_due:
        return condition
    naive_now = now.replace(tzinfo=None)
    return condition & or_(
        OutboxEntry.next_attempt_at.is_(None),
        OutboxEntry.next_attempt_at <= naive_now,
        OutboxEntry.next_attempt_at > naive_now + timedelta(seconds=longest_wait_s + 60),
    )


def _naive(moment: datetime) -> datetime:
    return as_utc(moment).replace(tzinfo=None)


def _send(
    client: SyncClient, records: list[Record], clock_skew_s: float | None
) -> list[RecordResult]:
    """Send, halving on 413 down to single records; a single record too large is rejected."""
    try:
        return client.send_batch(records, clock_skew_s=clock_skew_s).results
    except PayloadTooLarge:
        if len(records) == 1:
            return [RecordResult(id=records[0].id, status="rejected", reason="too_large")]
        middle = len(records) // 2
        return _send(client, records[:middle], clock_skew_s) + _send(
            client, records[middle:], clock_skew_s
        )


# -- the kiosk's clock against the server's ----------------------------------------------


def clock_skew(parts: SyncParts, client: SyncClient) -> float | None:
    """Server time minus the kiosk's time now, from the client's last reading; None if none."""
    reading = client.last_reading
    if reading is None:
        return None
    return round(reading.skew_s(as_utc(parts.clock()), client.monotonic()), 3)


def _fresh_clock_skew(parts: SyncParts, client: SyncClient) -> float | None:
    """The skew to send with a batch: asks ``/health`` when the last reading is old or
    missing (a new process, a long pause). A server that does not answer is the push's
    problem, not this one's: the batch goes without a skew."""
    reading = client.last_reading
    if reading is None or client.monotonic() - reading.mono > CLOCK_READING_FRESH_S:
        try:
            client.health()
        except SyncError:
            return None
    return clock_skew(parts, client)


def remember_clock_skew(parts: SyncParts, client: SyncClient) -> float | None:
    """Store the skew from the client's last reading in ``kiosk_state`` (clock_check)."""
    reading = client.last_reading
    if reading is None:
        return None
    kiosk_now, mono_now = as_utc(parts.clock()), client.monotonic()
    return record_clock_skew(
        parts.uow,
        reading.skew_s(kiosk_now, mono_now),
        kiosk_time=kiosk_now,
        server_time=reading.server_now(mono_now),
        round_trip_s=reading.round_trip_s,
    ).skew_s


def _apply(
    parts: SyncParts, results: Sequence[RecordResult], now: datetime
) -> tuple[int, int, int]:
    """Apply one batch's results in one transaction; only pending entries change."""
    sent = [{"rid": r.id} for r in results if r.status in ("accepted", "duplicate")]
    dead = [
        {"rid": r.id, "reason": r.reason or "rejected"} for r in results if r.status == "rejected"
    ]
    with parts.uow() as uow:
        connection = uow.session.connection()
        if sent:
            connection.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.record_id == bindparam("rid"), _OUTBOX.c.state == "pending")
                .values(state="sent", sent_at=_naive(now), last_error=None),
                sent,
            )
        if dead:
            connection.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.record_id == bindparam("rid"), _OUTBOX.c.state == "pending")
                .values(
                    state="dead", last_error=bindparam("reason"), attempts=_OUTBOX.c.attempts + 1
                ),
                dead,
            )
        uow.commit()
    accepted = sum(1 for r in results if r.status == "accepted")
    return accepted, len(sent) - accepted, len(dead)


def _defer(
    parts: SyncParts, record_ids: Sequence[str], error: SyncTransientError, now: datetime
) -> None:
    """The server answered but refused this batch for now: try these records later."""
    with parts.uow() as uow:
        for record_id in record_ids:
            entry = uow.session.scalars(
                select(OutboxEntry).where(OutboxEntry.record_id == record_id)
            ).one()
            entry.attempts += 1
            wait = parts.retry_backoff.delay(entry.attempts, error.retry_after)
            entry.next_attempt_at = _naive(now + timedelta(seconds=wait))
            entry.last_error = str(error)[:500]
        uow.commit()


def _count(parts: SyncParts, condition) -> int:  # noqa: ANN001
    with parts.uow(read_only=True) as uow:
        return (
            uow.session.scalar(select(func.count()).select_from(OutboxEntry).where(condition)) or 0
        )


def _set_state(parts: SyncParts, key: str, value: str | None) -> None:
    with parts.uow() as uow:
        row = uow.session.get(KioskState, key)
        if value is None:
            if row is not None:
                uow.session.delete(row)
        elif row is None:
            uow.session.add(KioskState(key=key, value=value))
        else:
            row.value = value
        uow.commit()


def _pages(
    parts: SyncParts, now: datetime, include_not_due: bool, size: int
) -> Iterator[tuple[list[Record], list[tuple[str, str]]]]:
    """(records to send, [(record id, local problem)]) a page at a time, by seq (keyset)."""
    last_seq = 0
    while True:
        with parts.uow(read_only=True) as uow:
            entries = uow.session.scalars(
                select(OutboxEntry)
                .where(
                    _due(now, include_not_due, parts.retry_backoff.ceiling_s),
                    OutboxEntry.seq > last_seq,
                )
                .order_by(OutboxEntry.seq)
                .limit(size)
            ).all()
            if not entries:
                return
            last_seq = entries[-1].seq
            rows = _prefetch(uow.session, entries)
            records: list[Record] = []
            broken: list[tuple[str, str]] = []
            for entry in entries:
                try:
                    records.append(
                        build_record(
                            uow.session,
                            entry,
                            parts.cipher,
                            kiosk_id=parts.kiosk_id,
                            outpost=parts.outpost,
                        )
                    )
                except (LocalRecordError, ValueError) as exc:
                    broken.append((entry.record_id, f"local: {exc}"[:500]))
            del rows
        yield records, broken


def push_pending(
    app_or_parts: Any,
    client: SyncClient,
    *,
    progress: Callable[[PushProgress], None] | None = None,
    include_not_due: bool = False,
    batch_size: int | None = None,
) -> PushSummary:
    """Push every due pending entry; never two pushers at once (raises PushAlreadyRunning).

    Raises :class:`SyncAuthError` on 401/403 (nothing marked). Other failures end the push
    early and are reported in the summary: ``failed_batches``, ``last_error`` and ``fatal``.
    """
    parts = as_parts(app_or_parts)
    size = max(1, min(batch_size or parts.batch_size, MAX_BATCH_RECORDS))
    summary = PushSummary()
    started = time.monotonic()
    with PushLock(parts.lock_path):
        now = parts.clock()
        total = _count(parts, _due(now, include_not_due, parts.retry_backoff.ceiling_s))
        done = 0
        skew = _fresh_clock_skew(parts, client)
        try:
            for records, broken in _pages(parts, now, include_not_due, size):
                if broken:
                    results = [
                        RecordResult(id=rid, status="rejected", reason=why) for rid, why in broken
                    ]
                    summary.rejected += _apply(parts, results, parts.clock())[2]
                    done += len(broken)
                if records:
                    try:
                        results = _send(client, records, skew)
                    except SyncTransientError as exc:
                        summary.failed_batches += 1
                        summary.last_error = str(exc)
                        if exc.status is not None:  # the server is up but refuses this batch
                            _defer(parts, [r.id for r in records], exc, parts.clock())
                        break
                    except SyncFatalError as exc:  # ProtocolViolation included
                        summary.failed_batches += 1
                        summary.last_error = str(exc)
                        summary.fatal = True
                        summary.server_reached = exc.server_reached
                        break
                    skew = clock_skew(parts, client)  # the answer carried the server's time
                    accepted, duplicate, rejected = _apply(parts, results, parts.clock())
                    summary.accepted += accepted
                    summary.duplicate += duplicate
                    summary.rejected += rejected
                    done += len(records)
                if progress is not None:
                    progress(PushProgress(done, total, time.monotonic() - started))
        except SyncAuthError as exc:
            _set_state(parts, LAST_ERROR_KEY, str(exc))
            remember_clock_skew(parts, client)
            raise
        remember_clock_skew(parts, client)
        summary.remaining = _count(parts, OutboxEntry.state == "pending")
        summary.elapsed_s = time.monotonic() - started
        if summary.failed_batches == 0:
            _set_state(parts, LAST_SUCCESS_KEY, as_utc(parts.clock()).isoformat())
            _set_state(parts, LAST_ERROR_KEY, None)
        else:
            _set_state(parts, LAST_ERROR_KEY, summary.last_error)
    return summary


def retry_dead(app_or_parts: Any) -> int:
    """Put the dead-letter entries back in the queue; returns how many.

    A request whose answers were purged stays dead: sent again it would reach the server
    empty.
    """
    parts = as_parts(app_or_parts)
    purged = select(ServiceRequest.id).where(ServiceRequest.answers.is_(None))
    with parts.uow() as uow:
        result = uow.session.execute(
            update(_OUTBOX)
            .where(
                _OUTBOX.c.state == "dead",
                ~(
                    (_OUTBOX.c.kind == "service_request")
                    & _OUTBOX.c.record_id.in_(purged.scalar_subquery())
                ),
            )
            .values(state="pending", attempts=0, next_attempt_at=None)
        )
        uow.commit()
    return result.rowcount or 0


# -- status and reconciliation ----------------------------------------------------------


@dataclass
class OutboxStatus:
    pending: int
    sent: int
    dead: int
    last_success_at: str | None
    last_error: str | None
    dead_reasons: dict[str, int]


def outbox_status(app_or_parts: Any) -> OutboxStatus:
    parts = as_parts(app_or_parts)
    with parts.uow(read_only=True) as uow:
        counts = dict(
            uow.session.execute(
                select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)
            ).all()
        )
        reasons = dict(
            uow.session.execute(
                select(OutboxEntry.last_error, func.count())
                .where(OutboxEntry.state == "dead")
                .group_by(OutboxEntry.last_error)
                .limit(20)
            ).all()
        )
        success = uow.session.get(KioskState, LAST_SUCCESS_KEY)
        error = uow.session.get(KioskState, LAST_ERROR_KEY)
        return OutboxStatus(
            pending=counts.get("pending", 0),
            sent=counts.get("sent", 0),
            dead=counts.get("dead", 0),
            last_success_at=success.value if success else None,
            last_error=error.value if error else None,
            dead_reasons={str(k): v for k, v in reasons.items()},
        )


@dataclass
class Reconciliation:
    server_count: int
    local_sent: int
    digest_matches: bool
    requeued: int

    @property
    def ok(self) -> bool:
        return self.requeued == 0


def _sent_ids(parts: SyncParts, page: int = 1000) -> Iterator[list[str]]:
    last_seq = 0
    while True:
        with parts.uow(read_only=True) as uow:
            rows = uow.session.execute(
                select(OutboxEntry.seq, OutboxEntry.record_id)
                .where(OutboxEntry.state == "sent", OutboxEntry.seq > last_seq)
                .order_by(OutboxEntry.seq)
                .limit(page)
            ).all()
        if not rows:
            return
        last_seq = rows[-1][0]
        yield [record_id for _seq, record_id in rows]


def reconcile(app_or_parts: Any, client: SyncClient) -> Reconciliation:
    """Compare the server's count and id digest with the local ``sent`` entries.

    On a mismatch, ask the server which sent ids it lacks and put those back in the queue.
    """
    parts = as_parts(app_or_parts)
    server = client.summary()
    count = 0

    def ids() -> Iterator[str]:
        nonlocal count
        for chunk in _sent_ids(parts):
            count += len(chunk)
            yield from chunk

    digest = ids_digest(ids())
    if server.count == count and server.digest == digest:
        return Reconciliation(server.count, count, True, 0)
    requeued = 0
    for chunk in _sent_ids(parts):
        missing = client.missing(chunk)
        if missing:
            with parts.uow() as uow:
                # A request whose answers were purged after the server acknowledged it
                # cannot be sent again: it goes to the dead letter for an admin to see.
                purged = set(
                    uow.session.scalars(
                        select(ServiceRequest.id).where(
                            ServiceRequest.id.in_(missing), ServiceRequest.answers.is_(None)
                        )
                    )
                )
                resend = [record_id for record_id in missing if record_id not in purged]
                uow.session.execute(
                    update(_OUTBOX)
                    .where(_OUTBOX.c.record_id.in_(resend), _OUTBOX.c.state == "sent")
                    .values(state="pending", sent_at=None, last_error="missing on the server")
                )
                uow.session.execute(
                    update(_OUTBOX)
                    .where(_OUTBOX.c.record_id.in_(purged), _OUTBOX.c.state == "sent")
                    .values(state="dead", last_error="missing on the server; answers purged")
                )
                uow.commit()
            requeued += len(resend)
    return Reconciliation(server.count, count, False, requeued)
