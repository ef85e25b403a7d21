"""Operator PINs: slow hash, five wrong PINs lock the console (first for five minutes; the
escalation and the clock rules are in test_lockout.py)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from kiosk.store.models import AuditEntry, OperatorAccount
from kiosk.usecases import ConsoleLocked, PinRejected, WeakPin, add_operator, unlock_console
from kiosk.usecases.operators import change_pin
from tests.fakes import SteppingMonotonic


def test_pin_is_stored_slow_hashed(ctx):
    add_operator(ctx, "Bu Sri", "operator", "482913")
    with ctx.uow(read_only=True) as uow:
        stored = uow.session.scalars(select(OperatorAccount.pin_hash)).one()
    assert stored.startswith("scrypt$") and "482913" not in stored


def test_right_pin_unlocks_and_is_audited(ctx):
    op = add_operator(ctx, "Bu Sri", "operator", "482913")
    assert unlock_console(ctx, "482913") == op
    with ctx.uow(read_only=True) as uow:
        actions = uow.session.scalars(select(AuditEntry.action)).all()
    assert "console_unlocked" in actions


def test_five_wrong_pins_lock_for_five_minutes(ctx):
    monotonic = SteppingMonotonic()
    ctx = dataclasses.replace(ctx, monotonic=monotonic)
    add_operator(ctx, "Bu Sri", "operator", "482913")
    for left in (4, 3, 2, 1):
        with pytest.raises(PinRejected) as caught:
            unlock_console(ctx, "000001")
        assert caught.value.attempts_left == left
    with pytest.raises(ConsoleLocked):
        unlock_console(ctx, "000001")
    with pytest.raises(ConsoleLocked):  # even the right PIN waits out the lock
        unlock_console(ctx, "482913")
    monotonic.advance(minutes=5, seconds=1)
    assert unlock_console(ctx, "482913").name == "Bu Sri"


def test_operator_pin_does_not_open_admin_panel(ctx):
    add_operator(ctx, "Bu Sri", "operator", "482913")
    add_operator(ctx, "Pak Adi", "admin", "739164")
    with pytest.raises(PinRejected):
        unlock_console(ctx, "482913", require_admin=True)
    assert unlock_console(ctx, "739164", require_admin=True).role == "admin"


@pytest.mark.parametrize("pin", ["1234", "111111", "123456", "abcdef", "98765"])
def test_weak_pins_are_refused(ctx, pin):
    with pytest.raises(WeakPin):
        add_operator(ctx, "X", "operator", pin)


def test_change_pin(ctx):
    op = add_operator(ctx, "Bu Sri", "operator", "482913")
    change_pin(ctx, op.id, "482913", "571830")
    with pytest.raises(PinRejected):
        unlock_console(ctx, "482913")
    assert unlock_console(ctx, "571830").id == op.id
