"""Sealing the answers stored in clear before the server had an answers key.

Ingest seals a payload's answers only when the server runs with a key
(mpp_server.answers_at_rest); records stored earlier, or by a server without one, keep
them in clear until ``mpp-server seal-answers`` runs this. It pages through the records by
id, 500 to a transaction, so a large store never holds one long transaction and a run that
is stopped half way simply goes on from the start next time: a sealed row, a purged one and
one without answers are skipped (and counted).

Only the ``payload`` column changes. ``content_hash`` stays the hash of the record as the
kiosk sent it, so a kiosk that sends the record again still gets ``duplicate``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from mpp_server.answers_at_rest import PREFIX, AnswersCipher, is_sealed, seal_payload
from mpp_server.models import StoredRecord
from mpp_server.retention import checkpoint_wal, erase_for_real
from sync.protocol import canonical_json

_PAGE = 500


@dataclass(frozen=True)
class SealSummary:
    sealed: int
    """Rows whose answers were sealed now (or, in a dry run, would be)."""
    already_sealed: int
    without_answers: int
    """Purged rows, and records that carry no answers (ticket events, null answers)."""


def seal_stored_answers(
    engine: Engine, cipher: AnswersCipher, *, dry_run: bool = False
) -> SealSummary:
    """Seal with ``cipher`` every stored payload whose answers are in clear. Idempotent."""
    sealed = already = without = 0
    after = ""
    while True:
        with Session(engine) as session, session.begin():
            erase_for_real(session)  # the clear bytes must not stay in SQLite's free space
            page = session.execute(
                select(StoredRecord.id, StoredRecord.payload, StoredRecord.purged_at)
                .where(StoredRecord.id > after)
                .order_by(StoredRecord.id)
                .limit(_PAGE)
            ).all()
            if not page:
                break
            after = page[-1].id
            for record_id, stored, purged_at in page:
                payload = json.loads(stored)
                answers = payload.get("answers")
                if purged_at is not None or answers is None:
                    without += 1
                elif is_sealed(answers):
                    already += 1
                elif dry_run or _reseal(session, record_id, stored, payload, cipher):
                    sealed += 1
                else:  # purged between our read and our write (PostgreSQL): nothing to seal
                    without += 1
    if sealed and not dry_run:
        checkpoint_wal(engine)
    return SealSummary(sealed=sealed, already_sealed=already, without_answers=without)


def _reseal(
    session: Session, record_id: str, stored: str, payload: dict, cipher: AnswersCipher
) -> bool:
    """Write the sealed payload unless the row changed since it was read (a purge)."""
    done = session.execute(
        update(StoredRecord)
        .where(
            StoredRecord.id == record_id,
            StoredRecord.payload == stored,
            StoredRecord.purged_at.is_(None),
        )
        .values(payload=canonical_json(seal_payload(payload, record_id, cipher)).decode())
    )
    return done.rowcount == 1


def count_clear_answers(engine: Engine) -> int:
    """How many stored payloads (probably) hold answers in clear, counted in SQL.

    The payload is canonical JSON text on SQLite and PostgreSQL alike (sorted keys, no
    spaces), so its answers are ``"answers":`` followed by something other than ``null``
    or a sealed string. A form field itself named ``answers`` could skew the count: it is
    a hint for the start-up warning; ``seal_stored_answers`` decides row by row.
    """
    payload = StoredRecord.payload
    with Session(engine) as session:
        found = session.scalar(
            select(func.count())
            .select_from(StoredRecord)
            .where(
                StoredRecord.purged_at.is_(None),
                payload.like('%"answers":%'),
                payload.not_like('%"answers":null%'),
                payload.not_like(f'%"answers":"{PREFIX}%'),
            )
        )
    return found or 0


__all__ = ["SealSummary", "count_clear_answers", "seal_stored_answers"]
