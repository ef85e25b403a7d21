"""``sync`` on its own: the push loop and reconciliation, from an in-memory outbox to the real
reference server on loopback. No kiosk and no kiosk database: ``sync`` is a library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from uuid6 import uuid7

from sync.client import SyncAuthError
from sync.lock import PushAlreadyRunning, PushLock
from sync.protocol import Record
from sync.pusher import push_pending, reconcile
from tests.memory_outbox import MemoryOutbox
from tests.sync_client import client

KIOSK_ID = "k-genteng-7"


def audit(n: int, *, kiosk_id: str = KIOSK_ID) -> Record:
    return Record(
        id=str(uuid7()),
        kind="audit",
        kiosk_id=kiosk_id,
        outpost="genteng",
        created_at=datetime(2026, 11, 30, 1, 0, tzinfo=UTC) + timedelta(seconds=n),
        payload={"action": "test", "actor_id": None, "detail": f'{{"n": {n}}}'},
    )


@pytest.fixture
def outbox(tmp_path: Path) -> MemoryOutbox:
    return MemoryOutbox(lock_path=tmp_path / "sync.lock", batch_size=7)


@pytest.fixture
def token(server) -> str:
    return server.add_kiosk(KIOSK_ID, "genteng")


def test_every_record_reaches_the_server_once_in_pages(server, token, outbox):
    records = [audit(n) for n in range(30)]
    for record in records:
        outbox.add(record)

    summary = push_pending(outbox, client(server.url, token))

    assert (summary.accepted, summary.remaining, summary.failed_batches) == (30, 0, 0)
    assert outbox.pages_built == 5  # 7 + 7 + 7 + 7 + 2: never the whole backlog at once
    assert sorted(server.stored_ids()) == sorted(r.id for r in records)
    assert outbox.status().last_success_at == outbox.clock_now.isoformat()
    assert outbox.clock_observations, "the server's clock reading was handed to the outbox"


def test_a_resend_is_a_duplicate_and_stored_once(server, token, outbox):
    record = audit(1)
    outbox.add(record)
    push_pending(outbox, client(server.url, token))
    outbox.state_of(record.id).state = "pending"  # as if the acknowledgement had been lost

    summary = push_pending(outbox, client(server.url, token))

    assert (summary.accepted, summary.duplicate) == (0, 1)
    assert server.stored_ids() == [record.id]


def test_a_rejected_record_goes_dead_and_the_rest_go_on(server, token, outbox):
    stranger = audit(2, kiosk_id="k-rogojampi-9")  # not the token's kiosk: the server refuses it
    good = [audit(1), audit(3)]
    outbox.add(good[0])
    outbox.add(stranger)
    outbox.add(good[1])
    outbox.add_broken("0190d1b2-0000-7000-8000-000000000001")

    summary = push_pending(outbox, client(server.url, token))

    assert (summary.accepted, summary.rejected) == (2, 2)
    assert outbox.state_of(stranger.id).state == "dead"
    assert outbox.state_of("0190d1b2-0000-7000-8000-000000000001").last_error.startswith("local")
    assert sorted(server.stored_ids()) == sorted(r.id for r in good)


def test_a_refused_token_changes_nothing_and_says_why(server, token, outbox):
    outbox.add(audit(1))
    with pytest.raises(SyncAuthError):
        push_pending(outbox, client(server.url, "not-the-token"))
    assert outbox.status().pending == 1
    assert "401" in (outbox.status().last_error or "")
    assert server.stored_ids() == []


def test_two_pushers_never_run_at_once(server, token, outbox):
    outbox.add(audit(1))
    with PushLock(outbox.lock_path), pytest.raises(PushAlreadyRunning):
        push_pending(outbox, client(server.url, token))
    assert outbox.status().pending == 1


def test_reconcile_puts_back_what_the_server_lost(server, token, outbox, server_db_url):
    records = [audit(n) for n in range(5)]
    for record in records:
        outbox.add(record)
    push_pending(outbox, client(server.url, token))
    assert reconcile(outbox, client(server.url, token)).ok

    from sqlalchemy import delete

    from mpp_server.db import open_engine
    from mpp_server.models import StoredRecord

    engine = open_engine(server_db_url)
    with engine.begin() as connection:  # the server lost one record (a restore from backup)
        connection.execute(delete(StoredRecord).where(StoredRecord.id == records[3].id))
    engine.dispose()

    check = reconcile(outbox, client(server.url, token))
    assert (check.digest_matches, check.requeued) == (False, 1)
    assert outbox.state_of(records[3].id).state == "pending"
    assert push_pending(outbox, client(server.url, token)).accepted == 1
    assert sorted(server.stored_ids()) == sorted(r.id for r in records)
