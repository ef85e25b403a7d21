"""The reference server's tables: its own Base; the schema is built by mpp_server/migrations."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Kiosk(Base):
    __tablename__ = "kiosks"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    outpost: Mapped[str] = mapped_column(String(32), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class StoredRecord(Base):
    """Each record id once: the primary key plus insert-or-ignore enforce it."""

    __tablename__ = "records"
    __table_args__ = (
        Index("ix_records_outpost_day", "outpost", "day"),
        Index("ix_records_kiosk", "kiosk_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    kiosk_id: Mapped[str] = mapped_column(String(64), nullable=False)
    outpost: Mapped[str] = mapped_column(String(32), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    """The WIB service day it is filed under: of ``created_at``, or of the corrected time or
    of ``received_at`` as ``time_flag`` says (mpp_server.record_day)."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    form_id: Mapped[str | None] = mapped_column(String(64))
    form_version: Mapped[int | None] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    """The record's payload as canonical JSON (a purged request's without its answers)."""
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When ``mpp-server purge`` erased the answers; ``content_hash`` stays the original's."""
    kiosk_clock_skew_s: Mapped[float | None] = mapped_column(Float)
    """The kiosk's clock skew at the push that brought it (server minus kiosk time, seconds);
    null from kiosks that do not send it."""
    time_flag: Mapped[str | None] = mapped_column(String(16))
    """null: filed by the kiosk's time; ``corrected``: by kiosk time + skew;
    ``implausible``: by the day it was received (mpp_server.record_day)."""


class StatusFeed(Base):
    """One row: the changes feed's epoch, cursor key, last sequence number and horizon.

    Every status change takes its sequence number by updating this row, which holds the
    row's lock until the change commits: numbers become visible in the order they were
    given, so a reader's cursor never skips a change still being written.
    """

    __tablename__ = "status_feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32), nullable=False)
    """Random per database: a cursor from another server or a wiped database is refused."""
    cursor_key: Mapped[str] = mapped_column(String(64), nullable=False)
    """HMAC key (hex) that signs cursors."""
    last_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    floor_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    """Cursors below this sequence number are no longer accepted (410)."""


class TrackedRequest(Base):
    """A service request that has a tracking code, and its current status."""

    __tablename__ = "tracked_requests"
    __table_args__ = (
        Index("ix_tracked_outpost_status", "outpost", "status"),
        Index("ix_tracked_updated", "updated_at"),
    )

    request_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), nullable=False)
    """As the kiosk printed it (the salt of ``status_secret``)."""
    tracking_key: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    """``sync.protocol.tracking_key`` of the code: what a lookup compares."""
    status_secret: Mapped[str | None] = mapped_column(String(64))
    outpost: Mapped[str] = mapped_column(String(32), nullable=False)
    service_code: Mapped[str] = mapped_column(String(64), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class StatusChangeRow(Base):
    """Every status a request had, with who set it; in ``seq`` order it is the feed."""

    __tablename__ = "status_changes"
    __table_args__ = (
        Index("ix_status_changes_outpost_seq", "outpost", "seq"),
        Index("ux_status_changes_request_version", "request_id", "version", unique=True),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    request_id: Mapped[str] = mapped_column(String(36), nullable=False)
    outpost: Mapped[str] = mapped_column(String(32), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    missing_documents: Mapped[str | None] = mapped_column(Text)
    """JSON list of strings, or null."""
    pickup_place: Mapped[str | None] = mapped_column(String(200))
    pickup_from: Mapped[date | None] = mapped_column(Date)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    """``kiosk`` (received at ingest), ``staff`` or ``backoffice``."""
    actor: Mapped[str] = mapped_column(String(64), nullable=False)


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    """``officer`` or ``admin``."""
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_signins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class StaffSession(Base):
    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, nullable=False)
    csrf_token: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class BackOfficeClient(Base):
    __tablename__ = "backoffice_clients"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class AuditEntry(Base):
    """Every status change and every sign-in (and failed one), kept whole."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor_kind: Mapped[str] = mapped_column(String(16), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    action: Mapped[str] = mapped_column(String(32), nullable=False)
    request_id: Mapped[str | None] = mapped_column(String(36))
    detail: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(64))


class RateCounter(Base):
    """Fixed-window counters of the public page and sign-in limits, shared by all processes."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer, nullable=False)
    """Unix seconds at the window's start."""
    count: Mapped[int] = mapped_column(Integer, nullable=False)
