"""The kiosk's tables as SQLAlchemy 2 typed models. Schema changes only through Alembic."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

TICKET_STATUSES = ("waiting", "called", "served", "no_show", "void")
PENDING, SENT, DEAD = "pending", "sent", "dead"
"""The outbox states: waiting to be sent, acknowledged by the server, the dead letter."""
OUTBOX_STATES = (PENDING, SENT, DEAD)
RECORD_KINDS = ("service_request", "ticket_event", "audit")
ROLES = ("operator", "admin")


class Base(DeclarativeBase):
    pass


class QueueSequence(Base):
    """The last number issued per service letter and WIB day; bumped in the issuing txn."""

    __tablename__ = "queue_sequences"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    letter: Mapped[str] = mapped_column(String(1), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False)


class QueueTicket(Base):
    __tablename__ = "queue_tickets"
    __table_args__ = (
        UniqueConstraint("day", "kiosk_id", "letter", "sequence", name="uq_ticket_number"),
        CheckConstraint(
            "status IN ('waiting','called','served','no_show','void')", name="ck_ticket_status"
        ),
        Index("ix_ticket_day_status", "day", "status", "service_code"),
        Index("ix_ticket_day_service_status_seq", "day", "service_code", "status", "sequence"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    number: Mapped[str] = mapped_column(String(16), nullable=False)
    letter: Mapped[str] = mapped_column(String(1), nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    service_code: Mapped[str] = mapped_column(String(64), nullable=False)
    counter: Mapped[str] = mapped_column(String(16), nullable=False)
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    outpost: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="waiting")
    tracking_code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    called_at: Mapped[datetime | None] = mapped_column(DateTime)
    served_at: Mapped[datetime | None] = mapped_column(DateTime)
    """When the resident's service ended (served, no-show or void)."""
    recall_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    print_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    request: Mapped[ServiceRequest | None] = relationship(back_populates="ticket")


class ServiceRequest(Base):
    __tablename__ = "service_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    service_code: Mapped[str] = mapped_column(String(64), nullable=False)
    form_id: Mapped[str] = mapped_column(String(64), nullable=False)
    form_version: Mapped[int] = mapped_column(Integer, nullable=False)
    answers: Mapped[str | None] = mapped_column(Text)
    """The resident's answers as JSON; NULL once purged after the retention period."""
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    outpost: Mapped[str] = mapped_column(String(32), nullable=False)
    ticket_id: Mapped[str] = mapped_column(
        ForeignKey("queue_tickets.id"), nullable=False, unique=True
    )
    notice_version: Mapped[str | None] = mapped_column(String(32))
    notice_accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime)
    status_secret: Mapped[str | None] = mapped_column(String(64))
    """The public status page's second factor (``sync.protocol.status_secret`` of the NIK's
    last 4 digits), made at submit time: the answers are sealed afterwards. ``""`` when the
    form asks no NIK; NULL for requests stored before statuses existed, whose records are
    sent as they always were."""

    ticket: Mapped[QueueTicket] = relationship(back_populates="request")


class TicketEvent(Base):
    """Something that happened to a ticket; each event is a record synced to the server."""

    __tablename__ = "ticket_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("queue_tickets.id"), nullable=False)
    event: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    counter: Mapped[str | None] = mapped_column(String(16))
    operator_id: Mapped[str | None] = mapped_column(String(36))


class OutboxEntry(Base):
    """A record waiting to reach the server; written in the same transaction as the record."""

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("state IN ('pending','sent','dead')", name="ck_outbox_state"),
        Index("ix_outbox_state_seq", "state", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)


class OperatorAccount(Base):
    __tablename__ = "operator_accounts"
    __table_args__ = (CheckConstraint("role IN ('operator','admin')", name="ck_operator_role"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    pin_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(36))
    action: Mapped[str] = mapped_column(String(48), nullable=False)
    detail: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)


class KioskState(Base):
    """Small named values the kiosk keeps across restarts (PIN lockout, last sync ...)."""

    __tablename__ = "kiosk_state"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class CallLog(Base):
    """Every call and recall, numbered: the outpost's call stream (docs/lan-api.md).

    ``seq`` is an SQLite AUTOINCREMENT key, so a number is never handed out twice, not even
    after the newest rows were deleted: a page that remembers ``seq`` 41 can ask for what
    came after it across kiosk restarts. Written in the transaction of the call itself.
    """

    __tablename__ = "call_log"
    __table_args__ = (
        CheckConstraint("kind IN ('call','recall')", name="ck_call_kind"),
        Index("ix_call_log_ticket", "ticket_id"),
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(36), nullable=False, unique=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("queue_tickets.id"), nullable=False)
    number: Mapped[str] = mapped_column(String(16), nullable=False)
    counter: Mapped[str] = mapped_column(String(16), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    operator_id: Mapped[str | None] = mapped_column(String(36))
    device: Mapped[str | None] = mapped_column(String(64))
    """The LAN device that made the call; NULL for the kiosk's own console."""


class LanAction(Base):
    """An action of a LAN page, by the id the page made for the button press: a retry of the
    same press gets ``answer`` again and changes nothing. Marked in the action's own
    transaction; kept a few days (``kiosk.usecases.calls.prune_lan_actions``)."""

    __tablename__ = "lan_actions"

    action_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    operator_id: Mapped[str | None] = mapped_column(String(36))
    answer: Mapped[dict | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)


class RequestStatus(Base):
    """A request's status as the server last told it (``kiosk-sync pull``, the worker).

    Keyed by the request's id; a pulled change replaces the row only when its version is
    higher, so a replayed page changes nothing. No personal data: the service, the status
    and what the resident must bring or where to go.
    """

    __tablename__ = "request_status"

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    service_code: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    missing_documents: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    pickup_place: Mapped[str | None] = mapped_column(Text)
    pickup_from: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    pulled_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
