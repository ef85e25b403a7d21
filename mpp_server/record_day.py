"""The day a record is filed under, and whether its time can be trusted.

A record keeps the kiosk's time as written (``created_at``, part of its content hash). The
server also knows when it received the record (its own clock) and, from kiosks that send
it, the kiosk's clock skew at that push (server time minus kiosk time). From these:

- ``created_at + skew`` is the record's time on the server's clock, if the kiosk's clock
  was as wrong when it wrote the record as when it pushed it (the usual case: a clock that
  booted wrong and was never corrected);
- with a skew of 10 minutes or more the record is filed by that corrected time and
  flagged ``corrected``. Below that the kiosk's own time is kept: the measurement's own
  error and a clock that drifted between writing and pushing are of that order, and the
  day changes only for records a few minutes from midnight;
- a time (corrected when the skew is known) before 2024-01-01 or more than 5 minutes ahead
  of the server's clock is ``implausible``: the record is filed under the day the server
  received it, the one day known to be no earlier than the record's, and flagged, instead
  of landing silently in 2000 or 2031.

The kiosk's registration date is not used as a bound: a kiosk may be set up and used
offline before its token is made, and a server moved to a new database registers its
kiosks again, after which their whole history is sent again and would all be filed under
the day it arrived.

The expected days in tests/integration/test_server_record_time.py are written by hand.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Literal

from forms.wib import WIB

TimeFlag = Literal["corrected", "implausible"]

CORRECT_FROM_S = 600.0
"""A skew this large or larger (either way) files records by the corrected time."""
EARLIEST = datetime(2024, 1, 1, tzinfo=WIB).astimezone(UTC)
"""No kiosk of this system wrote a record before 2024 (a CMOS reset reads 2000-01-01)."""
AHEAD_OF_SERVER = timedelta(minutes=5)


def wib_day(moment: datetime) -> date:
    return moment.astimezone(WIB).date()


def file_record(
    created_at: datetime, clock_skew_s: float | None, received_at: datetime
) -> tuple[date, TimeFlag | None]:
    """(the WIB day to file the record under, its time flag or None)."""
    when = created_at
    try:
        if clock_skew_s is not None:
            when = created_at + timedelta(seconds=clock_skew_s)
    except OverflowError:  # past year 9999 or before year 1: nothing to file it by
        return wib_day(received_at), "implausible"
    if when < EARLIEST or when > received_at + AHEAD_OF_SERVER:
        return wib_day(received_at), "implausible"
    if clock_skew_s is not None and abs(clock_skew_s) >= CORRECT_FROM_S:
        return wib_day(when), "corrected"
    return wib_day(created_at), None
