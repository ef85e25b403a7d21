"""Queue numbers and the operator's actions, on a real SQLite file."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from kiosk.store.models import OutboxEntry, QueueTicket, TicketEvent
from kiosk.usecases import (
    InvalidTransition,
    KioskContext,
    UnknownService,
    call_next,
    day_summary,
    issue_ticket,
    mark_no_show,
    mark_served,
    recall,
    reprint,
    today_queue,
    void_ticket,
)
from kiosk.usecases.numbering import format_number


def count(ctx: KioskContext, model) -> int:  # noqa: ANN001
    with ctx.uow(read_only=True) as uow:
        return uow.session.scalar(select(func.count()).select_from(model))


def test_numbers_count_up_per_service_letter(ctx):
    numbers = [issue_ticket(ctx, code).number for code in ("KTP", "KTP", "KK", "KTP")]
    assert numbers == ["A-001", "A-002", "B-001", "A-003"]


def test_numbers_restart_at_midnight_wib_not_utc(ctx, clock):
    assert issue_ticket(ctx, "KTP").number == "A-001"
    clock.advance(hours=15, minutes=59)  # 16:59 UTC = 23:59 WIB, same day
    assert issue_ticket(ctx, "KTP").number == "A-002"
    clock.advance(minutes=2)  # 00:01 WIB next day
    assert issue_ticket(ctx, "KTP").number == "A-001"


def test_device_mark_leads_the_number(store, clock):
    from tests.fakes import FakeCatalogue

    ctx = KioskContext(
        uow=store.uow,
        catalogue=FakeCatalogue(),
        kiosk_id="k2",
        outpost="genteng",
        device_mark=2,
        clock=clock,
        monotonic=clock.monotonic,
    )
    assert issue_ticket(ctx, "KK").number == "2B-001"
    assert format_number("B", 17, 0) == "B-017"


def test_issuing_writes_ticket_event_and_outbox_together(ctx):
    issue_ticket(ctx, "KTP")
    assert count(ctx, QueueTicket) == 1
    assert count(ctx, TicketEvent) == 1
    with ctx.uow(read_only=True) as uow:
        entry = uow.session.scalars(select(OutboxEntry)).one()
        assert (entry.kind, entry.state) == ("ticket_event", "pending")


def test_unknown_service_stores_nothing(ctx):
    with pytest.raises(UnknownService):
        issue_ticket(ctx, "NOPE")
    assert count(ctx, QueueTicket) == 0
    assert count(ctx, OutboxEntry) == 0


def test_two_threads_never_get_the_same_number(ctx):
    numbers: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            number = issue_ticket(ctx, "KTP").number
            with lock:
                numbers.append(number)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(numbers) == 100
    assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, 101)]


def test_numbers_continue_after_restart(tmp_path, clock):
    from kiosk.bootstrap import open_store
    from tests.fakes import FakeCatalogue

    for expected in ("A-001", "A-002"):
        store = open_store(tmp_path / "k.db", tmp_path / "b")
        ctx = KioskContext(
            uow=store.uow,
            catalogue=FakeCatalogue(),
            kiosk_id="k1",
            outpost="rogojampi",
            clock=clock,
            monotonic=clock.monotonic,
        )
        assert issue_ticket(ctx, "KTP").number == expected
        store.engine.dispose()


def test_call_next_takes_the_oldest_waiting_ticket_of_the_counter(ctx, clock):
    first = issue_ticket(ctx, "KK")
    clock.advance(seconds=5)
    issue_ticket(ctx, "BPJS")
    issue_ticket(ctx, "KTP")  # counter 1: not called at counter 2
    called = call_next(ctx, counter="2")
    assert called.number == first.number and called.status == "called"
    assert call_next(ctx, counter="2", allow_second=True).number == "C-001"
    assert call_next(ctx, counter="2", allow_second=True) is None


def test_operator_actions_change_the_queue(ctx, clock):
    issued = [issue_ticket(ctx, "KTP") for _ in range(4)]
    a = call_next(ctx, service_code="KTP")
    clock.advance(minutes=6)
    assert recall(ctx, a.ticket_id).recall_count == 1
    assert mark_served(ctx, a.ticket_id).status == "served"
    b = call_next(ctx, service_code="KTP")
    assert mark_no_show(ctx, b.ticket_id).status == "no_show"
    assert void_ticket(ctx, issued[3].ticket_id).status == "void"
    queue = today_queue(ctx).services["KTP"]
    assert [t.number for t in queue.waiting] == ["A-003"]
    assert queue.done == 3
    # the rolling mean of the one real service time (6 min) replaces the 12-min estimate
    assert queue.estimated_wait_minutes == 6


def test_invalid_transitions_are_refused_and_change_nothing(ctx):
    t = issue_ticket(ctx, "KTP")
    with pytest.raises(InvalidTransition):
        mark_served(ctx, t.ticket_id)  # never called
    void_ticket(ctx, t.ticket_id)
    with pytest.raises(InvalidTransition):
        void_ticket(ctx, t.ticket_id)
    events = count(ctx, TicketEvent)
    assert events == 2  # issued, void


def test_reprint_keeps_the_number(ctx):
    t = issue_ticket(ctx, "KTP")
    again = reprint(ctx, t.ticket_id)
    assert again.number == t.number and again.print_count == 1


def test_people_ahead_and_estimated_wait_from_catalogue(ctx):
    issue_ticket(ctx, "KK")
    issue_ticket(ctx, "KK")
    third = issue_ticket(ctx, "KK")
    assert third.people_ahead == 2
    assert third.estimated_wait_minutes == 30  # 2 × 15 min catalogue estimate


def test_day_summary_counts_and_times(ctx, clock):
    for _ in range(3):
        issue_ticket(ctx, "KTP")
    for minutes in (4, 10):
        t = call_next(ctx, service_code="KTP")
        clock.advance(minutes=minutes)
        mark_served(ctx, t.ticket_id)
    summary = day_summary(ctx)
    (row,) = summary.services
    assert (row.issued, row.served, row.waiting) == (3, 2, 1)
    assert row.mean_service_min == pytest.approx(7)
    assert summary.total_served == 2
    assert row.p90_wait_min is not None and row.p90_wait_min >= row.mean_wait_min


def test_queue_of_another_day_is_not_today(ctx, clock):
    issue_ticket(ctx, "KTP")
    clock.advance(days=1)
    assert today_queue(ctx).waiting_total == 0


def test_people_ahead_of_a_stored_ticket_follows_the_issue_rule(ctx):
    from kiosk.usecases import people_ahead

    issue_ticket(ctx, "KK")
    issue_ticket(ctx, "KK")
    third = issue_ticket(ctx, "KK")
    assert (
        people_ahead(ctx, third.ticket_id)
        == (2, 30)
        == (
            third.people_ahead,
            third.estimated_wait_minutes,
        )
    )
    first = call_next(ctx, service_code="KK")
    assert people_ahead(ctx, third.ticket_id) == (1, 15)
    assert people_ahead(ctx, first.ticket_id) == (0, 0)
