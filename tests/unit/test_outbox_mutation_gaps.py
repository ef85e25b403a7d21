"""What the outbox and the logs it carries say about an operator's action.

Each record a kiosk makes is queued for the server in the same transaction; these tests
read the rows the server will be sent: who called which number at which counter.
"""

from __future__ import annotations

from sqlalchemy import select

from kiosk.store.models import AuditEntry, OutboxEntry, TicketEvent
from kiosk.usecases import call_next, issue_ticket


def test_a_new_outbox_entry_is_pending_and_never_tried(ctx):
    issue_ticket(ctx, "KTP")
    with ctx.uow(read_only=True) as uow:
        entries = [(e.state, e.attempts) for e in uow.session.scalars(select(OutboxEntry))]
    assert entries == [("pending", 0)]  # the ticket's "issued" event, which carries it


def test_calling_a_ticket_records_the_counter_and_the_operator(ctx):
    issue_ticket(ctx, "KK")  # the fake catalogue serves KK at counter 2

    call_next(ctx, counter="2", operator_id="op-7")

    with ctx.uow(read_only=True) as uow:
        called = uow.session.scalars(select(TicketEvent).where(TicketEvent.event == "called")).one()
        assert (called.counter, called.operator_id) == ("2", "op-7")


def test_the_audit_log_names_who_called_which_number_and_goes_to_the_server(ctx):
    issue_ticket(ctx, "KK")

    call_next(ctx, counter="2", operator_id="op-7")

    with ctx.uow(read_only=True) as uow:
        audit = uow.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "ticket_called")
        ).one()
        queued = uow.session.scalars(
            select(OutboxEntry).where(OutboxEntry.record_id == audit.id)
        ).one()
        assert audit.actor_id == "op-7"
        assert audit.detail == {"number": "B-001"}
        assert queued.kind == "audit"
