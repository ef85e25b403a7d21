"""The unit of work's promises, each one a mutant the other tests let through.

Readers never wait for a writer; a writer holds the lock from its first statement; rows read
in a unit of work stay readable after it; a write refused at commit says why.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError

from kiosk.bootstrap import open_store
from kiosk.store import KioskState, StoreUnavailable, TicketEvent, open_engine
from kiosk.store.uow import make_uow_factory
from kiosk.usecases import KioskContext, issue_ticket, today_queue
from tests.fakes import FakeCatalogue


@pytest.fixture
def kiosk_file(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.db"
    open_store(path, tmp_path / "backups").engine.dispose()
    return path


@pytest.fixture
def impatient(kiosk_file: Path):
    """A store that gives up on a lock after 0.2 s instead of the kiosk's 10 s."""
    engine = open_engine(kiosk_file, busy_timeout_ms=200)
    yield make_uow_factory(engine)
    engine.dispose()


def test_the_queue_still_shows_while_another_writer_holds_the_lock(kiosk_file, impatient, clock):
    ctx = KioskContext(
        uow=impatient, catalogue=FakeCatalogue(), kiosk_id="k1", outpost="rogojampi", clock=clock
    )
    issue_ticket(ctx, "KTP")
    writer = sqlite3.connect(kiosk_file, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        queue = today_queue(ctx)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [t.number for s in queue.services.values() for t in s.waiting] == ["A-001"]


def test_a_writer_holds_the_lock_from_its_first_read(kiosk_file, impatient):
    other = sqlite3.connect(kiosk_file, isolation_level=None, timeout=0.2)
    try:
        with impatient() as uow:
            uow.session.execute(select(KioskState)).all()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
    finally:
        other.close()


def test_a_row_saved_in_a_unit_of_work_still_reads_after_it(impatient):
    with impatient() as uow:
        state = KioskState(key="sync.last_success_at", value="2026-11-27T01:00:00+00:00")
        uow.session.add(state)
        uow.commit()
    assert state.value == "2026-11-27T01:00:00+00:00"


def test_a_write_refused_at_commit_for_a_full_disk_says_so_and_keeps_nothing(kiosk_file):
    engine = open_engine(kiosk_file)
    with engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar()

    @event.listens_for(engine, "connect")
    def _full(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    uow_factory = make_uow_factory(engine)
    with pytest.raises(StoreUnavailable) as caught, uow_factory() as uow:
        uow.session.add(KioskState(key="big", value="x" * 1_000_000))
        uow.commit()
    assert caught.value.reason == "disk_full"
    event.remove(engine, "connect", _full)
    engine.dispose()
    with uow_factory(read_only=True) as uow:
        assert uow.session.get(KioskState, "big") is None
    engine.dispose()


def test_a_row_the_database_refuses_is_not_passed_off_as_a_store_fault(impatient, clock):
    with pytest.raises(IntegrityError), impatient() as uow:
        uow.session.add(
            TicketEvent(id="e1", ticket_id="no-such-ticket", event="called", at=clock())
        )
        uow.commit()
