"""Personal data kept no longer than needed (UU 27/2022 PDP)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from kiosk.store.models import OutboxEntry, ServiceRequest
from kiosk.usecases.context import KioskContext
from kiosk.usecases.recording import add_audit


def purge_personal_data(ctx: KioskContext, retention_days: int, actor_id: str | None = None) -> int:
    """Erase the answers of requests older than the retention that the server has received.

    Requests not yet acknowledged by the server are kept whatever their age: nothing is
    lost. Tickets and their events stay, so the queue statistics survive. Returns how many
    requests were purged.
    """
    now = ctx.clock()
    cutoff = now - timedelta(days=retention_days)
    with ctx.uow() as uow:
        synced = select(OutboxEntry.record_id).where(OutboxEntry.state == "sent")
        result = uow.session.execute(
            update(ServiceRequest)
            .where(
                ServiceRequest.created_at < cutoff,
                ServiceRequest.answers.is_not(None),
                ServiceRequest.id.in_(synced),
            )
            .values(answers=None, purged_at=now)
        )
        purged = result.rowcount or 0
        add_audit(
            uow.session,
            "personal_data_purged",
            now,
            actor_id,
            requests=purged,
            retention_days=retention_days,
        )
        uow.commit()
    return purged
