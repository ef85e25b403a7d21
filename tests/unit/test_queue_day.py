"""A kiosk whose clock is set never shows two residents the same number on one real day."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.usecases import issue_ticket, today_queue
from kiosk.usecases.queue_day import QueueDayState, decide

MORNING = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 08:00 WIB, Friday 27 November


def at(state: QueueDayState | None, wall: datetime, mono: float, run: str = "r1") -> str:
    return decide(state, wall, mono, run).day


@pytest.mark.parametrize(
    ("jump", "expected_day"),
    [
        (timedelta(days=-1), "2026-11-27"),  # set back a day
        (timedelta(days=1), "2026-11-27"),  # set forward a day
        (datetime(2000, 1, 1, tzinfo=UTC) - MORNING, "2026-11-27"),  # dead CMOS battery
        (timedelta(days=365), "2026-11-27"),  # forward a year
        (timedelta(hours=17), "2026-11-27"),  # past midnight WIB with no time elapsed
    ],
)
def test_a_clock_set_without_time_passing_keeps_the_day(jump, expected_day) -> None:
    first = decide(None, MORNING, 100.0, "r1")
    assert at(first, MORNING + jump, 101.0) == expected_day


def test_midnight_wib_starts_a_new_day_when_the_time_really_passed() -> None:
    first = decide(None, MORNING, 100.0, "r1")
    late = decide(first, datetime(2026, 11, 27, 16, 59, tzinfo=UTC), 100.0 + 15.98 * 3600, "r1")
    assert late.day == "2026-11-27"  # 23:59 WIB
    after = decide(late, datetime(2026, 11, 27, 17, 1, tzinfo=UTC), 100.0 + 16.02 * 3600, "r1")
    assert after.day == "2026-11-28"  # 00:01 WIB


def test_a_corrected_clock_counts_midnights_the_monotonic_clock_saw() -> None:
    wrong = decide(None, datetime(2000, 1, 1, 1, tzinfo=UTC), 50.0, "r1")  # booted wrong
    # NTP sets the real time 20 hours of running later: one midnight really passed.
    fixed = decide(wrong, datetime(2026, 11, 27, 21, tzinfo=UTC), 50.0 + 20 * 3600, "r1")
    assert fixed.day == "2000-01-02"
    # from then on the corrected clock's own midnights count
    nxt = decide(fixed, datetime(2026, 11, 28, 17, 1, tzinfo=UTC), 50.0 + 40.02 * 3600, "r1")
    assert nxt.day == "2000-01-03"


def test_after_a_restart_a_clock_earlier_than_before_keeps_the_last_day() -> None:
    before = decide(None, MORNING, 100.0, "r1")
    assert at(before, datetime(2000, 1, 1, tzinfo=UTC), 5.0, "r2") == "2026-11-27"
    assert at(before, MORNING + timedelta(days=1), 5.0, "r2") == "2026-11-28"  # next morning


def test_scripted_jumps_while_issuing_never_repeat_a_number(ctx, clock) -> None:
    """One real morning: tickets every few minutes while the clock is set back and forth."""
    real = clock.now
    numbers: list[str] = []
    script = [
        timedelta(days=-1),
        timedelta(0),
        timedelta(days=1),
        datetime(2000, 1, 1, tzinfo=UTC) - real,
        timedelta(0),
        timedelta(days=365),
        timedelta(0),
    ]
    for offset in script:
        for _ in range(5):
            clock.advance(minutes=3)
            real += timedelta(minutes=3)
            clock.set_to(real + offset)  # the wall clock says what it was set to
            numbers.append(issue_ticket(ctx, "KTP").number)
    assert [n for n, seen in Counter(numbers).items() if seen > 1] == []
    assert numbers[0] == "A-001" and numbers[-1] == f"A-{len(numbers):03d}"
    assert today_queue(ctx).waiting_total == len(numbers)  # all still in today's queue


def test_the_queue_day_is_stored_with_the_ticket(ctx, clock) -> None:
    issue_ticket(ctx, "KTP")
    clock.set_to(datetime(2000, 1, 1, tzinfo=UTC))
    second = issue_ticket(ctx, "KTP")
    assert second.number == "A-002"
    assert date(2000, 1, 1) != date(2026, 11, 27)


def test_a_clock_set_during_a_service_does_not_skew_the_estimate(ctx, clock) -> None:
    from kiosk.usecases import call_next, day_summary, mark_served

    for minutes in (6, 8):
        issue_ticket(ctx, "KTP")
        ticket = call_next(ctx, service_code="KTP")
        clock.advance(minutes=minutes)
        mark_served(ctx, ticket.ticket_id)
    issue_ticket(ctx, "KTP")
    ticket = call_next(ctx, service_code="KTP")
    clock.set_to(clock.now - timedelta(days=1))  # set back a day mid-service
    clock.advance(minutes=5)
    mark_served(ctx, ticket.ticket_id)
    (row,) = day_summary(ctx).services
    assert row.served == 3
    assert row.mean_service_min == pytest.approx(7)  # (6 + 8) / 2: the set-back one left out
