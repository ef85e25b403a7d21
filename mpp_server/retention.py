"""Residents' answers kept on the server no longer than the retention (UU 27/2022 PDP).

A service request that has a status is purged only once it is final (ready or refused):
staff still need the answers of a request they are processing, however old. A request
without a status (from a kiosk that sent no tracking code) is purged by its day alone.

A purged service request keeps what the figures need — its day, kiosk, outpost, form,
service, ticket number and the notice it was shown — and loses its answers. Ticket events
and audit records carry no resident's data and are kept whole. The content hash stays the
original's, so a kiosk that sends the record again still gets ``duplicate``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, exists, func, select, update
from sqlalchemy.orm import Session

from forms.wib import WIB
from mpp_server.models import StoredRecord, TrackedRequest
from sync.protocol import FINAL_STATUSES, canonical_json

DEFAULT_RETENTION_DAYS = 180
KEPT_REQUEST_FIELDS = frozenset(
    {
        "service_code",
        "language",
        "ticket_id",
        "ticket_number",
        "day",
        "notice_version",
        "notice_accepted_at",
    }
)
"""What a purged request's payload keeps; everything else (the answers) is erased."""
_PAGE = 500


@dataclass(frozen=True)
class PurgeSummary:
    requests: int
    before_day: date
    """Requests of WIB days before this one were purged."""
    kept_open: int = 0
    """Requests of those days kept whole because they are not final yet."""


def purged_payload(payload: dict) -> dict:
    kept = {key: value for key, value in payload.items() if key in KEPT_REQUEST_FIELDS}
    return {**kept, "answers": None}


def purge_answers(
    engine: Engine, retention_days: int, *, now: datetime | None = None, dry_run: bool = False
) -> PurgeSummary:
    """Erase the answers of service requests whose WIB day is more than ``retention_days``
    before today. Idempotent: a purged request is not touched again."""
    if retention_days < 1:
        raise ValueError("the retention is at least one day")
    now = now or datetime.now(UTC)
    before_day = now.astimezone(WIB).date() - timedelta(days=retention_days)
    still_open = exists().where(
        TrackedRequest.request_id == StoredRecord.id,
        TrackedRequest.status.not_in(FINAL_STATUSES),
    )
    old = (
        StoredRecord.kind == "service_request",
        StoredRecord.day < before_day,
        StoredRecord.purged_at.is_(None),
    )
    due = select(StoredRecord.id, StoredRecord.payload).where(*old, ~still_open)
    count = 0
    after = ""
    while True:
        with Session(engine) as session, session.begin():
            erase_for_real(session)
            page = session.execute(
                due.where(StoredRecord.id > after).order_by(StoredRecord.id).limit(_PAGE)
            ).all()
            if not page:
                break
            after = page[-1].id
            count += len(page)
            if dry_run:
                continue
            for record_id, payload in page:
                session.execute(
                    update(StoredRecord)
                    .where(StoredRecord.id == record_id)
                    .values(
                        payload=canonical_json(purged_payload(json.loads(payload))).decode(),
                        purged_at=now,
                    )
                )
    if count and not dry_run:
        checkpoint_wal(engine)
    with Session(engine) as session:
        kept = session.scalar(
            select(func.count()).select_from(StoredRecord).where(*old, still_open)
        )
    return PurgeSummary(requests=count, before_day=before_day, kept_open=kept or 0)


def erase_for_real(session: Session) -> None:
    """SQLite keeps a changed row's old bytes in the page's free space unless told not to."""
    if session.get_bind().dialect.name == "sqlite":
        session.connection().exec_driver_sql("PRAGMA secure_delete = ON")


def checkpoint_wal(engine: Engine) -> None:
    """Fold the WAL into the file and empty it, so no old page image outlives the purge."""
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL: VACUUM reclaims the old row versions (see the admin guide)
    connection = engine.raw_connection()  # outside any transaction: SQLite insists
    try:
        connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "PurgeSummary",
    "checkpoint_wal",
    "erase_for_real",
    "purge_answers",
    "purged_payload",
]
