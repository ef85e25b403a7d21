"""The queue day: which day's numbering a ticket belongs to, safe against a clock that jumps.

Kiosk PCs boot with wrong clocks (a dead CMOS battery says 2000-01-01) and get corrected
mid-morning when the network brings NTP. If the queue day were simply the wall clock's WIB
date, a jump to another date and back would restart the numbering: two residents holding
``A-001`` on one morning. So:

- While the program runs, a new queue day starts only when the wall clock crosses midnight
  WIB *and* the monotonic clock agrees that the time passed. Each reading is compared with
  the last one: if the wall clock moved by what the monotonic clock measured (give or take
  ``JUMP_TOLERANCE``), the midnights it crossed are real and the day moves by that many; if
  not, the clock was set (a correction, not a new day): the day stays, and later readings
  are measured from the corrected clock.
- Monotonic time does not survive a restart. After one, the wall clock decides, except that
  a clock earlier than the last reading before the restart keeps that day: a kiosk that
  rebooted into 2000-01-01 goes on with the day it had, never back to a day whose numbers
  may already be in residents' hands.

The state is one ``kiosk_state`` row, written in the same transaction as the ticket it
numbered.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from kiosk.clock import MonotonicClock, as_utc, wib_day
from kiosk.store.state import read_state, write_state

STATE_KEY = "queue_day"
JUMP_TOLERANCE = timedelta(minutes=2)
"""How far the wall clock may drift from the monotonic clock between two readings without
counting as a jump (NTP slews a clock by far less)."""


@dataclass(frozen=True)
class QueueDayState:
    day: str  # ISO date of the queue day
    wall: str  # the wall clock at the last reading (UTC, ISO 8601)
    mono: float  # the monotonic clock at the last reading
    run_id: str  # the run the monotonic reading belongs to


def decide(state: QueueDayState | None, now: datetime, mono: float, run_id: str) -> QueueDayState:
    """The queue day at ``now`` (wall) and ``mono`` (monotonic), given the last reading."""
    now = as_utc(now)
    if state is None:
        return QueueDayState(wib_day(now).isoformat(), now.isoformat(), mono, run_id)
    day, last_wall = date.fromisoformat(state.day), datetime.fromisoformat(state.wall)
    if state.run_id == run_id:
        elapsed = timedelta(seconds=max(0.0, mono - state.mono))
        if abs((now - last_wall) - elapsed) <= JUMP_TOLERANCE:
            day += timedelta(days=max(0, (wib_day(now) - wib_day(last_wall)).days))
        else:  # the clock was set: only the midnights the monotonic clock saw pass count
            day += timedelta(days=(wib_day(last_wall + elapsed) - wib_day(last_wall)).days)
    elif now >= last_wall:  # a restart with a clock that went forward: the calendar decides
        day = max(day, wib_day(now))
    return QueueDayState(day.isoformat(), now.isoformat(), mono, run_id)


def _load(session: Session) -> QueueDayState | None:
    value = read_state(session, STATE_KEY)
    return QueueDayState(**json.loads(value)) if value is not None else None


def current_queue_day(session: Session, now: datetime, monotonic: MonotonicClock) -> date:
    """The queue day now, without remembering the reading (for read-only transactions)."""
    return date.fromisoformat(decide(_load(session), now, monotonic(), monotonic.run_id).day)


def advance_queue_day(session: Session, now: datetime, monotonic: MonotonicClock) -> date:
    """The queue day now, remembered in the caller's write transaction."""
    state = decide(_load(session), now, monotonic(), monotonic.run_id)
    write_state(session, STATE_KEY, json.dumps(asdict(state)))
    return date.fromisoformat(state.day)
