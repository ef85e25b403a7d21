"""Writing a record and its outbox entry together: nothing saved without being queued."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session
from uuid6 import uuid7

from kiosk.store.models import AuditEntry, OutboxEntry, QueueTicket, TicketEvent


def new_id() -> str:
    return str(uuid7())


def enqueue(session: Session, record_id: str, kind: str, now: datetime) -> None:
    # Plain inserts on the hot path of every submission: no unit-of-work bookkeeping.
    session.execute(
        OutboxEntry.__table__.insert(),
        [
            {
                "record_id": record_id,
                "kind": kind,
                "state": "pending",
                "attempts": 0,
                "created_at": now,
            }
        ],
    )


def add_ticket_event(
    session: Session,
    ticket: QueueTicket,
    event: str,
    now: datetime,
    operator_id: str | None = None,
) -> None:
    event_id = new_id()
    session.execute(
        TicketEvent.__table__.insert(),
        [
            {
                "id": event_id,
                "ticket_id": ticket.id,
                "event": event,
                "at": now,
                "counter": ticket.counter,
                "operator_id": operator_id,
            }
        ],
    )
    enqueue(session, event_id, "ticket_event", now)


def add_audit(
    session: Session,
    action: str,
    now: datetime,
    actor_id: str | None = None,
    **detail: Any,
) -> None:
    """Every operator and admin action is logged, and the log is synced like any record."""
    entry_id = new_id()
    session.add(AuditEntry(id=entry_id, at=now, actor_id=actor_id, action=action, detail=detail))
    enqueue(session, entry_id, "audit", now)
