"""The operator's queue actions as the staff screens and the day's records show them.

Each test here catches a mutant the other queue tests let through: who recalled a number,
who is shown as called, the tracking code's shape, a print counted, a refusal that names
the ticket's state, and reads that never wait behind a writer.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.bootstrap import open_store
from kiosk.store import open_engine
from kiosk.store.models import AuditEntry, TicketEvent
from kiosk.store.uow import make_uow_factory
from kiosk.usecases import (
    InvalidTransition,
    KioskContext,
    call_next,
    day_summary,
    issue_ticket,
    recall,
    reprint,
    today_queue,
)
from kiosk.usecases.queue import find_ticket, people_ahead, record_printed
from tests.fakes import FakeCatalogue

# Crockford's base 32, as read aloud: digits and capitals without I, L, O and U.
TRACKING_CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


def test_a_recall_records_the_operator_who_pressed_it(ctx):
    ticket = issue_ticket(ctx, "KTP")
    call_next(ctx, counter="1", operator_id="op-1")

    recall(ctx, ticket.ticket_id, operator_id="op-2")

    with ctx.uow(read_only=True) as uow:
        event = uow.session.scalars(
            select(TicketEvent).where(TicketEvent.event == "recalled")
        ).one()
        assert event.operator_id == "op-2"


def test_the_queue_shows_the_number_just_called(ctx):
    issue_ticket(ctx, "KK")
    issue_ticket(ctx, "KK")

    call_next(ctx, counter="2")

    kk = today_queue(ctx).services["KK"]
    assert [t.number for t in kk.called] == ["B-001"]
    assert [t.number for t in kk.waiting] == ["B-002"]


def test_a_tracking_code_reads_as_three_groups_of_four(ctx):
    for _ in range(20):
        assert TRACKING_CODE.fullmatch(issue_ticket(ctx, "KTP").tracking_code)


def test_a_first_print_is_counted(ctx):
    ticket = issue_ticket(ctx, "KTP")

    record_printed(ctx, ticket.ticket_id)

    assert find_ticket(ctx, ticket.ticket_id).print_count == 1


def test_a_refused_recall_names_the_ticket_and_its_state(ctx):
    ticket = issue_ticket(ctx, "KTP")

    with pytest.raises(InvalidTransition) as refused:
        recall(ctx, ticket.ticket_id)

    assert (refused.value.number, refused.value.status, refused.value.action) == (
        "A-001",
        "waiting",
        "recall",
    )


def test_the_staff_screens_read_while_another_writer_holds_the_lock(tmp_path: Path, clock):
    path = tmp_path / "kiosk.db"
    open_store(path, tmp_path / "backups").engine.dispose()
    engine = open_engine(path, busy_timeout_ms=200)  # gives up after 0.2 s, not 10 s
    ctx = KioskContext(
        uow=make_uow_factory(engine),
        catalogue=FakeCatalogue(),
        kiosk_id="k1",
        outpost="rogojampi",
        clock=clock,
    )
    ticket = issue_ticket(ctx, "KTP")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        summary = day_summary(ctx)
        found = find_ticket(ctx, ticket.ticket_id)
        ahead, _wait = people_ahead(ctx, ticket.ticket_id)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()
    assert summary.total_issued == 1
    assert found.number == "A-001"
    assert ahead == 0


def test_a_new_ticket_has_its_issued_event(ctx):
    ticket = issue_ticket(ctx, "KTP")

    with ctx.uow(read_only=True) as uow:
        events = uow.session.scalars(
            select(TicketEvent.event).where(TicketEvent.ticket_id == ticket.ticket_id)
        ).all()
    assert events == ["issued"]


def test_the_day_summary_names_each_service(ctx):
    issue_ticket(ctx, "KTP")
    issue_ticket(ctx, "KK")

    summary = day_summary(ctx)

    assert sorted(s.service_code for s in summary.services) == ["KK", "KTP"]


def test_a_reprint_is_audited_under_the_operator(ctx):
    ticket = issue_ticket(ctx, "KTP")

    reprint(ctx, ticket.ticket_id, operator_id="op-3")

    with ctx.uow(read_only=True) as uow:
        rows = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ticket_reprinted")
        ).all()
        assert [(a.actor_id, a.detail) for a in rows] == [("op-3", {"number": "A-001"})]


def test_the_queue_shows_the_counter_new_tickets_go_to(ctx):
    for _ in range(3):
        issue_ticket(ctx, "KK")  # the fake catalogue sends KK to counter 2
    call_next(ctx, counter="3")  # two other counters help out for a while
    call_next(ctx, counter="4")

    assert today_queue(ctx).services["KK"].counter == "2"
