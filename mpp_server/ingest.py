"""Storing a batch: each record id once, by insert-or-ignore on the primary key.

Never check-then-insert: two server processes (or two pushers) racing on the same ids both
run ``INSERT ... ON CONFLICT DO NOTHING``; the database decides who stored it, and the loser
compares content hashes to answer ``duplicate`` or ``rejected: conflict``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp_server.answers_at_rest import AnswersCipher, seal_payload
from mpp_server.models import Kiosk, StoredRecord
from mpp_server.record_day import file_record
from mpp_server.statuses import Received, received_from_payload, record_received
from sync.protocol import (
    REASON_CONFLICT,
    REASON_WRONG_KIOSK,
    Record,
    RecordResult,
    canonical_json,
    content_hash,
)

RecordValidator = Callable[[Record], str | None]
"""Returns why a record is refused (a reason for ``rejected``), or None when it is fine."""


class BadBatch(ValueError):
    """The batch as a whole cannot be read (e.g. a record without a usable id): 422."""


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "record"
    return f"invalid: {where}: {first['msg']}"


def ingest_batch(
    engine: Engine,
    kiosk: Kiosk,
    raw_records: list[Any],
    validator: RecordValidator | None = None,
    *,
    clock_skew_s: float | None = None,
    now: datetime | None = None,
    cipher: AnswersCipher | None = None,
) -> list[RecordResult]:
    """Store what can be stored in ONE transaction; one result per input, in input order.

    ``clock_skew_s`` is the kiosk's skew at this push (server time minus kiosk time), kept
    with each record and used to file it (mpp_server.record_day); ``now`` is when the
    server received the batch. With a ``cipher`` the stored payload's answers are sealed
    (mpp_server.answers_at_rest); the content hash is of the record as received.
    """
    results: list[RecordResult | None] = [None] * len(raw_records)
    rows: list[dict[str, Any]] = []
    row_index: dict[str, int] = {}
    later: list[tuple[int, str, str]] = []  # (position, id, hash) of repeats within the batch
    tracked: list[Received] = []  # service requests with a tracking code: status received
    now = now or datetime.now(UTC)
    for position, raw in enumerate(raw_records):
        try:
            record = Record.model_validate(raw)
        except ValidationError as error:
            record_id = raw.get("id") if isinstance(raw, dict) else None
            if not isinstance(record_id, str) or not record_id or len(record_id) > 64:
                raise BadBatch(f"record {position} has no usable id") from None
            results[position] = RecordResult(
                id=record_id, status="rejected", reason=_first_error(error)
            )
            continue
        if record.kiosk_id != kiosk.id or record.outpost != kiosk.outpost:
            results[position] = RecordResult(
                id=record.id, status="rejected", reason=REASON_WRONG_KIOSK
            )
            continue
        try:
            digest = content_hash(record)
            stored = seal_payload(record.payload, record.id, cipher)
            payload = canonical_json(stored).decode("utf-8")
        except (ValueError, RecursionError):  # nested too deep to hash or store
            results[position] = RecordResult(
                id=record.id, status="rejected", reason="payload_too_deep"
            )
            continue
        if record.id in row_index:
            later.append((position, record.id, digest))
            continue
        reason = validator(record) if validator is not None else None
        if reason is not None:
            results[position] = RecordResult(id=record.id, status="rejected", reason=reason)
            continue
        row_index[record.id] = position
        day, time_flag = file_record(record.created_at, clock_skew_s, now)
        rows.append(
            {
                "id": record.id,
                "kind": record.kind,
                "kiosk_id": record.kiosk_id,
                "outpost": record.outpost,
                "day": day,
                "created_at": record.created_at,
                "received_at": now,
                "form_id": record.form_id,
                "form_version": record.form_version,
                "content_hash": digest,
                "payload": payload,
                "kiosk_clock_skew_s": clock_skew_s,
                "time_flag": time_flag,
            }
        )
        if record.kind == "service_request":
            found = received_from_payload(
                record.id, record.outpost, day, record.created_at, record.payload
            )
            if found is not None:
                tracked.append(found)
    if rows:
        with Session(engine) as session, session.begin():
            inserted = _insert_or_ignore(session, rows)
            if tracked:
                record_received(
                    session, [item for item in tracked if item.request_id in inserted], now
                )
            not_inserted = [row["id"] for row in rows if row["id"] not in inserted]
            existing: dict[str, tuple[str, str]] = {}
            if not_inserted:
                found = session.execute(
                    select(StoredRecord.id, StoredRecord.content_hash, StoredRecord.kiosk_id).where(
                        StoredRecord.id.in_(not_inserted)
                    )
                )
                existing = {rid: (digest, owner) for rid, digest, owner in found}
        for row in rows:
            position = row_index[row["id"]]
            if row["id"] in inserted:
                results[position] = RecordResult(id=row["id"], status="accepted")
            elif existing.get(row["id"]) == (row["content_hash"], kiosk.id):
                results[position] = RecordResult(id=row["id"], status="duplicate")
            else:
                results[position] = RecordResult(
                    id=row["id"], status="rejected", reason=REASON_CONFLICT
                )
    hashes = {row["id"]: row["content_hash"] for row in rows}
    for position, record_id, digest in later:
        first = results[row_index[record_id]] if record_id in row_index else None
        same = hashes.get(record_id) == digest and first is not None and first.status != "rejected"
        results[position] = RecordResult(
            id=record_id,
            status="duplicate" if same else "rejected",
            reason=None if same else REASON_CONFLICT,
        )
    return [result for result in results if result is not None]


def _insert_or_ignore(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    table = StoredRecord.__table__
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(table).on_conflict_do_nothing(index_elements=[table.c.id]).returning(table.c.id)
    # executemany: compiled once, sent as multi-row INSERTs ("insertmanyvalues");
    # RETURNING lists only the rows this statement inserted.
    return set(session.connection().execute(stmt, rows).scalars())
