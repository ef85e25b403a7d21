"""The operator's queue: call next, recall, served, no-show (and its undo), void, reprint;
today's queue."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc
from kiosk.store.models import QueueTicket
from kiosk.usecases.calls import log_call
from kiosk.usecases.context import KioskContext
from kiosk.usecases.errors import AlreadyCalled, InvalidTransition, TicketNotFound
from kiosk.usecases.queue_day import current_queue_day
from kiosk.usecases.recording import add_audit, add_ticket_event
from kiosk.usecases.waiting import mean_service_minutes, people_ahead_and_wait, span_minutes

TicketAction = Literal["recall", "served", "no_show", "void", "undo_no_show"]

_ALLOWED_FROM: dict[TicketAction, frozenset[str]] = {
    "recall": frozenset({"called"}),
    "served": frozenset({"called"}),
    "no_show": frozenset({"called"}),
    "void": frozenset({"waiting", "called"}),
    "undo_no_show": frozenset({"no_show"}),
}

NO_SHOW_UNDO_S = 5
"""How long the console offers to undo a no-show, a tap made by mistake."""


def action_allowed(action: TicketAction, status: str | None) -> bool:
    """Whether an operator may do this to a ticket in this status (None: no ticket).

    The use cases refuse anything else with InvalidTransition; the console asks the same
    to enable its buttons. A reprint is allowed in every status.
    """
    return status in _ALLOWED_FROM[action]


@dataclass(frozen=True)
class TicketView:
    ticket_id: str
    number: str
    service_code: str
    counter: str
    status: str
    issued_at: datetime
    called_at: datetime | None
    served_at: datetime | None
    tracking_code: str
    recall_count: int
    print_count: int
    has_request: bool
    call_seq: int | None = None
    """The call stream's number of the call or recall that returned this view."""


@dataclass(frozen=True)
class ServiceQueue:
    service_code: str
    counter: str
    waiting: list[TicketView]
    called: list[TicketView]
    done: int
    estimated_wait_minutes: int
    """Wait for a ticket issued now, behind everyone waiting."""


@dataclass(frozen=True)
class TodayQueue:
    day: date
    services: dict[str, ServiceQueue]

    @property
    def waiting_total(self) -> int:
        return sum(len(q.waiting) for q in self.services.values())


def _view(t: QueueTicket, has_request: bool = False) -> TicketView:
    return TicketView(
        ticket_id=t.id,
        number=t.number,
        service_code=t.service_code,
        counter=t.counter,
        status=t.status,
        issued_at=as_utc(t.issued_at),
        called_at=as_utc(t.called_at) if t.called_at else None,
        served_at=as_utc(t.served_at) if t.served_at else None,
        tracking_code=t.tracking_code,
        recall_count=t.recall_count,
        print_count=t.print_count,
        has_request=has_request,
    )


ticket_view = _view
"""A ticket row as the screens and pages see it (for the other use case modules)."""


def _by(device: str | None) -> dict[str, str]:
    """The audit's note of the LAN device an action came from (none for the kiosk itself)."""
    return {"device": device} if device else {}


def _load(session: Session, ticket_id: str) -> QueueTicket:
    ticket = session.get(QueueTicket, ticket_id)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    return ticket


def _transition(
    ctx: KioskContext,
    ticket_id: str,
    action: Literal["served", "no_show", "void"],
    operator_id: str | None,
    device: str | None = None,
) -> TicketView:
    """Close a ticket: the action names its new status and its event alike."""
    now = ctx.clock()
    with ctx.uow() as uow:
        ticket = _load(uow.session, ticket_id)
        if not action_allowed(action, ticket.status):
            raise InvalidTransition(ticket.number, ticket.status, action)
        ticket.status = action
        ticket.served_at = now
        add_ticket_event(uow.session, ticket, action, now, operator_id)
        add_audit(
            uow.session, f"ticket_{action}", now, operator_id, number=ticket.number, **_by(device)
        )
        view = _view(ticket, ticket.request is not None)
        uow.commit()
    return view


def call_next(
    ctx: KioskContext,
    *,
    counter: str | None = None,
    service_code: str | None = None,
    operator_id: str | None = None,
    allow_second: bool = False,
    device: str | None = None,
) -> TicketView | None:
    """Call the oldest waiting ticket of a counter or a service; None when nobody waits.

    Runs in one write transaction, so two operators pressing at once call two people. A
    counter calls one resident at a time: while it has a called ticket, this raises
    AlreadyCalled (with that ticket) unless ``allow_second``. The call goes into the call
    stream (``call_log``) in the same transaction.
    """
    now = ctx.clock()
    with ctx.uow() as uow:
        day = current_queue_day(uow.session, now, ctx.monotonic)
        query = select(QueueTicket).where(QueueTicket.day == day, QueueTicket.status == "waiting")
        if counter is not None:
            query = query.where(QueueTicket.counter == counter)
        if service_code is not None:
            query = query.where(QueueTicket.service_code == service_code)
        ticket = uow.session.scalars(
            query.order_by(QueueTicket.issued_at, QueueTicket.sequence).limit(1)
        ).first()
        if ticket is None:
            return None
        at_counter = counter if counter is not None else ticket.counter
        if not allow_second:
            still = uow.session.scalars(
                select(QueueTicket)
                .where(
                    QueueTicket.day == day,
                    QueueTicket.status == "called",
                    QueueTicket.counter == at_counter,
                )
                .order_by(QueueTicket.called_at.desc())
                .limit(1)
            ).first()
            if still is not None:
                raise AlreadyCalled(_view(still, still.request is not None))
        ticket.status = "called"
        ticket.called_at = now
        ticket.counter = at_counter
        add_ticket_event(uow.session, ticket, "called", now, operator_id)
        add_audit(
            uow.session, "ticket_called", now, operator_id, number=ticket.number, **_by(device)
        )
        seq = log_call(uow.session, ticket, "call", now, operator_id, device)
        view = _view(ticket, ticket.request is not None)
        uow.commit()
    return replace(view, call_seq=seq)


def recall(
    ctx: KioskContext, ticket_id: str, operator_id: str | None = None, device: str | None = None
) -> TicketView:
    """Call a called ticket again; a new entry in the call stream."""
    now = ctx.clock()
    with ctx.uow() as uow:
        ticket = _load(uow.session, ticket_id)
        if not action_allowed("recall", ticket.status):
            raise InvalidTransition(ticket.number, ticket.status, "recall")
        ticket.recall_count += 1
        add_ticket_event(uow.session, ticket, "recalled", now, operator_id)
        add_audit(
            uow.session, "ticket_recalled", now, operator_id, number=ticket.number, **_by(device)
        )
        seq = log_call(uow.session, ticket, "recall", now, operator_id, device)
        view = _view(ticket, ticket.request is not None)
        uow.commit()
    return replace(view, call_seq=seq)


def mark_served(
    ctx: KioskContext, ticket_id: str, operator_id: str | None = None, device: str | None = None
) -> TicketView:
    return _transition(ctx, ticket_id, "served", operator_id, device)


def mark_no_show(
    ctx: KioskContext, ticket_id: str, operator_id: str | None = None, device: str | None = None
) -> TicketView:
    return _transition(ctx, ticket_id, "no_show", operator_id, device)


def undo_no_show(
    ctx: KioskContext, ticket_id: str, operator_id: str | None = None, device: str | None = None
) -> TicketView:
    """Take back a no-show tapped by mistake: the ticket is called again, as it was.

    Audited and synced as its own event (``no_show_undone``), so the server and the day's
    report see the ticket called, not closed. The console offers it for
    ``NO_SHOW_UNDO_S`` seconds after the tap.
    """
    now = ctx.clock()
    with ctx.uow() as uow:
        ticket = _load(uow.session, ticket_id)
        if not action_allowed("undo_no_show", ticket.status):
            raise InvalidTransition(ticket.number, ticket.status, "undo_no_show")
        ticket.status = "called"
        ticket.served_at = None
        add_ticket_event(uow.session, ticket, "no_show_undone", now, operator_id)
        add_audit(
            uow.session,
            "ticket_no_show_undone",
            now,
            operator_id,
            number=ticket.number,
            **_by(device),
        )
        view = _view(ticket, ticket.request is not None)
        uow.commit()
    return view


def void_ticket(
    ctx: KioskContext, ticket_id: str, operator_id: str | None = None, device: str | None = None
) -> TicketView:
    """Cancel a ticket issued by mistake; the request behind it stays stored and synced."""
    return _transition(ctx, ticket_id, "void", operator_id, device)


def reprint(
    ctx: KioskContext, ticket_id: str, operator_id: str | None = None, device: str | None = None
) -> TicketView:
    """Count a reprint of the same number; the caller prints what this returns."""
    now = ctx.clock()
    with ctx.uow() as uow:
        ticket = _load(uow.session, ticket_id)
        ticket.print_count += 1
        add_audit(
            uow.session, "ticket_reprinted", now, operator_id, number=ticket.number, **_by(device)
        )
        view = _view(ticket, ticket.request is not None)
        uow.commit()
    return view


def record_printed(ctx: KioskContext, ticket_id: str) -> None:
    """The first print of a ticket succeeded."""
    with ctx.uow() as uow:
        ticket = _load(uow.session, ticket_id)
        ticket.print_count += 1
        uow.commit()


def find_ticket(ctx: KioskContext, ticket_id: str) -> TicketView:
    with ctx.uow(read_only=True) as uow:
        ticket = _load(uow.session, ticket_id)
        return _view(ticket, ticket.request is not None)


def _estimate(ctx: KioskContext, service_code: str) -> int:
    """The catalogue's minutes per resident; a service since removed from it counts 10."""
    try:
        return ctx.catalogue.service(service_code).estimated_minutes
    except KeyError:
        return 10


def people_ahead(ctx: KioskContext, ticket_id: str) -> tuple[int, int]:
    """People ahead of a waiting ticket and their wait in minutes; (0, 0) once it is called.

    The same rule as at issue time, so a reprint tells what the first print would now.
    """
    with ctx.uow(read_only=True) as uow:
        ticket = _load(uow.session, ticket_id)
        if ticket.status != "waiting":
            return 0, 0
        return people_ahead_and_wait(uow.session, ticket, _estimate(ctx, ticket.service_code))


def today_queue(ctx: KioskContext) -> TodayQueue:
    """Everyone waiting and being served today, per service, with the wait for a newcomer."""
    with ctx.uow(read_only=True) as uow:
        day = current_queue_day(uow.session, ctx.clock(), ctx.monotonic)
        tickets = uow.session.scalars(
            select(QueueTicket)
            .where(QueueTicket.day == day)
            .order_by(QueueTicket.issued_at, QueueTicket.sequence)
        ).all()
        grouped: dict[str, list[QueueTicket]] = {}
        for t in tickets:
            grouped.setdefault(t.service_code, []).append(t)
        services = {}
        for code, rows in grouped.items():
            waiting = [_view(t) for t in rows if t.status == "waiting"]
            per_person = mean_service_minutes(uow.session, day, code, _estimate(ctx, code))
            services[code] = ServiceQueue(
                service_code=code,
                counter=rows[-1].counter,
                waiting=waiting,
                called=[_view(t) for t in rows if t.status == "called"],
                done=sum(t.status in ("served", "no_show", "void") for t in rows),
                estimated_wait_minutes=round(len(waiting) * per_person),
            )
    return TodayQueue(day=day, services=services)


@dataclass(frozen=True)
class ServiceSummary:
    service_code: str
    issued: int
    served: int
    no_show: int
    void: int
    waiting: int
    mean_wait_min: float | None
    p90_wait_min: float | None
    mean_service_min: float | None
    p90_service_min: float | None


@dataclass(frozen=True)
class DaySummary:
    day: date
    services: list[ServiceSummary]

    @property
    def total_issued(self) -> int:
        return sum(s.issued for s in self.services)

    @property
    def total_served(self) -> int:
        return sum(s.served for s in self.services)


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[8]


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def day_summary(ctx: KioskContext, day: date | None = None) -> DaySummary:
    """Counts per service and the wait (issued→called) and service (called→done) times."""
    with ctx.uow(read_only=True) as uow:
        day = day or current_queue_day(uow.session, ctx.clock(), ctx.monotonic)
        tickets = uow.session.scalars(select(QueueTicket).where(QueueTicket.day == day)).all()
        by_service: dict[str, list[QueueTicket]] = {}
        for t in tickets:
            by_service.setdefault(t.service_code, []).append(t)
        rows = []
        for code in sorted(by_service):
            group = by_service[code]
            waits = [
                m
                for t in group
                if t.called_at and (m := span_minutes(t.issued_at, t.called_at)) is not None
            ]
            services = [
                m
                for t in group
                if t.status == "served"
                and t.called_at
                and t.served_at
                and (m := span_minutes(t.called_at, t.served_at)) is not None
            ]
            rows.append(
                ServiceSummary(
                    service_code=code,
                    issued=len(group),
                    served=sum(t.status == "served" for t in group),
                    no_show=sum(t.status == "no_show" for t in group),
                    void=sum(t.status == "void" for t in group),
                    waiting=sum(t.status in ("waiting", "called") for t in group),
                    mean_wait_min=_mean(waits),
                    p90_wait_min=_p90(waits),
                    mean_service_min=_mean(services),
                    p90_service_min=_p90(services),
                )
            )
    return DaySummary(day=day, services=rows)
