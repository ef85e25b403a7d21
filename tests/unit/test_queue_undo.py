"""Undoing a no-show tapped by mistake, on a real SQLite file."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.store.models import AuditEntry, OutboxEntry, TicketEvent
from kiosk.usecases import (
    InvalidTransition,
    TicketNotFound,
    action_allowed,
    call_next,
    find_ticket,
    issue_ticket,
    mark_no_show,
    mark_served,
    today_queue,
    undo_no_show,
)


def test_undo_no_show_calls_the_ticket_again_audited_and_synced(ctx, clock):
    issued = issue_ticket(ctx, "KTP")
    called = call_next(ctx, counter="1", operator_id="op-1")
    mark_no_show(ctx, called.ticket_id, "op-1")
    clock.advance(seconds=3)

    restored = undo_no_show(ctx, called.ticket_id, "op-1")

    assert (restored.number, restored.status, restored.served_at) == (issued.number, "called", None)
    assert restored.called_at == called.called_at  # still called when it was called
    assert find_ticket(ctx, issued.ticket_id).status == "called"
    queue = today_queue(ctx).services["KTP"]
    assert [t.number for t in queue.called] == [issued.number]
    assert queue.done == 0
    with ctx.uow(read_only=True) as uow:
        events = uow.session.scalars(select(TicketEvent).order_by(TicketEvent.at)).all()
        assert [e.event for e in events] == ["issued", "called", "no_show", "no_show_undone"]
        assert (events[-1].operator_id, events[-1].counter) == ("op-1", "1")
        audit = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ticket_no_show_undone")
        ).one()
        assert (audit.actor_id, audit.detail) == ("op-1", {"number": issued.number})
        queued = set(uow.session.scalars(select(OutboxEntry.record_id)))
        assert {events[-1].id, audit.id} <= queued


@pytest.mark.parametrize("status", ["waiting", "called", "served"])
def test_undo_no_show_refuses_a_ticket_that_is_no_no_show(ctx, status):
    ticket = issue_ticket(ctx, "KTP")
    if status != "waiting":
        call_next(ctx, counter="1")
    if status == "served":
        mark_served(ctx, ticket.ticket_id)
    assert not action_allowed("undo_no_show", status)

    with pytest.raises(InvalidTransition) as refused:
        undo_no_show(ctx, ticket.ticket_id)

    assert refused.value.action == "undo_no_show"
    assert find_ticket(ctx, ticket.ticket_id).status == status
    with ctx.uow(read_only=True) as uow:
        events = uow.session.scalars(select(TicketEvent.event)).all()
        assert "no_show_undone" not in events


def test_undo_no_show_twice_is_refused_the_second_time(ctx):
    issue_ticket(ctx, "KTP")
    called = call_next(ctx, counter="1")
    mark_no_show(ctx, called.ticket_id)
    undo_no_show(ctx, called.ticket_id)
    with pytest.raises(InvalidTransition):
        undo_no_show(ctx, called.ticket_id)


def test_undo_no_show_of_an_unknown_ticket(ctx):
    with pytest.raises(TicketNotFound):
        undo_no_show(ctx, "no-such-ticket")
