"""People ahead and the estimated wait, from today's real service times."""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc
from kiosk.store.models import QueueTicket

ROLLING_WINDOW = 10


def mean_service_minutes(session: Session, day: date, service_code: str, fallback: int) -> float:
    """Mean of the last ten real service times today; the catalogue's estimate until then."""
    rows = session.execute(
        select(QueueTicket.called_at, QueueTicket.served_at)
        .where(
            QueueTicket.day == day,
            QueueTicket.service_code == service_code,
            QueueTicket.status == "served",
            QueueTicket.called_at.is_not(None),
        )
        .order_by(QueueTicket.served_at.desc())
        .limit(ROLLING_WINDOW)
    ).all()
    if not rows:
        return float(fallback)
    minutes = [(as_utc(s) - as_utc(c)).total_seconds() / 60 for c, s in rows]
    return max(sum(minutes) / len(minutes), 0.5)


def people_ahead_and_wait(session: Session, ticket: QueueTicket, fallback: int) -> tuple[int, int]:
    ahead = (
        session.scalar(
            select(func.count())
            .select_from(QueueTicket)
            .where(
                QueueTicket.day == ticket.day,
                QueueTicket.service_code == ticket.service_code,
                QueueTicket.status == "waiting",
                QueueTicket.sequence < ticket.sequence,
            )
        )
        or 0
    )
    per_person = mean_service_minutes(session, ticket.day, ticket.service_code, fallback)
    return ahead, math.ceil(ahead * per_person)
