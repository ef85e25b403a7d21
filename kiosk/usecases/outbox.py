"""The kiosk's outbox: records built from its rows, results applied, the dead letter.

Every record a resident (or an operator, or the audit log) creates gets an outbox entry in
the same transaction (``recording.py``). This module is the only place that moves entries
between the states of ``OUTBOX_STATES`` afterwards. It implements ``sync.outbox.Outbox``,
the port the push loop (``sync.pusher``) works through; ``sync`` never sees these tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from kiosk.clock import Clock, as_utc, utc_now
from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.models import (
    DEAD,
    PENDING,
    SENT,
    AuditEntry,
    OutboxEntry,
    QueueTicket,
    ServiceRequest,
    TicketEvent,
)
from kiosk.store.state import delete_state, read_state, write_state
from kiosk.store.uow import UnitOfWorkFactory
from kiosk.usecases.clock_check import record_clock_skew
from sync.backoff import Backoff
from sync.lock import LOCK_FILE_NAME
from sync.outbox import ClockObservation, OutboxPage, OutboxStatus
from sync.protocol import Record, RecordResult

LAST_SUCCESS_KEY = "sync.last_success_at"
LAST_ERROR_KEY = "sync.last_error"
_OUTBOX = OutboxEntry.__table__


class LocalRecordError(Exception):
    """The outbox entry's record cannot be built from the local rows (missing, unreadable)."""


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
                    if cipher is not None and AnswerCipher.is_sealed(request.answers)
                    else request.answers
                )
                answers = json.loads(text)
            except Exception as exc:  # noqa: BLE001 - any unreadable answer is a local poison
                raise LocalRecordError(f"answers cannot be read: {type(exc).__name__}") from None
        ticket = request.ticket
        payload = {
            "service_code": request.service_code,
            "language": request.language,
            "answers": answers,
            "ticket_id": request.ticket_id,
            "ticket_number": ticket.number if ticket else None,
            "day": ticket.day.isoformat() if ticket else None,
            "notice_version": request.notice_version,
            "notice_accepted_at": _iso(request.notice_accepted_at),
        }
        if request.status_secret is not None:
            # Requests stored since statuses exist; one stored before keeps the record (and
            # the content hash) it may already have been sent as.
            payload["tracking_code"] = ticket.tracking_code if ticket else None
            payload["status_secret"] = request.status_secret or None
        return Record(
            id=request.id,
            kind="service_request",
            kiosk_id=request.kiosk_id,
            outpost=request.outpost,
            created_at=as_utc(request.created_at),
            form_id=request.form_id,
            form_version=request.form_version,
            payload=payload,
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


def _naive(moment: datetime) -> datetime:
    return as_utc(moment).replace(tzinfo=None)


def _purged_requests() -> Any:
    """The ids of requests whose answers were purged: sent again they would arrive empty."""
    return select(ServiceRequest.id).where(ServiceRequest.answers.is_(None)).scalar_subquery()


# -- the outbox -------------------------------------------------------------------------


@dataclass
class KioskOutbox:
    """The kiosk's outbox table behind ``sync.outbox.Outbox``; built by ``kiosk.bootstrap``."""

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

    @property
    def lock_path(self) -> Path:
        return self.data_dir / LOCK_FILE_NAME

    def now(self) -> datetime:
        return as_utc(self.clock())

    # -- what is due --------------------------------------------------------------------

    def _due(self, now: datetime, include_not_due: bool) -> ColumnElement[bool]:
        """Pending and due. A deferral further ahead than the longest wait the backoff gives
        was set by a clock that has since been set back (by a day, or from 2031 to today):
        it is due now, or a record would wait for a date the clock will take a year to
        reach."""
        condition = OutboxEntry.state == PENDING
        if include_not_due:
            return condition
        naive_now = _naive(now)
        longest_wait_s = self.retry_backoff.ceiling_s
        return condition & or_(
            OutboxEntry.next_attempt_at.is_(None),
            OutboxEntry.next_attempt_at <= naive_now,
            OutboxEntry.next_attempt_at > naive_now + timedelta(seconds=longest_wait_s + 60),
        )

    def _count(self, condition: ColumnElement[bool]) -> int:
        with self.uow(read_only=True) as uow:
            return (
                uow.session.scalar(select(func.count()).select_from(OutboxEntry).where(condition))
                or 0
            )

    def count_due(self, now: datetime, *, include_not_due: bool) -> int:
        return self._count(self._due(now, include_not_due))

    def pending(self) -> int:
        return self._count(OutboxEntry.state == PENDING)

    def due_pages(self, now: datetime, *, include_not_due: bool, size: int) -> Iterator[OutboxPage]:
        """Due entries a page at a time, by seq (keyset), each built into its record."""
        last_seq = 0
        while True:
            with self.uow(read_only=True) as uow:
                entries = uow.session.scalars(
                    select(OutboxEntry)
                    .where(self._due(now, include_not_due), OutboxEntry.seq > last_seq)
                    .order_by(OutboxEntry.seq)
                    .limit(size)
                ).all()
                if not entries:
                    return
                last_seq = entries[-1].seq
                rows = _prefetch(uow.session, entries)
                page = OutboxPage(records=[], broken=[])
                for entry in entries:
                    try:
                        page.records.append(
                            build_record(
                                uow.session,
                                entry,
                                self.cipher,
                                kiosk_id=self.kiosk_id,
                                outpost=self.outpost,
                            )
                        )
                    except (LocalRecordError, ValueError) as exc:
                        page.broken.append((entry.record_id, f"local: {exc}"[:500]))
                del rows
            yield page

    # -- what the server answered -------------------------------------------------------

    def apply(self, results: Sequence[RecordResult], now: datetime) -> tuple[int, int, int]:
        """Apply one batch's results in one transaction; only pending entries change."""
        sent = [{"rid": r.id} for r in results if r.status in ("accepted", "duplicate")]
        dead = [
            {"rid": r.id, "reason": r.reason or "rejected"}
            for r in results
            if r.status == "rejected"
        ]
        with self.uow() as uow:
            connection = uow.session.connection()
            if sent:
                connection.execute(
                    update(_OUTBOX)
                    .where(_OUTBOX.c.record_id == bindparam("rid"), _OUTBOX.c.state == PENDING)
                    .values(state=SENT, sent_at=_naive(now), last_error=None),
                    sent,
                )
            if dead:
                connection.execute(
                    update(_OUTBOX)
                    .where(_OUTBOX.c.record_id == bindparam("rid"), _OUTBOX.c.state == PENDING)
                    .values(
                        state=DEAD,
                        last_error=bindparam("reason"),
                        attempts=_OUTBOX.c.attempts + 1,
                    ),
                    dead,
                )
            uow.commit()
        accepted = sum(1 for r in results if r.status == "accepted")
        return accepted, len(sent) - accepted, len(dead)

    def defer(
        self, record_ids: Sequence[str], reason: str, retry_after: float | None, now: datetime
    ) -> None:
        """The server answered but refused this batch for now: try these records later."""
        with self.uow() as uow:
            for record_id in record_ids:
                entry = uow.session.scalars(
                    select(OutboxEntry).where(OutboxEntry.record_id == record_id)
                ).one()
                entry.attempts += 1
                wait = self.retry_backoff.delay(entry.attempts, retry_after)
                entry.next_attempt_at = _naive(now + timedelta(seconds=wait))
                entry.last_error = reason[:500]
            uow.commit()

    def note_push(self, *, succeeded_at: datetime | None, error: str | None) -> None:
        with self.uow() as uow:
            if succeeded_at is not None:
                write_state(uow.session, LAST_SUCCESS_KEY, as_utc(succeeded_at).isoformat())
            if error is None:
                delete_state(uow.session, LAST_ERROR_KEY)
            else:
                write_state(uow.session, LAST_ERROR_KEY, error)
            uow.commit()

    def note_clock(self, observation: ClockObservation) -> float:
        return record_clock_skew(
            self.uow,
            observation.skew_s,
            kiosk_time=observation.kiosk_time,
            server_time=observation.server_time,
            round_trip_s=observation.round_trip_s,
        ).skew_s

    # -- the dead letter, status and reconciliation -------------------------------------

    def retry_dead(self) -> int:
        """Put the dead-letter entries back in the queue; returns how many.

        A request whose answers were purged stays dead: sent again it would reach the
        server empty.
        """
        with self.uow() as uow:
            result = uow.session.execute(
                update(_OUTBOX)
                .where(
                    _OUTBOX.c.state == DEAD,
                    ~(
                        (_OUTBOX.c.kind == "service_request")
                        & _OUTBOX.c.record_id.in_(_purged_requests())
                    ),
                )
                .values(state=PENDING, attempts=0, next_attempt_at=None)
            )
            uow.commit()
        return result.rowcount or 0

    def status(self) -> OutboxStatus:
        with self.uow(read_only=True) as uow:
            counts = dict(
                uow.session.execute(
                    select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)
                ).all()
            )
            reasons = dict(
                uow.session.execute(
                    select(OutboxEntry.last_error, func.count())
                    .where(OutboxEntry.state == DEAD)
                    .group_by(OutboxEntry.last_error)
                    .limit(20)
                ).all()
            )
            return OutboxStatus(
                pending=counts.get(PENDING, 0),
                sent=counts.get(SENT, 0),
                dead=counts.get(DEAD, 0),
                last_success_at=read_state(uow.session, LAST_SUCCESS_KEY),
                last_error=read_state(uow.session, LAST_ERROR_KEY),
                dead_reasons={str(k): v for k, v in reasons.items()},
            )

    def sent_id_pages(self, page: int = 1000) -> Iterator[list[str]]:
        last_seq = 0
        while True:
            with self.uow(read_only=True) as uow:
                rows = uow.session.execute(
                    select(OutboxEntry.seq, OutboxEntry.record_id)
                    .where(OutboxEntry.state == SENT, OutboxEntry.seq > last_seq)
                    .order_by(OutboxEntry.seq)
                    .limit(page)
                ).all()
            if not rows:
                return
            last_seq = rows[-1][0]
            yield [record_id for _seq, record_id in rows]

    def requeue_missing(self, record_ids: Sequence[str]) -> int:
        """Sent records the server lacks go back to pending. A request whose answers were
        purged after the server acknowledged it cannot be sent again: it goes to the dead
        letter for an admin to see."""
        with self.uow() as uow:
            purged = set(
                uow.session.scalars(
                    select(ServiceRequest.id).where(
                        ServiceRequest.id.in_(record_ids), ServiceRequest.answers.is_(None)
                    )
                )
            )
            resend = [record_id for record_id in record_ids if record_id not in purged]
            uow.session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.record_id.in_(resend), _OUTBOX.c.state == SENT)
                .values(state=PENDING, sent_at=None, last_error="missing on the server")
            )
            uow.session.execute(
                update(_OUTBOX)
                .where(_OUTBOX.c.record_id.in_(purged), _OUTBOX.c.state == SENT)
                .values(state=DEAD, last_error="missing on the server; answers purged")
            )
            uow.commit()
        return len(resend)
