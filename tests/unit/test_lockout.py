"""The console lockout escalates (5, 15, 60 minutes), is measured on a monotonic clock that
a wall clock set back or forward does not move, survives a restart capped at its step, and
each lock is in the synced audit log."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import select

from kiosk.store.models import AuditEntry, KioskState, OutboxEntry
from kiosk.usecases import ConsoleLocked, PinRejected, add_operator, unlock_console
from kiosk.usecases.operators import clear_lockout, lockout_status
from tests.fakes import SteppingMonotonic

RIGHT = "482913"
WRONG = "000001"


@pytest.fixture
def monotonic() -> SteppingMonotonic:
    return SteppingMonotonic()


@pytest.fixture
def kiosk(ctx, monotonic):  # noqa: ANN001, ANN201
    ctx = dataclasses.replace(ctx, monotonic=monotonic)
    add_operator(ctx, "Bu Sri", "operator", RIGHT)
    return ctx


def lock_out(ctx) -> ConsoleLocked:  # noqa: ANN001
    """Five wrong PINs; returns the lock they cause."""
    for _ in range(4):
        with pytest.raises(PinRejected):
            unlock_console(ctx, WRONG)
    with pytest.raises(ConsoleLocked) as caught:
        unlock_console(ctx, WRONG)
    return caught.value


def still_locked(ctx) -> bool:  # noqa: ANN001
    try:
        unlock_console(ctx, RIGHT)
    except ConsoleLocked:
        return True
    return False


def minutes_left(ctx) -> float:  # noqa: ANN001
    with pytest.raises(ConsoleLocked) as caught:
        unlock_console(ctx, RIGHT)
    return caught.value.seconds_left / 60


def audit(ctx, action: str) -> list[tuple[str, dict]]:  # noqa: ANN001
    """(id, detail) of each audit entry of ``action``, oldest first."""
    with ctx.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(AuditEntry.id, AuditEntry.detail)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
        return [(row.id, row.detail) for row in rows]


def test_locks_escalate_5_15_60_then_stay_at_60(kiosk, monotonic):
    for minutes in (5, 15, 60, 60):
        lock = lock_out(kiosk)
        assert lock.seconds_left == minutes * 60
        monotonic.advance(minutes=minutes, seconds=-1)
        assert still_locked(kiosk)
        monotonic.advance(seconds=2)


def test_a_right_pin_ends_the_series(kiosk, monotonic):
    lock_out(kiosk)
    monotonic.advance(minutes=5, seconds=1)
    assert unlock_console(kiosk, RIGHT).name == "Bu Sri"
    assert lock_out(kiosk).seconds_left == 5 * 60


def test_a_clock_set_back_30_days_does_not_stretch_a_running_lock(kiosk, clock, monotonic):
    lock_out(kiosk)
    clock.advance(days=-30)  # someone sets the clock back, or NTP corrects a wrong one
    monotonic.advance(minutes=4)
    assert still_locked(kiosk)
    monotonic.advance(minutes=1, seconds=1)
    assert unlock_console(kiosk, RIGHT).name == "Bu Sri"


def test_a_clock_set_forward_does_not_shorten_a_running_lock(kiosk, clock, monotonic):
    lock_out(kiosk)
    clock.advance(days=2)
    assert still_locked(kiosk)
    assert minutes_left(kiosk) == 5


def test_after_a_restart_the_wall_clock_counts_what_is_left(kiosk, clock, monotonic):
    lock_out(kiosk)
    clock.advance(minutes=2)
    monotonic.advance(minutes=2)
    monotonic.restart()  # the plug pulled: the monotonic clock starts again
    clock.advance(seconds=30)
    assert minutes_left(kiosk) == pytest.approx(2.5)
    monotonic.advance(minutes=2, seconds=31)
    assert unlock_console(kiosk, RIGHT).name == "Bu Sri"


def test_after_a_restart_a_clock_set_back_keeps_it_locked_one_step_at_most(kiosk, clock, monotonic):
    lock_out(kiosk)
    monotonic.restart()
    clock.advance(days=-30)  # the wall clock now says the lock has 30 days to go
    assert minutes_left(kiosk) == 5
    clock.advance(days=-1)  # and it does not start again at every look
    monotonic.advance(minutes=4, seconds=59)
    assert still_locked(kiosk)
    monotonic.advance(seconds=2)
    assert unlock_console(kiosk, RIGHT).name == "Bu Sri"


def test_after_a_restart_a_longer_lock_is_capped_at_its_own_step(kiosk, clock, monotonic):
    for _ in range(2):
        lock_out(kiosk)
        monotonic.advance(minutes=60)
    assert lock_out(kiosk).seconds_left == 60 * 60  # the third lock
    monotonic.restart()
    clock.advance(days=-30)
    assert minutes_left(kiosk) == 60


def test_each_lock_is_in_the_synced_audit_log(kiosk, monotonic):
    lock_out(kiosk)
    monotonic.advance(minutes=6)
    lock_out(kiosk)

    locks = audit(kiosk, "console_locked")
    assert [(detail["level"], detail["minutes"]) for _, detail in locks] == [(1, 5), (2, 15)]
    with kiosk.uow(read_only=True) as uow:
        queued = set(uow.session.scalars(select(OutboxEntry.record_id)))
    assert {entry_id for entry_id, _ in locks} <= queued
    assert len(audit(kiosk, "pin_rejected")) == 10


def test_an_admin_clears_a_lock_and_it_is_audited(kiosk, monotonic):
    lock_out(kiosk)
    assert lockout_status(kiosk).locked
    cleared = clear_lockout(kiosk, via="kiosk-admin (root)")
    assert cleared.locked and cleared.level == 1
    assert not lockout_status(kiosk).locked
    assert unlock_console(kiosk, RIGHT).name == "Bu Sri"
    assert audit(kiosk, "console_lock_cleared")[0][1]["via"] == "kiosk-admin (root)"


def test_a_lock_from_before_the_upgrade_is_kept_for_at_most_five_minutes(kiosk, clock, monotonic):
    # The old format: one wall-clock deadline, here a year off after a wrong clock.
    old = {"count": 0, "locked_until": clock().replace(year=clock().year + 1).isoformat()}
    with kiosk.uow() as uow:
        uow.session.add(KioskState(key="console_pin_failures", value=json.dumps(old)))
        uow.commit()
    assert minutes_left(kiosk) == 5
    monotonic.advance(minutes=5, seconds=1)
    assert unlock_console(kiosk, RIGHT).name == "Bu Sri"
