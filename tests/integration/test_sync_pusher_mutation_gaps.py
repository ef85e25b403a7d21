"""A record the kiosk itself cannot read goes to the dead letter with its reason, and the
rest of the batch still reaches the real server (in a thread on loopback).

Each assertion caught a mutant the other sync tests let through.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest
from kiosk.usecases import issue_ticket
from kiosk.usecases.recording import enqueue, new_id
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import push_pending


@pytest.fixture
def kiosk(faulty_server, kiosk_factory):
    running, _faults, engine = faulty_server
    from mpp_server.db import add_kiosk

    return kiosk_factory(running.url, add_kiosk(engine, "k-rogojampi-1", "rogojampi"))


def client_for(app: Any) -> SyncClient:
    return SyncClient(app.settings.server, backoff=Backoff(base_s=0.01), sleep=lambda _s: None)


def add_unreadable_request(app: Any) -> str:
    """A request whose sealed answers were damaged on disk: no key can open them."""
    issued = issue_ticket(app.context, "KTP_BARU")
    request_id = new_id()
    with app.store.uow() as uow:
        ticket = uow.session.get(QueueTicket, issued.ticket_id)
        uow.session.add(
            ServiceRequest(
                id=request_id,
                service_code="KTP_BARU",
                form_id="ktp_baru",
                form_version=1,
                answers="v1:damaged",
                language="id",
                created_at=ticket.issued_at,
                kiosk_id=ticket.kiosk_id,
                outpost=ticket.outpost,
                ticket_id=ticket.id,
            )
        )
        enqueue(uow.session, request_id, "service_request", ticket.issued_at)
        uow.commit()
    return request_id


def test_an_unreadable_record_goes_to_the_dead_letter_and_the_rest_is_sent(kiosk):
    request_id = add_unreadable_request(kiosk)
    assert kiosk.outbox.status().sent == 0  # nothing has gone yet

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert (summary.accepted, summary.rejected) == (1, 1)  # the ticket's event; the request
    with kiosk.store.uow(read_only=True) as uow:
        dead = uow.session.scalars(
            select(OutboxEntry).where(OutboxEntry.record_id == request_id)
        ).one()
        assert dead.state == "dead"
        assert dead.last_error.startswith("local: answers cannot be read")
    status = kiosk.outbox.status()
    assert (status.sent, status.dead) == (1, 1)
