"""build_record: the protocol record for an outbox entry, from the kiosk's own rows."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest
from kiosk.usecases import issue_ticket
from kiosk.usecases.outbox import LocalRecordError, build_record
from kiosk.usecases.recording import enqueue, new_id


def entry_of(session, record_id: str) -> OutboxEntry:
    return session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == record_id)).one()


def test_a_ticket_event_carries_its_ticket(ctx):
    issued = issue_ticket(ctx, "KTP")
    with ctx.uow(read_only=True) as uow:
        entry = uow.session.scalars(select(OutboxEntry)).one()
        record = build_record(uow.session, entry, None)
    assert record.kind == "ticket_event" and record.kiosk_id == "k1"
    assert record.payload["number"] == issued.number and record.payload["event"] == "issued"
    assert record.created_at.tzinfo is not None


def test_a_request_is_decrypted_and_hashes_the_same_every_time(ctx, tmp_path):
    cipher = AnswerCipher.from_key_file(tmp_path / "key")
    issued = issue_ticket(ctx, "KTP")
    request_id = new_id()
    with ctx.uow() as uow:
        ticket = uow.session.get(QueueTicket, issued.ticket_id)
        uow.session.add(
            ServiceRequest(
                id=request_id, service_code="KTP", form_id="ktp_baru", form_version=1,
                answers=cipher.encrypt(json.dumps({"nik": "3510091203850001"}), request_id),
                language="id", created_at=ticket.issued_at, kiosk_id="k1",
                outpost="rogojampi", ticket_id=ticket.id,
            )
        )  # fmt: skip
        enqueue(uow.session, request_id, "service_request", ticket.issued_at)
        uow.commit()
    with ctx.uow(read_only=True) as uow:
        first = build_record(uow.session, entry_of(uow.session, request_id), cipher)
        second = build_record(uow.session, entry_of(uow.session, request_id), cipher)
    assert first.payload["answers"] == {"nik": "3510091203850001"}
    assert (first.form_id, first.form_version) == ("ktp_baru", 1)
    assert first.content_hash() == second.content_hash()
    other_key = AnswerCipher.from_key_file(tmp_path / "other-key")
    with ctx.uow(read_only=True) as uow, pytest.raises(LocalRecordError):
        build_record(uow.session, entry_of(uow.session, request_id), other_key)
