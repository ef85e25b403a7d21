"""What the operator and the admin see of queue actions, lockouts and accounts."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import select

from kiosk.store.models import AuditEntry
from kiosk.usecases import (
    ConsoleLocked,
    PinRejected,
    add_operator,
    call_next,
    issue_ticket,
    recall,
    today_queue,
    unlock_console,
)
from kiosk.usecases.queue_day import current_queue_day
from tests.fakes import SteppingMonotonic


def test_a_recall_is_audited_with_the_operator_who_made_it(ctx) -> None:
    operator = add_operator(ctx, "Bu Sri", "operator", "246810")
    issue_ticket(ctx, "KTP")
    called = call_next(ctx, service_code="KTP", operator_id=operator.id)
    view = recall(ctx, called.ticket_id, operator.id)
    assert (view.status, view.recall_count, view.has_request) == ("called", 1, False)
    with ctx.uow(read_only=True) as uow:
        actor, detail = uow.session.execute(
            select(AuditEntry.actor_id, AuditEntry.detail).where(
                AuditEntry.action == "ticket_recalled"
            )
        ).one()
    assert actor == operator.id and detail["number"] == "A-001"


def test_todays_queue_names_its_day_and_keeps_number_order_at_the_same_moment(ctx) -> None:
    numbers = [issue_ticket(ctx, "KTP").number for _ in range(3)]  # the clock does not move
    queue = today_queue(ctx)
    with ctx.uow(read_only=True) as uow:
        assert queue.day == current_queue_day(uow.session, ctx.clock(), ctx.monotonic)
    assert [t.number for t in queue.services["KTP"].waiting] == numbers


def test_a_twelve_digit_pin_is_accepted_and_a_thirteen_digit_one_is_not(ctx) -> None:
    assert add_operator(ctx, "Pak Budi", "operator", "135792468024").name == "Pak Budi"
    with pytest.raises(Exception):  # noqa: B017 - WeakPin or ValueError, either refuses it
        add_operator(ctx, "Pak Andi", "operator", "1357924680246")


def test_the_lock_ends_five_minutes_after_it_began_on_the_wall_clock(ctx, clock) -> None:
    ctx = dataclasses.replace(ctx, monotonic=SteppingMonotonic())
    add_operator(ctx, "Bu Sri", "operator", "246810")
    for _ in range(4):
        with pytest.raises(PinRejected):
            unlock_console(ctx, "999999")
    with pytest.raises(ConsoleLocked) as caught:
        unlock_console(ctx, "999999")
    assert caught.value.until == clock.now + timedelta(minutes=5)
    assert caught.value.seconds_left == pytest.approx(300)
