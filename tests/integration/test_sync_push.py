"""Pushing the outbox to the real reference server on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from devtools.backlog import seed_audit_backlog
from kiosk.store.models import OutboxEntry, ServiceRequest
from kiosk.usecases import issue_ticket, submit_request
from sync.backoff import Backoff
from sync.client import SyncAuthError, SyncClient
from sync.pusher import push_pending, reconcile
from tests.integration.conftest import LEGALISIR_ANSWERS


@pytest.fixture
def server_db_url(any_db_url: str) -> str:
    """These run on SQLite and, when MPP_TEST_POSTGRES_URL is set, on PostgreSQL."""
    return any_db_url


def client_for(app: Any, **kwargs: Any) -> SyncClient:
    return SyncClient(app.settings.server, backoff=Backoff(base_s=0.01, ceiling_s=0.05), **kwargs)


def submit(app: Any, answers: dict | None = None) -> str:
    issued = submit_request(
        app.context,
        "LEGALISIR",
        answers or LEGALISIR_ANSWERS,
        language="id",
        notice_version="2026.1",
    )
    return issued.request_id


def states(app: Any) -> dict[str, str]:
    with app.store.uow(read_only=True) as uow:
        return dict(uow.session.execute(select(OutboxEntry.record_id, OutboxEntry.state)).all())


def test_requests_tickets_and_audit_reach_the_server_once(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    request_id = submit(kiosk)
    issue_ticket(kiosk.context, "LEGALISIR")
    seed_audit_backlog(kiosk.store.engine, 3)

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert (summary.accepted, summary.rejected, summary.remaining) == (6, 0, 0)
    assert sorted(server.stored_ids()) == sorted(states(kiosk))
    assert request_id in server.stored_ids()
    assert set(states(kiosk).values()) == {"sent"}
    assert kiosk.outbox.status().last_success_at is not None


def test_the_same_batch_sent_twice_is_stored_once(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    seed_audit_backlog(kiosk.store.engine, 50)
    push_pending(kiosk.outbox, client_for(kiosk))
    with kiosk.store.uow() as uow:  # as if the answer had been lost: all pending again
        for entry in uow.session.scalars(select(OutboxEntry)):
            entry.state = "pending"
        uow.commit()

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert (summary.accepted, summary.duplicate, summary.remaining) == (0, 50, 0)
    assert len(server.stored_ids()) == 50


def test_server_killed_after_commit_before_answer_then_restarted(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"), batch_size=100)
    seed_audit_backlog(kiosk.store.engine, 1000)
    server.restart(MPP_TEST_EXIT_AFTER_COMMITS="3")  # dies after committing its 3rd batch

    first = push_pending(kiosk.outbox, client_for(kiosk))

    assert first.failed_batches == 1 and first.accepted == 200
    assert len(server.stored_ids()) == 300  # the third batch is stored but not acknowledged
    server.restart()
    second = push_pending(kiosk.outbox, client_for(kiosk))
    assert (second.accepted, second.duplicate, second.remaining) == (700, 100, 0)
    assert sorted(server.stored_ids()) == sorted(states(kiosk))


def test_answer_lost_to_a_read_timeout_is_a_duplicate_next_time(server, kiosk_factory):
    token = server.add_kiosk("k-rogojampi-1")
    server.restart(MPP_TEST_SLEEP_AFTER_COMMIT="1.5")
    kiosk = kiosk_factory(server.url, token, read_timeout_s=0.5)
    seed_audit_backlog(kiosk.store.engine, 10)

    first = push_pending(kiosk.outbox, client_for(kiosk, max_tries=1))

    assert first.failed_batches == 1 and "timed out" in (first.last_error or "")
    assert set(states(kiosk).values()) == {"pending"}
    assert len(server.stored_ids()) == 10
    server.restart()
    second = push_pending(kiosk.outbox, client_for(kiosk))
    assert (second.duplicate, second.remaining) == (10, 0)


def test_same_id_different_content_is_a_conflict_and_never_overwritten(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    request_id = submit(kiosk)
    push_pending(kiosk.outbox, client_for(kiosk))
    with kiosk.store.uow() as uow:  # a buggy kiosk changes a sent record and resends it
        request = uow.session.get(ServiceRequest, request_id)
        request.language = "en"
        uow.session.scalars(select(OutboxEntry)).all()[0].state = "pending"
        for entry in uow.session.scalars(select(OutboxEntry)):
            entry.state = "pending"
        uow.commit()

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert summary.rejected == 1
    assert states(kiosk)[request_id] == "dead"
    assert kiosk.outbox.status().dead_reasons == {"conflict": 1}


def test_invalid_answers_go_to_the_dead_letter_and_the_rest_go_on(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    seed_audit_backlog(kiosk.store.engine, 5)
    poison = submit(kiosk)
    with kiosk.store.uow() as uow:  # answers that the server's form check refuses
        request = uow.session.get(ServiceRequest, poison)
        bad = '{"nik": "123", "nama": "X"}'
        request.answers = kiosk.context.cipher.encrypt(bad, poison)
        uow.commit()
    seed_audit_backlog(kiosk.store.engine, 5)

    summary = push_pending(kiosk.outbox, client_for(kiosk, max_tries=1), batch_size=3)

    assert (summary.rejected, summary.remaining) == (1, 0)
    assert summary.accepted == 11  # ten audit entries and the ticket's "issued" event
    status = kiosk.outbox.status()
    assert status.dead == 1
    (reason,) = status.dead_reasons
    assert reason.startswith("invalid_answers") and '"nik": "nik_length"' in reason
    assert poison not in server.stored_ids()


def test_retry_dead_puts_dead_letters_back(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    seed_audit_backlog(kiosk.store.engine, 3)
    with kiosk.store.uow() as uow:
        for entry in uow.session.scalars(select(OutboxEntry)):
            entry.state = "dead"
        uow.commit()

    assert kiosk.outbox.retry_dead() == 3
    assert push_pending(kiosk.outbox, client_for(kiosk)).accepted == 3


def test_a_wrong_token_stops_the_push_and_marks_nothing(server, kiosk_factory):
    server.add_kiosk("k-rogojampi-1")
    kiosk = kiosk_factory(server.url, "not-the-token")
    seed_audit_backlog(kiosk.store.engine, 5)

    with pytest.raises(SyncAuthError) as raised:
        push_pending(kiosk.outbox, client_for(kiosk))

    assert raised.value.status == 401
    assert set(states(kiosk).values()) == {"pending"}
    assert "401" in (kiosk.outbox.status().last_error or "")


def test_another_kiosks_token_cannot_write_this_kiosks_records(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-genteng-1", outpost="genteng"))
    seed_audit_backlog(kiosk.store.engine, 2)

    summary = push_pending(kiosk.outbox, client_for(kiosk))

    assert summary.rejected == 2
    assert kiosk.outbox.status().dead_reasons == {"wrong_kiosk": 2}
    assert server.stored_ids() == []


def test_reconcile_requeues_what_the_server_lost(server, kiosk_factory):
    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    ids = seed_audit_backlog(kiosk.store.engine, 20)
    push_pending(kiosk.outbox, client_for(kiosk))
    assert reconcile(kiosk.outbox, client_for(kiosk)).ok
    from sqlalchemy import delete

    from mpp_server.db import open_engine
    from mpp_server.models import StoredRecord

    engine = open_engine(server.database_url)
    with engine.begin() as connection:  # the server restored an old backup
        connection.execute(delete(StoredRecord).where(StoredRecord.id.in_(ids[:4])))
    engine.dispose()

    result = reconcile(kiosk.outbox, client_for(kiosk))

    assert (result.server_count, result.local_sent, result.requeued) == (16, 20, 4)
    assert push_pending(kiosk.outbox, client_for(kiosk)).accepted == 4
    assert reconcile(kiosk.outbox, client_for(kiosk)).digest_matches


def test_a_lost_request_whose_answers_were_purged_goes_to_the_dead_letter(server, kiosk_factory):
    from sqlalchemy import delete, update

    from mpp_server.db import open_engine
    from mpp_server.models import StoredRecord

    kiosk = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    request_id = submit(kiosk)
    push_pending(kiosk.outbox, client_for(kiosk))
    with kiosk.store.uow() as uow:  # purged after the server acknowledged it
        uow.session.execute(
            update(ServiceRequest).where(ServiceRequest.id == request_id).values(answers=None)
        )
        uow.commit()
    engine = open_engine(server.database_url)
    with engine.begin() as connection:  # then the server lost it
        connection.execute(delete(StoredRecord).where(StoredRecord.id == request_id))
    engine.dispose()

    result = reconcile(kiosk.outbox, client_for(kiosk))

    assert result.requeued == 0
    assert states(kiosk)[request_id] == "dead"
    assert push_pending(kiosk.outbox, client_for(kiosk)).rejected == 0
