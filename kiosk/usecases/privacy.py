"""Personal data kept no longer than needed (UU 27/2022 PDP).

* Answers of requests the server has received go ``retention_days`` after the request.
* Answers of requests never sent, or in the dead letter, get ``GRACE_DAYS`` more (time for
  an admin to see that sync stopped and fix it), then go too; their records move to the
  dead letter, so an emptied request never reaches the server.
* The kiosk's own database copies (``<data>/backups``) go ``retention_days`` after they
  were made: every answer in such a copy is past retention by then. The key backups there
  stay: they hold no personal data and every remaining copy needs them.

Tickets and their events stay, so the queue statistics survive.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.sql.elements import ColumnElement

from kiosk.clock import WIB, as_utc, wib_day
from kiosk.store.models import OutboxEntry, ServiceRequest
from kiosk.usecases.context import KioskContext
from kiosk.usecases.recording import add_audit

log = logging.getLogger(__name__)

GRACE_DAYS = 30
"""How much longer than ``retention_days`` unsent (pending or dead) answers are kept."""
_BACKUP_NAME = re.compile(r"^kiosk-(\d{8}T\d{6}Z)-.*\.db$")


def unsent_purged_reason(retention_days: int) -> str:
    return f"answers purged: not sent within {retention_days + GRACE_DAYS} days"


@dataclass(frozen=True)
class PurgeReport:
    sent: int
    """Requests the server had, whose answers were erased."""
    unsent: int
    """Requests never sent (or dead-lettered), erased after the grace; now dead letters."""
    backups: int
    """Database copies deleted from ``<data>/backups``."""

    @property
    def requests(self) -> int:
        return self.sent + self.unsent


def _sent() -> ColumnElement[bool]:
    return ServiceRequest.id.in_(select(OutboxEntry.record_id).where(OutboxEntry.state == "sent"))


def _unsent() -> ColumnElement[bool]:
    return ServiceRequest.id.in_(
        select(OutboxEntry.record_id).where(OutboxEntry.state.in_(("pending", "dead")))
    )


def _made_at(path: Path) -> datetime:
    """When a copy was made: the UTC stamp in its name, else the file's time."""
    match = _BACKUP_NAME.match(path.name)
    if match:
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _backups(folder: Path | None) -> list[tuple[datetime, Path]]:
    if folder is None or not folder.is_dir():
        return []
    return sorted((_made_at(path), path) for path in folder.glob("kiosk-*.db"))


def purge_expired(
    ctx: KioskContext, retention_days: int, actor_id: str | None = None
) -> PurgeReport:
    """Erase what is past retention (see the module's rules) and say how much went."""
    now = ctx.clock()
    cutoff = now - timedelta(days=retention_days)
    unsent_cutoff = cutoff - timedelta(days=GRACE_DAYS)
    old = ServiceRequest.answers.is_not(None)
    with ctx.uow() as uow:
        sent = uow.session.execute(
            update(ServiceRequest)
            .where(ServiceRequest.created_at < cutoff, old, _sent())
            .values(answers=None, purged_at=now)
        ).rowcount
        unsent_ids = list(
            uow.session.scalars(
                select(ServiceRequest.id).where(
                    ServiceRequest.created_at < unsent_cutoff, old, _unsent()
                )
            )
        )
        if unsent_ids:
            uow.session.execute(
                update(ServiceRequest)
                .where(ServiceRequest.id.in_(unsent_ids))
                .values(answers=None, purged_at=now)
            )
            uow.session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.record_id.in_(unsent_ids))
                .values(state="dead", last_error=unsent_purged_reason(retention_days))
            )
        expired = [path for made, path in _backups(ctx.backup_dir) if made < cutoff]
        add_audit(
            uow.session,
            "personal_data_purged",
            now,
            actor_id,
            requests=(sent or 0) + len(unsent_ids),
            unsent_requests=len(unsent_ids),
            backups=len(expired),
            retention_days=retention_days,
        )
        uow.commit()
    deleted = 0
    for path in expired:
        try:
            path.unlink()
            deleted += 1
        except OSError as exc:
            log.warning("an expired backup could not be deleted: %s (%s)", path, exc.strerror)
    return PurgeReport(sent=sent or 0, unsent=len(unsent_ids), backups=deleted)


def purge_personal_data(ctx: KioskContext, retention_days: int, actor_id: str | None = None) -> int:
    """Run the purge (:func:`purge_expired`); returns how many requests were purged."""
    return purge_expired(ctx, retention_days, actor_id).requests


# -- what will go when -----------------------------------------------------------------


@dataclass(frozen=True)
class PurgeDue:
    due_now: int
    """Past retention already: the next purge (the kiosk's, or kiosk-sync purge) erases it."""
    next_on: date | None
    """The next WIB day on which more becomes due, if any."""
    next_count: int
    """How many become due on that day."""


@dataclass(frozen=True)
class RetentionForecast:
    retention_days: int
    grace_days: int
    sent: PurgeDue
    unsent: PurgeDue
    backups: PurgeDue

    def as_dict(self) -> dict:
        data = asdict(self)
        for name in ("sent", "unsent", "backups"):
            when = data[name]["next_on"]
            data[name]["next_on"] = when.isoformat() if when else None
        return data


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC moments where a WIB day starts and ends."""
    start = datetime.combine(day, datetime.min.time(), WIB).astimezone(UTC)
    return start, start + timedelta(days=1)


def _due(times: list[datetime], now: datetime, keep: timedelta) -> PurgeDue:
    """From the creation times of what is kept, what is due now and on the next day."""
    due_now = sum(1 for made in times if made + keep <= now)
    later = sorted(made + keep for made in times if made + keep > now)
    if not later:
        return PurgeDue(due_now, None, 0)
    day = wib_day(later[0])
    _start, end = _day_bounds(day)
    return PurgeDue(due_now, day, sum(1 for moment in later if moment < end))


def _count(ctx: KioskContext, condition: ColumnElement[bool], before: datetime) -> int:
    with ctx.uow(read_only=True) as uow:
        return (
            uow.session.scalar(
                select(func.count())
                .select_from(ServiceRequest)
                .where(
                    ServiceRequest.answers.is_not(None),
                    condition,
                    ServiceRequest.created_at < before.replace(tzinfo=None),
                )
            )
            or 0
        )


def _requests_due(ctx: KioskContext, condition: ColumnElement[bool], keep: timedelta) -> PurgeDue:
    now = ctx.clock()
    due_now = _count(ctx, condition, now - keep)
    with ctx.uow(read_only=True) as uow:
        first = uow.session.scalar(
            select(func.min(ServiceRequest.created_at)).where(
                ServiceRequest.answers.is_not(None),
                condition,
                ServiceRequest.created_at >= (now - keep).replace(tzinfo=None),
            )
        )
    if first is None:
        return PurgeDue(due_now, None, 0)
    day = wib_day(as_utc(first) + keep)
    _start, end = _day_bounds(day)
    return PurgeDue(due_now, day, _count(ctx, condition, end - keep) - due_now)


def retention_forecast(ctx: KioskContext, retention_days: int) -> RetentionForecast:
    """What the purge will erase, and when: for ``kiosk-sync status``, before it happens."""
    keep = timedelta(days=retention_days)
    return RetentionForecast(
        retention_days=retention_days,
        grace_days=GRACE_DAYS,
        sent=_requests_due(ctx, _sent(), keep),
        unsent=_requests_due(ctx, _unsent(), keep + timedelta(days=GRACE_DAYS)),
        backups=_due([made for made, _path in _backups(ctx.backup_dir)], ctx.clock(), keep),
    )
