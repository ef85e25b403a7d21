"""Request statuses at the kiosk: the pulled ones kept (the status inbox) and the lookup.

``sync.puller`` pulls the outpost's status changes from the server into
:class:`KioskStatusInbox` (the worker after each push, ``kiosk-sync pull``); a resident asks
by tracking code at the kiosk (``lookup``), typed or scanned from the receipt's QR.

Rules kept here (docs/decisions.md, "Pulled statuses and a request not yet pushed"):

* a pulled change replaces what is held only when its version is higher: a page applied
  twice, or the whole feed read again after a cursor reset, changes nothing;
* a page's changes, its cursor and the moment the kiosk heard from the server are written
  in one transaction;
* the server's status never overwrites a request's local state while the request waits to
  be sent: the pulled status is kept aside in ``request_status`` and ``lookup`` shows
  "waiting to be sent" until the outbox entry is confirmed sent; from then on it shows the
  held status, without another pull;
* ``lookup`` answers with the service, the status and what to bring or where to go: never a
  name, a NIK or an answer.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sqlalchemy import func, select

from kiosk.clock import Clock, as_utc, utc_now
from kiosk.store.models import (
    SENT,
    OutboxEntry,
    QueueTicket,
    RequestStatus,
    ServiceRequest,
)
from kiosk.store.state import delete_state, read_state, write_state
from kiosk.store.uow import UnitOfWorkFactory
from kiosk.usecases.context import KioskContext
from sync.protocol import STATUS_WORDS, StatusChangesPage, tracking_key

CURSOR_KEY = "status.cursor"
LAST_HEARD_KEY = "status.last_heard_at"
TRACKING_KEY_LENGTH = 12
_URL_CODE = re.compile(r"/s/([^/?#\s]+)/?(?:[?#].*)?$")
_COLUMNS = (
    "request_id",
    "tracking_code",
    "service_code",
    "status",
    "version",
    "note",
    "missing_documents",
    "pickup_place",
    "pickup_from",
    "changed_at",
    "pulled_at",
)
_UPSERT = (
    f"INSERT INTO request_status ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(_COLUMNS))}) "
    "ON CONFLICT (request_id) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _COLUMNS[1:])
    + " WHERE excluded.version > request_status.version"
)
"""One statement per change, the values already in the store's formats: a week offline is
thousands of changes, and SQLAlchemy's per-row parameter processing cost more than SQLite
writing them. A higher version wins, here too, whatever the caller checked before."""


def _stored_time(moment: datetime) -> str:
    """A time as the store keeps it: naive UTC, SQLAlchemy's SQLite format."""
    return as_utc(moment).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


# -- the inbox --------------------------------------------------------------------------


@dataclass
class KioskStatusInbox:
    """The kiosk's ``request_status`` table behind ``sync.puller.StatusInbox``."""

    uow: UnitOfWorkFactory
    clock: Clock = utc_now

    def cursor(self) -> str | None:
        with self.uow(read_only=True) as uow:
            return read_state(uow.session, CURSOR_KEY)

    def reset(self) -> None:
        with self.uow() as uow:
            delete_state(uow.session, CURSOR_KEY)
            uow.commit()

    def apply(self, page: StatusChangesPage) -> int:
        """Keep the changes newer than the ones held, the page's cursor and the time heard."""
        pulled_at = _stored_time(self.clock())
        with self.uow() as uow:
            connection = uow.session.connection()
            ids = list({change.request_id for change in page.changes})
            held: dict[str, int] = {}
            if ids:
                marks = ",".join("?" * len(ids))
                held = dict(
                    connection.exec_driver_sql(
                        f"SELECT request_id, version FROM request_status "
                        f"WHERE request_id IN ({marks})",
                        tuple(ids),
                    ).all()
                )
            newest: dict[str, tuple] = {}
            applied = 0
            for change in page.changes:
                if change.version <= held.get(change.request_id, 0):
                    continue
                held[change.request_id] = change.version
                applied += 1
                newest[change.request_id] = (
                    change.request_id,
                    change.tracking_code,
                    change.service_code,
                    change.status,
                    change.version,
                    change.note,
                    json.dumps(list(change.missing_documents), ensure_ascii=False),
                    change.pickup_place,
                    None if change.pickup_from is None else change.pickup_from.isoformat(),
                    _stored_time(change.changed_at),
                    pulled_at,
                )
            if newest:
                connection.exec_driver_sql(_UPSERT, list(newest.values()))
            write_state(uow.session, CURSOR_KEY, page.cursor)
            write_state(uow.session, LAST_HEARD_KEY, as_utc(self.clock()).isoformat())
            uow.commit()
        return applied


def last_heard_at(ctx: KioskContext) -> datetime | None:
    """When this kiosk last pulled from the server (None: never)."""
    with ctx.uow(read_only=True) as uow:
        stored = read_state(uow.session, LAST_HEARD_KEY)
    return None if stored is None else as_utc(datetime.fromisoformat(stored))


def statuses_held(ctx: KioskContext) -> int:
    """How many requests this kiosk holds a status for (pulled from the server)."""
    with ctx.uow(read_only=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(RequestStatus)) or 0


# -- the lookup -------------------------------------------------------------------------


class StatusLookupError(Exception):
    """A lookup that has no answer to show; the screen words it."""


class TrackingCodeInvalid(StatusLookupError):
    """What was typed or scanned cannot be a tracking code (not 12 letters and digits)."""


class TrackingCodeUnknown(StatusLookupError):
    """A well-formed code this kiosk has never seen, nor heard of from the server."""


LookupState = Literal["status", "waiting_to_send", "no_news", "queue_only"]


@dataclass(frozen=True)
class StatusView:
    """What the kiosk may show about a request: the service and its status, nothing personal."""

    tracking_code: str
    service_code: str
    service_name: tuple[str, str]
    """(Bahasa Indonesia, English)."""
    state: LookupState
    """``status``: the server's status is known; ``waiting_to_send``: the request has not
    reached the server yet; ``no_news``: it has, but no status was pulled since;
    ``queue_only``: the code is a queue ticket's, with no request behind it."""
    last_heard_at: datetime | None
    status: str | None = None
    """The wire code (``ready`` ...) when ``state`` is ``status``."""
    version: int = 0
    changed_at: datetime | None = None
    note: str | None = None
    missing_documents: tuple[str, ...] = ()
    pickup_place: str | None = None
    pickup_from: date | None = None

    @property
    def status_words(self) -> tuple[str, str] | None:
        """The status in plain words, (Bahasa Indonesia, English)."""
        return STATUS_WORDS.get(self.status) if self.status else None


def tracking_code_from(text: str) -> str:
    """The printed form of a tracking code typed or scanned: the bare code in any case, with
    or without dashes, or the receipt's QR URL ``.../s/<code>``. Raises TrackingCodeInvalid."""
    text = text.strip()
    found = _URL_CODE.search(text)
    if found:
        text = found.group(1)
    key = tracking_key(text)
    if len(key) != TRACKING_KEY_LENGTH or len(text) > 32:
        raise TrackingCodeInvalid(text[:40])
    return f"{key[:4]}-{key[4:8]}-{key[8:]}"


def _service_name(ctx: KioskContext, code: str) -> tuple[str, str]:
    try:
        name = ctx.catalogue.service(code).name
    except KeyError:
        return code, code
    return str(name.id), str(name.en)


def lookup(ctx: KioskContext, text: str) -> StatusView:
    """The status of the request with this tracking code, as this kiosk knows it.

    Raises TrackingCodeInvalid (not a code) or TrackingCodeUnknown (no such request here,
    and none the server told of).
    """
    code = tracking_code_from(text)
    with ctx.uow(read_only=True) as uow:
        session = uow.session
        heard = read_state(session, LAST_HEARD_KEY)
        heard_at = None if heard is None else as_utc(datetime.fromisoformat(heard))
        ticket = session.scalars(
            select(QueueTicket).where(QueueTicket.tracking_code == code)
        ).first()
        request_id: str | None = None
        if ticket is not None:
            request_id = session.scalar(
                select(ServiceRequest.id).where(ServiceRequest.ticket_id == ticket.id)
            )
            if request_id is None:
                return StatusView(
                    code,
                    ticket.service_code,
                    _service_name(ctx, ticket.service_code),
                    "queue_only",
                    heard_at,
                )
        held = session.scalars(
            select(RequestStatus).where(
                RequestStatus.request_id == request_id
                if request_id is not None
                else RequestStatus.tracking_code == code
            )
        ).first()
        if request_id is not None:
            outbox_state = session.scalar(
                select(OutboxEntry.state).where(OutboxEntry.record_id == request_id)
            )
            if outbox_state != SENT:  # the server's word waits until the push is confirmed
                service = ticket.service_code if ticket is not None else ""
                return StatusView(
                    code, service, _service_name(ctx, service), "waiting_to_send", heard_at
                )
        if held is None:
            if ticket is None:
                raise TrackingCodeUnknown(code)
            return StatusView(
                code,
                ticket.service_code,
                _service_name(ctx, ticket.service_code),
                "no_news",
                heard_at,
            )
        return StatusView(
            code,
            held.service_code,
            _service_name(ctx, held.service_code),
            "status",
            heard_at,
            status=held.status,
            version=held.version,
            changed_at=as_utc(held.changed_at),
            note=held.note,
            missing_documents=tuple(str(d) for d in held.missing_documents or ()),
            pickup_place=held.pickup_place,
            pickup_from=held.pickup_from,
        )
