"""The kiosk's outbox on a real SQLite file, and against the real server on loopback.

What an admin reads in the outbox (state, attempts, next try, reason) after a push, a
refusal, a reconciliation or a retry of the dead letter, and how the pusher reads its
pages. Each test catches a mutant the other sync tests let through.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, select, update

from devtools.backlog import seed_audit_backlog
from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import parse_config
from kiosk.store.db import open_engine
from kiosk.store.models import OutboxEntry, ServiceRequest, TicketEvent
from kiosk.store.uow import make_uow_factory
from kiosk.usecases import issue_ticket, submit_request
from kiosk.usecases.privacy import purge_personal_data
from mpp_server.db import add_kiosk
from mpp_server.models import StoredRecord
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import push_pending, reconcile
from tests.fakes import SteppingClock
from tests.integration.conftest import LEGALISIR_ANSWERS

START = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08:00 WIB
"""The kiosk's clock in these tests; the outbox stores its times as naive UTC."""


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock(START)


def kiosk_app(data_dir: Path, clock: SteppingClock, url: str = "", token: str = "") -> KioskApp:
    server = {"url": url, "token": token} if url else {}
    settings = parse_config(
        {
            "kiosk_id": "k-rogojampi-1",
            "outpost": "rogojampi",
            "data_dir": str(data_dir),
            "server": server,
        }
    )
    return build_app(settings, clock=clock, monotonic=clock.monotonic)


@pytest.fixture
def app(tmp_path, clock):
    """A kiosk with no server: for what the outbox does on its own."""
    app = kiosk_app(tmp_path / "kiosk", clock)
    yield app
    app.close()


@pytest.fixture
def online(faulty_server, tmp_path, clock):
    """A kiosk registered with the real server (behind the fault layer); the server's engine."""
    running, faults, engine = faulty_server
    token = add_kiosk(engine, "k-rogojampi-1", "rogojampi")
    app = kiosk_app(tmp_path / "kiosk", clock, running.url, token)
    app.faults = faults
    yield app, engine
    app.close()


def client_for(app: KioskApp, **kwargs: Any) -> SyncClient:
    return SyncClient(
        app.settings.server, backoff=Backoff(base_s=0.01), sleep=lambda _s: None, **kwargs
    )


def submit(app: KioskApp) -> str:
    issued = submit_request(
        app.context, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="2026.1"
    )
    return issued.request_id


def entry(app: KioskApp, record_id: str) -> OutboxEntry:
    with app.store.uow(read_only=True) as uow:
        row = uow.session.scalars(
            select(OutboxEntry).where(OutboxEntry.record_id == record_id)
        ).one()
        uow.session.expunge(row)
        return row


def set_outbox(app: KioskApp, record_id: str, **values: Any) -> None:
    with app.store.uow() as uow:
        uow.session.execute(
            update(OutboxEntry).where(OutboxEntry.record_id == record_id).values(**values)
        )
        uow.commit()


def page_ids(pages: Any, most: int = 4) -> list[list[str]]:
    """The record ids of the first few pages: a paging that never ends fails, never hangs."""
    return [[record.id for record in page.records] for page in islice(pages, most)]


# -- what the server answered ---------------------------------------------------------


def test_a_record_is_marked_sent_at_the_kiosks_time_of_the_answer(online):
    app, _engine = online
    (record_id,) = seed_audit_backlog(app.store.engine, 1)

    assert push_pending(app.outbox, client_for(app)).accepted == 1

    sent = entry(app, record_id)
    assert (sent.state, sent.sent_at, sent.last_error) == (
        "sent",
        datetime(2026, 11, 27, 1, 0),
        None,
    )


def test_a_batch_refused_with_retry_after_waits_that_long_and_says_why(online):
    app, _engine = online
    ids = seed_audit_backlog(app.store.engine, 2)
    app.faults.answer(429, b'{"error":"slow down"}', headers={"Retry-After": "600"})

    summary = push_pending(app.outbox, client_for(app, max_tries=1))

    assert (summary.failed_batches, summary.remaining) == (1, 2)
    for record_id in ids:
        waiting = entry(app, record_id)
        assert (waiting.state, waiting.attempts) == ("pending", 1)
        # a first attempt waits 5 s at most; the server's 600 s are longer, and under the
        # 15 min ceiling: the record is next tried at 01:10 by the kiosk's clock
        assert waiting.next_attempt_at == datetime(2026, 11, 27, 1, 10)
        assert "HTTP 429" in (waiting.last_error or "")


# -- what is due, a page at a time ----------------------------------------------------


def test_a_deferral_up_to_the_longest_wait_and_a_minute_waits_and_past_that_is_due(app, clock):
    waiting, stranded = seed_audit_backlog(app.store.engine, 2)
    # the longest wait the outbox's backoff gives is 15 min; a minute more is tolerated
    set_outbox(app, waiting, attempts=3, next_attempt_at=datetime(2026, 11, 27, 1, 16))
    # further ahead: set by a clock that has since been set back, so due now
    set_outbox(app, stranded, attempts=3, next_attempt_at=datetime(2026, 11, 27, 1, 16, 0, 1))

    assert app.outbox.count_due(clock(), include_not_due=False) == 1
    pages = app.outbox.due_pages(clock(), include_not_due=False, size=10)
    assert page_ids(pages) == [[stranded]]


def test_pages_follow_each_other_without_repeating_an_entry(app, clock):
    first, second, third = seed_audit_backlog(app.store.engine, 3)

    # nothing is applied between pages (a dry run): the pages alone must move on
    pages = app.outbox.due_pages(clock(), include_not_due=False, size=2)

    assert page_ids(pages) == [[first, second], [third]]


def test_the_pusher_reads_a_page_while_a_submission_holds_the_write_lock(app, clock):
    ids = seed_audit_backlog(app.store.engine, 2)
    # the sync thread's own engine, with a short busy timeout: a wait would end in an error
    engine = open_engine(app.store.path, create=False, busy_timeout_ms=100)
    outbox = replace(app.outbox, uow=make_uow_factory(engine))
    try:
        with app.store.uow() as writer:
            writer.session.connection()  # BEGIN IMMEDIATE: the writer holds the lock

            pages = outbox.due_pages(clock(), include_not_due=False, size=10)

            assert page_ids(pages) == [ids]
    finally:
        engine.dispose()


def _statements_for_first_page(app: KioskApp, now: datetime, size: int) -> int:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(app.store.engine, "before_cursor_execute", seen)
    try:
        page = next(app.outbox.due_pages(now, include_not_due=False, size=size))
    finally:
        event.remove(app.store.engine, "before_cursor_execute", seen)
    assert len(page.records) == size and not page.broken
    return len(statements)


@pytest.mark.parametrize("kind", ["ticket_event", "audit"])
def test_a_page_is_read_in_the_same_few_queries_whatever_its_size(app, clock, kind):
    for _ in range(20):
        if kind == "ticket_event":
            issue_ticket(app.context, "KTP_BARU")  # a ticket and its "issued" event
        else:
            seed_audit_backlog(app.store.engine, 1)
    with app.store.uow(read_only=True) as uow:
        assert set(uow.session.scalars(select(OutboxEntry.kind))) == {kind}

    small = _statements_for_first_page(app, clock(), 2)
    large = _statements_for_first_page(app, clock(), 20)

    assert large == small  # not one more query per record


# -- records the kiosk cannot build ---------------------------------------------------


def test_each_local_problem_goes_to_the_dead_letter_with_its_own_reason(online):
    app, engine = online
    request_gone, moved_answers = submit(app), submit(app)
    ticket_id = issue_ticket(app.context, "KTP_BARU").ticket_id
    cipher = app.context.cipher
    with app.store.uow() as uow:
        uow.session.execute(delete(ServiceRequest).where(ServiceRequest.id == request_gone))
        # answers sealed for another record: AnswerCipher.decrypt raises ValueError
        sealed_elsewhere = cipher.encrypt(json.dumps({"nik": "1"}), "another-request")
        uow.session.get(ServiceRequest, moved_answers).answers = sealed_elsewhere
        event_id = uow.session.scalars(
            select(TicketEvent.id).where(TicketEvent.ticket_id == ticket_id)
        ).one()
        uow.session.execute(delete(TicketEvent).where(TicketEvent.id == event_id))
        uow.commit()

    summary = push_pending(app.outbox, client_for(app))

    assert (summary.accepted, summary.rejected) == (2, 3)  # the "issued" events of two tickets
    assert app.outbox.status().dead_reasons == {
        "local: service request row missing": 1,
        "local: answers cannot be read: ValueError": 1,
        "local: ticket event row missing": 1,
    }
    with engine.connect() as connection:
        stored = set(connection.scalars(select(StoredRecord.id)))
    assert stored.isdisjoint({request_gone, moved_answers, event_id})


def test_answers_stored_before_encryption_are_sent_as_they_are(online):
    app, engine = online
    request_id = submit(app)
    with app.store.uow() as uow:  # stored in plain JSON, as before answers were sealed
        request = uow.session.get(ServiceRequest, request_id)
        request.answers = app.context.cipher.decrypt(request.answers, request_id)
        uow.commit()

    summary = push_pending(app.outbox, client_for(app))

    assert (summary.accepted, summary.rejected) == (2, 0)
    with engine.connect() as connection:
        payload = connection.scalar(
            select(StoredRecord.payload).where(StoredRecord.id == request_id)
        )
    # the LEGALISIR answers normalised, as in docs/sync-protocol.md, vector 1, less the
    # consent question form version 2 no longer asks (the notice asks it, once)
    assert json.loads(payload)["answers"] == {
        "nik": "3510091203850001",
        "nama": "BUDI SANTOSO",
        "dokumen": ["kk"],
        "jumlah_lembar": 2,
        "telepon": "+6281234567890",
    }


def test_a_request_whose_ticket_row_is_gone_is_built_without_number_or_day(app, clock):
    request_id = submit(app)
    with app.store.uow(read_only=True) as uow:
        ticket_id = uow.session.get(ServiceRequest, request_id).ticket_id
    # a damaged file: the ticket deleted behind the foreign key's back
    raw = sqlite3.connect(app.store.path)
    try:
        raw.execute("PRAGMA foreign_keys = OFF")
        raw.execute("DELETE FROM queue_tickets WHERE id = ?", (ticket_id,))
        raw.commit()
    finally:
        raw.close()

    (page,) = islice(app.outbox.due_pages(clock(), include_not_due=False, size=10), 2)

    (record,) = page.records
    assert record.id == request_id
    assert (record.payload["ticket_number"], record.payload["day"]) == (None, None)
    assert [why for _id, why in page.broken] == ["local: ticket event row missing"]


# -- reconciliation and the dead letter -----------------------------------------------


def test_reconcile_says_why_a_lost_record_is_queued_again_or_dead(online, clock):
    app, engine = online
    request_id = submit(app)
    (audit_id,) = seed_audit_backlog(app.store.engine, 1)
    assert push_pending(app.outbox, client_for(app)).accepted == 3
    clock.advance(days=31)
    assert purge_personal_data(app.context, 30) == 1  # sent, then past retention
    with engine.begin() as connection:  # the server restored an old backup
        connection.execute(delete(StoredRecord).where(StoredRecord.id.in_([request_id, audit_id])))

    result = reconcile(app.outbox, client_for(app))

    assert result.requeued == 1
    lost = entry(app, audit_id)
    assert (lost.state, lost.sent_at, lost.last_error) == ("pending", None, "missing on the server")
    purged = entry(app, request_id)
    assert (purged.state, purged.last_error) == ("dead", "missing on the server; answers purged")


def test_retry_dead_brings_back_a_dead_request_while_another_was_purged(app, clock):
    purged = submit(app)
    set_outbox(app, purged, state="dead", last_error="invalid_answers")
    clock.advance(days=61)  # past 30 days of retention and the 30 days of grace
    refused = submit(app)
    set_outbox(app, refused, state="dead", last_error="unknown_form")
    assert purge_personal_data(app.context, 30) == 1

    assert app.outbox.retry_dead() == 1

    assert entry(app, refused).state == "pending"
    assert entry(app, purged).state == "dead"  # sent again it would arrive empty


def test_retry_dead_leaves_sent_and_waiting_entries_alone(app):
    dead, sent, waiting = seed_audit_backlog(app.store.engine, 3)
    set_outbox(app, dead, state="dead", attempts=1, last_error="conflict")
    set_outbox(app, sent, state="sent", attempts=0, sent_at=datetime(2026, 11, 27, 1, 0))
    later = datetime(2026, 11, 27, 1, 5)
    set_outbox(app, waiting, attempts=2, next_attempt_at=later, last_error="HTTP 503")

    assert app.outbox.retry_dead() == 1

    assert (entry(app, dead).state, entry(app, dead).attempts) == ("pending", 0)
    assert (entry(app, sent).state, entry(app, sent).sent_at) == (
        "sent",
        datetime(2026, 11, 27, 1, 0),
    )
    kept = entry(app, waiting)
    assert (kept.state, kept.attempts, kept.next_attempt_at) == ("pending", 2, later)
