"""The outpost LAN's use cases: the call stream, the hall's board, a counter's list, the
idempotent actions of the LAN pages and their operators' sessions (docs/lan-api.md).

The call stream is the ``call_log`` table: ``queue.call_next`` and ``queue.recall`` append
to it in their own transaction, so every call the touchscreen's console or a LAN page makes
has a ``seq`` that is never reused, and any process that reads the store (the LAN service,
the touchscreen's call-out) sees the same calls in the same order.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.clock import as_utc
from kiosk.store.models import CallLog, LanAction, OperatorAccount, QueueTicket
from kiosk.store.state import delete_state, read_state, write_state
from kiosk.store.uow import UnitOfWork, UnitOfWorkFactory
from kiosk.usecases.context import KioskContext
from kiosk.usecases.errors import ActionPending, BadRequest
from kiosk.usecases.operators import Operator, unlock_console
from kiosk.usecases.queue_day import current_queue_day
from kiosk.usecases.recording import add_audit, new_id

_CALLS = CallLog.__table__
_ACTIONS = LanAction.__table__
BOARD_EVENTS = frozenset({"called", "served", "no_show", "void", "no_show_undone"})
"""Ticket events that change what the hall's board shows."""


# --- the call stream --------------------------------------------------------------------


@dataclass(frozen=True)
class CallRecord:
    seq: int
    call_id: str
    ticket_id: str
    number: str
    counter: str
    kind: str
    """``call`` or ``recall``."""
    at: datetime
    device: str | None
    """The LAN device that made it; None for the kiosk's own console."""


@dataclass(frozen=True)
class BoardEntry:
    counter: str
    number: str | None
    seq: int | None


def log_call(
    session: Session,
    ticket: QueueTicket,
    kind: str,
    now: datetime,
    operator_id: str | None = None,
    device: str | None = None,
) -> int:
    """Append a call to the stream in the caller's transaction; returns its ``seq``."""
    result = session.execute(
        _CALLS.insert().values(
            call_id=new_id(),
            ticket_id=ticket.id,
            number=ticket.number,
            counter=ticket.counter,
            kind=kind,
            at=now,
            operator_id=operator_id,
            device=device,
        )
    )
    return int(result.inserted_primary_key[0])


def _record(row: Any) -> CallRecord:
    return CallRecord(
        seq=row.seq,
        call_id=row.call_id,
        ticket_id=row.ticket_id,
        number=row.number,
        counter=row.counter,
        kind=row.kind,
        at=as_utc(row.at),
        device=row.device,
    )


_AFTER = (
    select(_CALLS)
    .where(_CALLS.c.seq > bindparam("after"))
    .order_by(_CALLS.c.seq)
    .limit(bindparam("limit"))
)
_LAST_SEQ = text("SELECT seq FROM sqlite_sequence WHERE name = 'call_log'")


def calls_after(ctx: KioskContext, seq: int, limit: int = 100) -> list[CallRecord]:
    """The calls numbered after ``seq``, oldest first, at most ``limit`` of them."""
    with ctx.uow(read_only=True) as uow:
        rows = uow.session.execute(_AFTER, {"after": seq, "limit": max(1, limit)}).all()
        return [_record(r) for r in rows]


def _last_seq(session: Session) -> int:
    """The highest ``seq`` ever given (kept by SQLite even when the newest rows are gone)."""
    return int(session.execute(_LAST_SEQ).scalar_one_or_none() or 0)


def last_call_seq(ctx: KioskContext) -> int:
    with ctx.uow(read_only=True) as uow:
        return _last_seq(uow.session)


def _board(session: Session, ctx: KioskContext) -> list[BoardEntry]:
    day = current_queue_day(session, ctx.clock(), ctx.monotonic)
    rows = session.execute(
        select(_CALLS.c.counter, _CALLS.c.number, _CALLS.c.seq)
        .join(QueueTicket, QueueTicket.id == _CALLS.c.ticket_id)
        .where(
            QueueTicket.day == day,
            QueueTicket.status == "called",
            QueueTicket.counter == _CALLS.c.counter,
        )
        .order_by(_CALLS.c.seq)
    ).all()
    current: dict[str, BoardEntry] = {}
    for counter, number, seq in rows:  # oldest first: the newest call of a counter wins
        current[counter] = BoardEntry(counter, number, seq)
    counters = list(ctx.catalogue.counters())
    counters += sorted(c for c in current if c not in counters)
    return [current.get(c, BoardEntry(c, None, None)) for c in counters]


def board(ctx: KioskContext) -> list[BoardEntry]:
    """The number each counter is calling now (today, still called), every counter listed:
    None where it calls nobody."""
    with ctx.uow(read_only=True) as uow:
        return _board(uow.session, ctx)


@dataclass(frozen=True)
class StreamSnapshot:
    """What a page gets first on connecting: the stream's end and the board."""

    last_seq: int
    board: list[BoardEntry]
    events_mark: int


def _events_mark(session: Session) -> int:
    return int(session.execute(text("SELECT max(rowid) FROM ticket_events")).scalar() or 0)


def stream_snapshot(ctx: KioskContext) -> StreamSnapshot:
    with ctx.uow(read_only=True) as uow:
        return StreamSnapshot(
            _last_seq(uow.session), _board(uow.session, ctx), _events_mark(uow.session)
        )


@dataclass(frozen=True)
class StreamChanges:
    """What changed since the last look (``stream_changes``)."""

    calls: list[CallRecord]
    events_mark: int
    counters: frozenset[str]
    """Counters whose list changed (a ticket issued, called, closed ...)."""
    board: list[BoardEntry] | None
    """The new board when a change may have moved it; None otherwise."""


def stream_changes(
    ctx: KioskContext, after_seq: int, events_mark: int, limit: int = 200
) -> StreamChanges:
    """Calls after ``after_seq`` and the ticket events after ``events_mark``, in one read.

    Both marks are O(1) to compare (the call log's key, the events' rowid), so a LAN service
    can look every 100 ms while pages are connected without loading the store.
    """
    with ctx.uow(read_only=True) as uow:
        session = uow.session
        calls: list[CallRecord] = []
        if _last_seq(session) > after_seq:
            rows = session.execute(_AFTER, {"after": after_seq, "limit": limit}).all()
            calls = [_record(r) for r in rows]
        mark = _events_mark(session)
        counters: set[str] = set()
        moved = False
        if mark != events_mark:
            rows = session.execute(
                text(
                    "SELECT event, counter FROM ticket_events WHERE rowid > :mark AND rowid <= :now"
                ),
                {"mark": events_mark if mark > events_mark else 0, "now": mark},
            ).all()
            for event, counter in rows:
                if counter is not None:
                    counters.add(counter)
                moved = moved or event in BOARD_EVENTS
        new_board = _board(session, ctx) if moved or calls else None
        return StreamChanges(calls, mark, frozenset(counters), new_board)


# --- a counter's list ---------------------------------------------------------------------


@dataclass(frozen=True)
class CounterQueue:
    counter: str
    waiting: list[Any]
    """``TicketView``s in calling order."""
    called: Any | None
    """The ticket the counter called last and still serves."""
    recent: list[Any]
    """Other tickets still called at the counter, then today's closed ones, newest first."""


RECENT_LIMIT = 10


def counter_queue(ctx: KioskContext, counter: str) -> CounterQueue:
    """Today's list of one counter, as its console shows it."""
    from kiosk.usecases.queue import ticket_view

    with ctx.uow(read_only=True) as uow:
        day = current_queue_day(uow.session, ctx.clock(), ctx.monotonic)
        tickets = uow.session.scalars(
            select(QueueTicket)
            .where(QueueTicket.day == day, QueueTicket.counter == counter)
            .order_by(QueueTicket.issued_at, QueueTicket.sequence)
        ).all()
        with_request = set(
            uow.session.scalars(
                text(
                    "SELECT ticket_id FROM service_requests WHERE ticket_id IN "
                    "(SELECT id FROM queue_tickets WHERE day = :day AND counter = :counter)"
                ),
                {"day": day.isoformat(), "counter": counter},
            ).all()
        )
        views = [ticket_view(t, t.id in with_request) for t in tickets]
    waiting = [t for t in views if t.status == "waiting"]
    called = sorted(
        (t for t in views if t.status == "called"),
        key=lambda t: t.called_at or t.issued_at,
        reverse=True,
    )
    closed = sorted(
        (t for t in views if t.status in ("served", "no_show", "void")),
        key=lambda t: t.served_at or t.issued_at,
        reverse=True,
    )
    return CounterQueue(
        counter=counter,
        waiting=waiting,
        called=called[0] if called else None,
        recent=called[1:] + closed[:RECENT_LIMIT],
    )


# --- idempotent actions ---------------------------------------------------------------------

_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
ACTIONS_KEPT = timedelta(days=2)
"""How long an action's answer is kept: a page retries a press for seconds, not days."""


class _ActionRepeated(Exception):
    """Another request with the same action id was committed first."""


class _MarkingUow:
    """A unit of work that marks the action done in the transaction of its first commit, so
    the change and the mark are stored together or not at all."""

    def __init__(self, inner: UnitOfWork, mark: Callable[[Session], None]) -> None:
        self._inner = inner
        self._mark = mark

    def __enter__(self) -> Self:
        self._inner.__enter__()
        self.session = self._inner.session
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        self._mark(self.session)
        self._inner.commit()


def _marking_factory(
    factory: UnitOfWorkFactory, action_id: str, operator_id: str | None, now: datetime
) -> UnitOfWorkFactory:
    marked = [False]

    def mark(session: Session) -> None:
        if marked[0]:
            return
        try:  # on a repeat the whole transaction rolls back: the work is not done twice
            session.execute(
                _ACTIONS.insert().values(
                    action_id=action_id, operator_id=operator_id, answer=None, at=now
                )
            )
        except IntegrityError:
            raise _ActionRepeated(action_id) from None
        marked[0] = True

    def make(*, read_only: bool = False) -> UnitOfWork:
        inner = factory(read_only=read_only)
        return inner if read_only else _MarkingUow(inner, mark)

    return make


def check_lan_id(value: object, what: str) -> str:
    """An action or device id as a page makes it: 8 to 64 letters, digits, ``-_.:``."""
    if not isinstance(value, str) or not _ID.match(value):
        raise BadRequest(f"{what} must be 8 to 64 letters, digits or -_.:")
    return value


def _stored(ctx: KioskContext, action_id: str) -> tuple[bool, dict | None]:
    with ctx.uow(read_only=True) as uow:
        row = uow.session.execute(
            select(_ACTIONS.c.answer).where(_ACTIONS.c.action_id == action_id)
        ).first()
    return (row is not None, row[0] if row is not None else None)


def run_once(
    ctx: KioskContext,
    action_id: str,
    operator_id: str | None,
    work: Callable[[KioskContext], dict],
) -> dict:
    """Do ``work`` once per ``action_id``; a repeat gets the first answer, nothing done again.

    ``work`` gets a context whose write transactions also mark the action, so the change
    and the mark commit together: a retry after a dropped connection (or two retries at
    once, from any process) finds the mark and does nothing. ``work`` returns the answer (a
    JSON-able dict), kept for the repeats. A use-case error is raised and not kept: nothing
    was changed, so trying again asks afresh.
    """
    check_lan_id(action_id, "action_id")
    found, answer = _stored(ctx, action_id)
    if found:
        if answer is None:
            raise ActionPending(action_id)
        return answer
    now = ctx.clock()
    marked = replace(ctx, uow=_marking_factory(ctx.uow, action_id, operator_id, now))
    try:
        answer = work(marked)
    except _ActionRepeated:
        found, answer = _stored(ctx, action_id)
        if answer is None:
            raise ActionPending(action_id) from None
        return answer
    with ctx.uow() as uow:
        uow.session.execute(
            text(
                "INSERT INTO lan_actions (action_id, operator_id, answer, at) "
                "VALUES (:id, :operator, :answer, :at) "
                "ON CONFLICT (action_id) DO UPDATE SET answer = excluded.answer"
            ),
            {"id": action_id, "operator": operator_id, "answer": json.dumps(answer), "at": now},
        )
        uow.commit()
    return answer


def prune_lan_actions(ctx: KioskContext, kept: timedelta = ACTIONS_KEPT) -> int:
    """Forget the answers of actions older than ``kept``; returns how many."""
    with ctx.uow() as uow:
        gone = uow.session.execute(
            delete(LanAction).where(LanAction.at < ctx.clock() - kept)
        ).rowcount
        uow.commit()
    return int(gone or 0)


# --- operators' sessions on the LAN ---------------------------------------------------------

SESSION_HOURS = 12
_SESSION_PREFIX = "lan_session:"


@dataclass(frozen=True)
class LanSession:
    operator: Operator
    device: str
    csrf: str
    token: str = ""
    """Only when just opened: the cookie's value (the store keeps its hash)."""


def _session_key(token: str) -> str:
    return _SESSION_PREFIX + hashlib.sha256(token.encode()).hexdigest()[:48]


def open_lan_session(ctx: KioskContext, pin: str, device: str) -> LanSession:
    """Sign an operator in from a LAN page: the console's PIN check and its escalating
    lockout (``unlock_console``), then a session of ``SESSION_HOURS`` that also ends with the
    queue day. Raises PinRejected or ConsoleLocked as the console's PIN page does."""
    check_lan_id(device, "device")
    operator = unlock_console(ctx, pin)
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    now = ctx.clock()
    with ctx.uow() as uow:
        day = current_queue_day(uow.session, now, ctx.monotonic)
        for key, value in uow.session.execute(
            text("SELECT key, value FROM kiosk_state WHERE key LIKE 'lan_session:%'")
        ).all():
            if _expired(json.loads(value), now, day.isoformat()):
                delete_state(uow.session, key)
        record = {
            "operator": operator.id,
            "device": device,
            "csrf": csrf,
            "until": (now + timedelta(hours=SESSION_HOURS)).isoformat(),
            "day": day.isoformat(),
        }
        write_state(uow.session, _session_key(token), json.dumps(record))
        add_audit(uow.session, "lan_signed_in", now, operator.id, device=device)
        uow.commit()
    return LanSession(operator, device, csrf, token)


def _expired(record: dict, now: datetime, day: str) -> bool:
    return as_utc(datetime.fromisoformat(record["until"])) <= now or record["day"] != day


def lan_session(ctx: KioskContext, token: str) -> LanSession | None:
    """The session of a cookie, or None: unknown, past its hours, from an earlier queue day,
    or its operator's account disabled since."""
    if not token:
        return None
    now = ctx.clock()
    with ctx.uow(read_only=True) as uow:
        value = read_state(uow.session, _session_key(token))
        if value is None:
            return None
        record = json.loads(value)
        day = current_queue_day(uow.session, now, ctx.monotonic)
        if _expired(record, now, day.isoformat()):
            return None
        account = uow.session.get(OperatorAccount, record["operator"])
        if account is None or not account.active:
            return None
        operator = Operator(account.id, account.name, account.role)
    return LanSession(operator, record["device"], record["csrf"])


def close_lan_session(ctx: KioskContext, token: str) -> None:
    """Sign out: the cookie opens nothing from now on."""
    now = ctx.clock()
    with ctx.uow() as uow:
        value = read_state(uow.session, _session_key(token))
        if value is not None:
            record = json.loads(value)
            delete_state(uow.session, _session_key(token))
            add_audit(
                uow.session, "lan_signed_out", now, record["operator"], device=record["device"]
            )
        uow.commit()


__all__ = [
    "BoardEntry",
    "CallRecord",
    "CounterQueue",
    "LanSession",
    "StreamChanges",
    "StreamSnapshot",
    "board",
    "calls_after",
    "check_lan_id",
    "close_lan_session",
    "counter_queue",
    "issue_walk_in",
    "last_call_seq",
    "latest_calls",
    "server_id",
    "lan_session",
    "log_call",
    "open_lan_session",
    "prune_lan_actions",
    "run_once",
    "stream_changes",
    "stream_snapshot",
]


def issue_walk_in(
    ctx: KioskContext, service_code: str, operator_id: str | None, device: str | None
) -> Any:
    """A walk-in ticket from an operator's page (an ``IssuedTicket``), audited with the
    operator and the device."""
    from kiosk.usecases.tickets import issue_ticket

    issued = issue_ticket(ctx, service_code)
    with ctx.uow() as uow:
        add_audit(
            uow.session,
            "walk_in_issued",
            ctx.clock(),
            operator_id,
            number=issued.number,
            **({"device": device} if device else {}),
        )
        uow.commit()
    return issued


SERVER_ID_KEY = "lan_server_id"


def server_id(ctx: KioskContext) -> str:
    """This store's random id, made once: a page that sees it change (the kiosk's store was
    replaced) forgets the ``seq`` it remembered."""
    with ctx.uow(read_only=True) as uow:
        found = read_state(uow.session, SERVER_ID_KEY)
    if found is not None:
        return found
    with ctx.uow() as uow:
        found = read_state(uow.session, SERVER_ID_KEY)
        if found is None:
            found = secrets.token_hex(8)
            write_state(uow.session, SERVER_ID_KEY, found)
            uow.commit()
    return found


def latest_calls(ctx: KioskContext, limit: int = 100) -> list[CallRecord]:
    """The newest ``limit`` calls, oldest first (a page with no ``seq`` of its own)."""
    with ctx.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(_CALLS).order_by(_CALLS.c.seq.desc()).limit(max(1, limit))
        ).all()
        return [_record(r) for r in reversed(rows)]
