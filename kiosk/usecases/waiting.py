"""People ahead and the estimated wait, from today's real service times."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc
from kiosk.store.models import QueueTicket

ROLLING_WINDOW = 10

# Built once with bound parameters and run on the table (Core): these two queries run in
# every submission's transaction, where building and caching a statement each time cost
# more than SQLite's answer.
_T = QueueTicket.__table__
_RECENT_SERVICE_TIMES = (
    select(_T.c.called_at, _T.c.served_at)
    .where(
        _T.c.day == bindparam("day"),
        _T.c.service_code == bindparam("service_code"),
        _T.c.status == "served",
        _T.c.called_at.is_not(None),
    )
    .order_by(_T.c.served_at.desc())
    .limit(ROLLING_WINDOW)
)
_WAITING_BEFORE = (
    select(func.count())
    .select_from(_T)
    .where(
        _T.c.day == bindparam("day"),
        _T.c.service_code == bindparam("service_code"),
        _T.c.status == "waiting",
        _T.c.sequence < bindparam("sequence"),
    )
)


MAX_SPAN_MINUTES = 12 * 60
"""No wait or service at an outpost lasts longer than its opening day."""


def span_minutes(start: datetime, end: datetime) -> float | None:
    """Minutes from ``start`` to ``end`` (wall-clock times), or None when the clock was set in
    between: a negative span, or one longer than a day at the outpost, measures the
    correction, not the resident's wait, and would skew every estimate after it."""
    minutes = (as_utc(end) - as_utc(start)).total_seconds() / 60
    return minutes if 0 <= minutes <= MAX_SPAN_MINUTES else None


def mean_service_minutes(session: Session, day: date, service_code: str, fallback: int) -> float:
    """Mean of the last ten real service times today; the catalogue's estimate until then."""
    rows = session.execute(_RECENT_SERVICE_TIMES, {"day": day, "service_code": service_code}).all()
    if not rows:
        return float(fallback)
    minutes = [m for c, s in rows if (m := span_minutes(c, s)) is not None]
    if not minutes:
        return float(fallback)
    return max(sum(minutes) / len(minutes), 0.5)


def people_ahead_and_wait(session: Session, ticket: Any, fallback: int) -> tuple[int, int]:
    """Waiting tickets of the same service with a lower number, and the wait they make."""
    ahead = (
        session.scalar(
            _WAITING_BEFORE,
            {"day": ticket.day, "service_code": ticket.service_code, "sequence": ticket.sequence},
        )
        or 0
    )
    per_person = mean_service_minutes(session, ticket.day, ticket.service_code, fallback)
    return ahead, math.ceil(ahead * per_person)
