"""The records a kiosk sends, field by field, as the server and MPP staff will read them.

Every payload here is written out by hand from the rows the test makes; each test catches
a mutant the other sync tests let through (a renamed key, a dropped value).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.models import AuditEntry, OutboxEntry, QueueTicket, ServiceRequest, TicketEvent
from kiosk.usecases import call_next, issue_ticket
from kiosk.usecases.outbox import LocalRecordError, build_record
from kiosk.usecases.recording import enqueue, new_id

ACCEPTED_AT = datetime(2026, 11, 27, 1, 0, 30, tzinfo=UTC)


def entry_for(session, record_id: str) -> OutboxEntry:  # noqa: ANN001
    return session.scalars(select(OutboxEntry).where(OutboxEntry.record_id == record_id)).one()


def test_a_call_is_sent_with_its_counter_and_operator(ctx):
    issued = issue_ticket(ctx, "KK")
    call_next(ctx, counter="2", operator_id="op-7")

    with ctx.uow(read_only=True) as uow:
        called = uow.session.scalars(select(TicketEvent).where(TicketEvent.event == "called")).one()
        record = build_record(uow.session, entry_for(uow.session, called.id), None)

    assert (record.kind, record.kiosk_id, record.outpost) == ("ticket_event", "k1", "rogojampi")
    assert record.payload == {
        "event": "called",
        "ticket_id": issued.ticket_id,
        "number": "B-001",
        "service_code": "KK",
        "day": "2026-11-27",  # 01:00 UTC is 08:00 WIB on the 27th
        "counter": "2",
        "operator_id": "op-7",
    }


def test_an_operator_action_is_sent_as_an_audit_record(ctx):
    issue_ticket(ctx, "KK")
    call_next(ctx, counter="2", operator_id="op-7")

    with ctx.uow(read_only=True) as uow:
        audit = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ticket_called")
        ).one()
        record = build_record(
            uow.session, entry_for(uow.session, audit.id), None, kiosk_id="k1", outpost="rogojampi"
        )

    assert (record.kind, record.kiosk_id, record.outpost) == ("audit", "k1", "rogojampi")
    assert record.payload == {
        "action": "ticket_called",
        "actor_id": "op-7",
        "detail": {"number": "B-001"},
    }


def _request(ctx, cipher: AnswerCipher, answers: str | None = None) -> str:  # noqa: ANN001
    issued = issue_ticket(ctx, "KTP")
    request_id = new_id()
    with ctx.uow() as uow:
        ticket = uow.session.get(QueueTicket, issued.ticket_id)
        uow.session.add(
            ServiceRequest(
                id=request_id,
                service_code="KTP",
                form_id="ktp_baru",
                form_version=1,
                answers=answers
                or cipher.encrypt(json.dumps({"nik": "3510091203850001"}), request_id),
                language="en",
                created_at=ticket.issued_at,
                kiosk_id="k1",
                outpost="rogojampi",
                ticket_id=ticket.id,
                notice_version="2026.1",
                notice_accepted_at=ACCEPTED_AT,
            )
        )
        enqueue(uow.session, request_id, "service_request", ticket.issued_at)
        uow.commit()
    return request_id


def test_a_request_is_sent_with_its_language_number_and_notice(ctx, tmp_path):
    cipher = AnswerCipher.from_key_file(tmp_path / "key")
    request_id = _request(ctx, cipher)

    with ctx.uow(read_only=True) as uow:
        record = build_record(uow.session, entry_for(uow.session, request_id), cipher)

    payload = dict(record.payload)
    ticket_id = payload.pop("ticket_id")
    assert ticket_id
    assert payload == {
        "service_code": "KTP",
        "language": "en",
        "answers": {"nik": "3510091203850001"},
        "ticket_number": "A-001",
        "day": "2026-11-27",
        "notice_version": "2026.1",
        "notice_accepted_at": "2026-11-27T01:00:30+00:00",
    }
    assert (record.kind, record.kiosk_id) == ("service_request", "k1")


def test_answers_sealed_for_another_request_cannot_be_read(ctx, tmp_path):
    cipher = AnswerCipher.from_key_file(tmp_path / "key")
    # sealed with the wrong request id as associated data: moved from another row
    request_id = _request(ctx, cipher, cipher.encrypt(json.dumps({"nik": "1"}), "other-request"))

    with ctx.uow(read_only=True) as uow, pytest.raises(LocalRecordError):
        build_record(uow.session, entry_for(uow.session, request_id), cipher)
