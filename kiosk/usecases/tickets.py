"""Issuing tickets: a queue-only ticket, or a service request with its ticket."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

# Loaded with the use cases (at build_app, behind Home), not by the first resident's submit:
# validation brings the phone-number tables and pydantic's models with it.
from forms.validation import validate_answers
from kiosk.clock import wib_day
from kiosk.store.models import QueueTicket, ServiceRequest
from kiosk.usecases.context import KioskContext
from kiosk.usecases.errors import NoticeNotAccepted, UnknownService
from kiosk.usecases.numbering import format_number, next_sequence
from kiosk.usecases.queue_day import advance_queue_day
from kiosk.usecases.recording import add_ticket_event, enqueue, new_id
from kiosk.usecases.waiting import people_ahead_and_wait

if TYPE_CHECKING:
    from forms import Service

_TICKETS = QueueTicket.__table__
_REQUESTS = ServiceRequest.__table__
_TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U


@dataclass(frozen=True)
class IssuedTicket:
    ticket_id: str
    number: str
    service_code: str
    counter: str
    issued_at: datetime
    tracking_code: str
    people_ahead: int
    estimated_wait_minutes: int
    request_id: str | None = None


def new_tracking_code() -> str:
    """Twelve Crockford characters (60 bits) read aloud in three groups: ``7KQ2-M9XD-4T1B``."""
    chars = "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(12))
    return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def request_status_secret(form: Any, answers: Mapping[str, object], tracking_code: str) -> str:
    """The public status page's second factor for a request: ``sync.protocol.status_secret``
    of the last 4 digits of the form's first NIK answer; ``""`` when there is none."""
    nik = next((answers.get(f.name) for f in form.fields if f.type == "nik"), None)
    if not nik:
        return ""
    from sync.protocol import status_secret  # the protocol's models load with sync, not here

    return status_secret(tracking_code, str(nik)[-4:])


def _service(ctx: KioskContext, code: str) -> Service:
    try:
        return ctx.catalogue.service(code)
    except KeyError:
        raise UnknownService(code) from None


@dataclass(frozen=True)
class _NewTicket:
    """The ticket row as written. The submission path writes plain rows (SQLAlchemy Core):
    the ORM's unit-of-work bookkeeping cost more than the SQL and the fsync together."""

    id: str
    number: str
    letter: str
    sequence: int
    day: date
    service_code: str
    counter: str
    kiosk_id: str
    outpost: str
    status: str
    tracking_code: str
    issued_at: datetime
    recall_count: int
    print_count: int


def _issue(
    session: Session,
    ctx: KioskContext,
    service: Service,
    now: datetime,
    tracking_code: str | None = None,
) -> _NewTicket:
    day = advance_queue_day(session, now, ctx.monotonic)
    sequence = next_sequence(session, day, service.queue_letter)
    ticket = _NewTicket(
        id=new_id(),
        number=format_number(service.queue_letter, sequence, ctx.device_mark),
        letter=service.queue_letter,
        sequence=sequence,
        day=day,
        service_code=service.code,
        counter=service.counter,
        kiosk_id=ctx.kiosk_id,
        outpost=ctx.outpost,
        status="waiting",
        tracking_code=tracking_code or new_tracking_code(),
        issued_at=now,
        recall_count=0,
        print_count=0,
    )
    session.execute(_TICKETS.insert(), asdict(ticket))
    add_ticket_event(session, ticket, "issued", now)
    return ticket


def _result(
    session: Session,
    ctx: KioskContext,
    ticket: _NewTicket,
    service: Service,
    request_id: str | None = None,
) -> IssuedTicket:
    ahead, wait = people_ahead_and_wait(session, ticket, service.estimated_minutes)
    return IssuedTicket(
        ticket_id=ticket.id,
        number=ticket.number,
        service_code=ticket.service_code,
        counter=ticket.counter,
        issued_at=ticket.issued_at,
        tracking_code=ticket.tracking_code,
        people_ahead=ahead,
        estimated_wait_minutes=wait,
        request_id=request_id,
    )


def issue_ticket(ctx: KioskContext, service_code: str) -> IssuedTicket:
    """A queue-only ticket, from the resident's screen or the operator's walk-in button."""
    service = _service(ctx, service_code)
    now = ctx.clock()
    with ctx.uow() as uow:
        ticket = _issue(uow.session, ctx, service, now)
        result = _result(uow.session, ctx, ticket, service)
        uow.commit()
    return result


def submit_request(
    ctx: KioskContext,
    service_code: str,
    answers: Mapping[str, object],
    *,
    language: str,
    notice_version: str | None,
) -> IssuedTicket:
    """Validate the answers, then store request, ticket and outbox rows in one transaction.

    Raises ``forms.ValidationFailed`` (nothing stored) or ``NoticeNotAccepted``.
    """
    if not notice_version:
        raise NoticeNotAccepted(service_code)
    service = _service(ctx, service_code)
    form = ctx.catalogue.form(service.form_id)
    now = ctx.clock()
    clean = validate_answers(
        form, answers, today=wib_day(now), villages=ctx.catalogue.villages_of(ctx.outpost)
    )
    request_id = new_id()
    tracking_code = new_tracking_code()
    # Before the transaction: nothing but the rows runs under the writer lock.
    secret = request_status_secret(form, clean, tracking_code)
    stored = json.dumps(clean, ensure_ascii=False, default=str)
    if ctx.cipher is not None:
        stored = ctx.cipher.encrypt(stored, request_id)
    with ctx.uow() as uow:
        ticket = _issue(uow.session, ctx, service, now, tracking_code)
        uow.session.execute(
            _REQUESTS.insert(),
            {
                "id": request_id,
                "service_code": service.code,
                "form_id": form.id,
                "form_version": form.version,
                "answers": stored,
                "language": language,
                "created_at": now,
                "kiosk_id": ctx.kiosk_id,
                "outpost": ctx.outpost,
                "ticket_id": ticket.id,
                "notice_version": notice_version,
                "notice_accepted_at": now,
                "status_secret": secret,
            },
        )
        enqueue(uow.session, request_id, "service_request", now)
        result = _result(uow.session, ctx, ticket, service, request_id)
        uow.commit()
    return result
