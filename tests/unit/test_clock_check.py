"""The kiosk knows when its clock is implausible: against the release, its own records and
the server's clock as last measured."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from kiosk.usecases import issue_ticket
from kiosk.usecases.clock_check import clock_status, record_clock_skew, warning_lines
from kiosk.version import BUILD_DATE
from sync.client import ClockReading

AFTER_RELEASE = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 WIB, a week after the release


def test_the_build_date_is_not_in_the_future():
    """A build date after the day the release's tests run would flag every right clock.
    (The date of the machine running the tests; a release is tested before it ships.)"""
    assert datetime.now(UTC).date() >= BUILD_DATE


def test_a_right_clock_gives_no_warning(ctx, clock):
    clock.set_to(AFTER_RELEASE)
    issue_ticket(ctx, "KTP")
    clock.advance(minutes=5)

    status = clock_status(ctx)

    assert status.warnings == ()
    assert status.newest_record_at == AFTER_RELEASE
    assert status.skew is None


def test_a_clock_before_the_release_is_implausible(ctx, clock):
    clock.set_to(datetime(2000, 1, 1, 1, 0, tzinfo=UTC))  # a flat CMOS battery

    status = clock_status(ctx)

    assert status.warnings == ("before_build",)
    assert "before this release was made" in warning_lines(status)[0]


def test_a_clock_earlier_than_the_newest_record_is_implausible(ctx, clock):
    clock.set_to(AFTER_RELEASE)
    issue_ticket(ctx, "KTP")
    clock.set_to(AFTER_RELEASE - timedelta(hours=3))  # set back by hand

    assert clock_status(ctx).warnings == ("before_records",)


def test_a_minute_back_from_ntp_is_not_a_warning(ctx, clock):
    clock.set_to(AFTER_RELEASE)
    issue_ticket(ctx, "KTP")
    clock.set_to(AFTER_RELEASE - timedelta(seconds=90))

    assert clock_status(ctx).warnings == ()


def test_a_large_skew_is_stored_warned_and_logged_once(ctx, clock, caplog):
    clock.set_to(AFTER_RELEASE)
    server = AFTER_RELEASE + timedelta(hours=1)
    with caplog.at_level(logging.INFO, logger="kiosk.usecases.clock_check"):
        record_clock_skew(
            ctx.uow, 3600.2, kiosk_time=AFTER_RELEASE, server_time=server, round_trip_s=0.01
        )
        clock.advance(seconds=30)
        record_clock_skew(
            ctx.uow, 3600.4, kiosk_time=clock(), server_time=server, round_trip_s=0.01
        )

    status = clock_status(ctx)

    assert status.skew is not None and status.skew.skew_s == 3600.4
    assert status.warnings == ("skew",)
    assert "1 h 0 min behind the server's" in warning_lines(status)[0]
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "1 h 0 min behind" in caplog.records[0].getMessage()


def test_a_clock_put_right_is_logged_and_stops_warning(ctx, clock, caplog):
    clock.set_to(AFTER_RELEASE)
    record_clock_skew(ctx.uow, -600.0, kiosk_time=clock(), server_time=clock(), round_trip_s=0.01)
    with caplog.at_level(logging.INFO, logger="kiosk.usecases.clock_check"):
        record_clock_skew(ctx.uow, 0.3, kiosk_time=clock(), server_time=clock(), round_trip_s=0.01)

    assert clock_status(ctx).warnings == ()
    assert "agrees with the server's again" in caplog.text


def test_records_from_a_clock_that_ran_ahead_do_not_flag_a_clock_the_server_confirmed(ctx, clock):
    clock.set_to(datetime(2031, 1, 1, 1, 0, tzinfo=UTC))  # ran a few years ahead
    issue_ticket(ctx, "KTP")
    clock.set_to(AFTER_RELEASE)  # put right by NTP; the server agrees
    record_clock_skew(ctx.uow, 0.4, kiosk_time=clock(), server_time=clock(), round_trip_s=0.01)

    assert clock_status(ctx).warnings == ()

    clock.advance(days=2)  # the confirmation is two days old: the records speak again
    assert clock_status(ctx).warnings == ("before_records",)


def test_a_reading_stays_true_when_the_kiosk_clock_is_set_after_it():
    """The server's time is placed on the monotonic clock at the midpoint of the exchange."""
    server_time = datetime(2026, 12, 7, 2, 0, 0, tzinfo=UTC)
    reading = ClockReading(server_time=server_time, mono=100.5, round_trip_s=1.0)
    kiosk_then = datetime(2026, 12, 7, 1, 0, 0, tzinfo=UTC)  # 1 h behind

    assert reading.skew_s(kiosk_then, 100.5) == 3600.0
    # ten seconds later someone set the kiosk's clock right: the reading still measures it
    assert reading.skew_s(server_time + timedelta(seconds=10), 110.5) == 0.0
