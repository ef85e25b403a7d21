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
