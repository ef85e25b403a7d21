"""The console's PIN lockout: it escalates, and a clock that is set cannot stretch it.

- Five wrong PINs in a row lock the console: 5 minutes the first time, 15 the second,
  60 the third and each time after. A right PIN ends the series (the next lock is 5 minutes
  again), and so does an admin's ``kiosk-admin lockout --clear``.
- While the program runs, a lock is measured on the monotonic clock, which setting the
  wall clock (by hand, or NTP when the village network comes back) does not move.
- Monotonic time does not survive a restart. After one, the lock resumes with what the wall
  clock says is left, but never more than the lock's own step: a clock set back (or
  forward) cannot keep the console locked longer than one step after the restart. From
  then on the new run's monotonic clock measures it.
- The state is one ``kiosk_state`` row, so pulling the plug does not reset it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kiosk.clock import MonotonicClock, as_utc
from kiosk.store.models import KioskState

FAILURES_TO_LOCK = 5
LOCK_STEPS = (timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
STATE_KEY = "console_lockout"
_OLD_STATE_KEY = "console_pin_failures"  # before escalation: {"count", "locked_until"}


def lock_step(level: int) -> timedelta:
    """The length of the ``level``-th lock of a series (1 = the first)."""
    return LOCK_STEPS[min(level, len(LOCK_STEPS)) - 1]


@dataclass
class Lockout:
    failures: int = 0
    """Wrong PINs since the last lock ended or the last right PIN."""
    level: int = 0
    """Locks in this series; a right PIN sets it back to 0."""
    step_s: int = 0
    """The length of the lock now running, in seconds; 0 when the console is not locked."""
    locked_at: str | None = None
    """When it began, on the wall clock (UTC, ISO 8601): for a restart, and for people."""
    run_id: str | None = None
    mono_until: float | None = None
    """Its end on the monotonic clock of run ``run_id``."""

    @property
    def locked(self) -> bool:
        return self.step_s > 0

    def seconds_left(self, now: datetime, monotonic: MonotonicClock) -> float:
        if not self.locked:
            return 0.0
        if self.run_id == monotonic.run_id and self.mono_until is not None:
            left = self.mono_until - monotonic()
        else:  # begun before a restart: the wall clock's word, capped at the step
            by_wall = float(self.step_s)
            if self.locked_at is not None:
                ends = as_utc(datetime.fromisoformat(self.locked_at)) + timedelta(
                    seconds=self.step_s
                )
                by_wall = (ends - now).total_seconds()
            left = min(float(self.step_s), by_wall)
        return max(0.0, left)

    def measure_from_here(self, left: float, monotonic: MonotonicClock) -> None:
        """Hand a lock begun in an earlier run to this run's monotonic clock."""
        self.run_id = monotonic.run_id
        self.mono_until = monotonic() + left

    def begin(self, now: datetime, monotonic: MonotonicClock) -> timedelta:
        self.level += 1
        step = lock_step(self.level)
        self.failures = 0
        self.step_s = int(step.total_seconds())
        self.locked_at = as_utc(now).isoformat()
        self.measure_from_here(step.total_seconds(), monotonic)
        return step

    def end(self) -> None:
        """A lock that ran out: the count starts afresh, the series goes on."""
        self.failures = 0
        self.step_s = 0
        self.locked_at = self.run_id = self.mono_until = None


def load_lockout(session: Session) -> Lockout:
    state = session.get(KioskState, STATE_KEY)
    if state is not None:
        data = json.loads(state.value)
        known = {f.name for f in fields(Lockout)}
        return Lockout(**{k: v for k, v in data.items() if k in known})
    old = session.get(KioskState, _OLD_STATE_KEY)
    if old is None:
        return Lockout()
    # A kiosk upgraded in the middle of a lock keeps it, as a first lock begun in an earlier
    # run: at most five more minutes.
    data = json.loads(old.value)
    session.delete(old)
    if data.get("locked_until"):
        step = lock_step(1)
        begun = as_utc(datetime.fromisoformat(data["locked_until"])) - step
        return Lockout(level=1, step_s=int(step.total_seconds()), locked_at=begun.isoformat())
    return Lockout(failures=int(data.get("count") or 0))


def save_lockout(session: Session, lockout: Lockout) -> None:
    session.merge(KioskState(key=STATE_KEY, value=json.dumps(asdict(lockout))))


def clear_lockout_state(session: Session) -> Lockout:
    """Forget the lock and the series; returns what there was."""
    lockout = load_lockout(session)
    state = session.get(KioskState, STATE_KEY)
    if state is not None:
        session.delete(state)
    return lockout
