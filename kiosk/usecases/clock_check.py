"""Is the kiosk's clock plausible? What it can tell alone, and what the server told it.

Kiosk PCs boot with wrong clocks (a dead CMOS battery says 2000-01-01) and get corrected
when the network brings NTP, if time sync is on at all. The queue survives that
(kiosk/usecases/queue_day.py); the admin still has to know, because every record carries
the kiosk's time as written. Three signs, each shown by ``kiosk-sync status``, ``kiosk
--self-check`` and the admin panel:

- ``skew``: the last skew measured against the server (server time minus kiosk time, at
  each push and health probe) is 2 minutes or more;
- ``before_build``: the clock reads a day before this release was cut (kiosk.version);
- ``before_records``: the clock reads earlier than the newest record the kiosk has written
  (give or take 2 minutes), unless a recent measurement found the clock right: then the
  records are what was wrong (written while the clock ran ahead; the server flags them).

The measurement is one ``kiosk_state`` row. Warnings never stop the kiosk: a wrong clock
costs correct dates, not residents' numbers.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc, wib_day
from kiosk.store.models import OutboxEntry, QueueTicket
from kiosk.store.state import read_state, write_state
from kiosk.store.uow import UnitOfWorkFactory
from kiosk.usecases.context import KioskContext
from kiosk.version import BUILD_DATE

log = logging.getLogger(__name__)

SKEW_KEY = "clock.skew"
LARGE_SKEW_S = 120.0
"""From this much (either way) the skew is worth a log line and a warning: NTP keeps a
synced clock within milliseconds, and the queue day counts a change this large as a jump."""
RECORDS_TOLERANCE = timedelta(minutes=2)
CONFIRMED_FOR = timedelta(days=1)
"""How long a measurement that found the clock right vouches for it."""

WARNINGS = ("skew", "before_build", "before_records")


@dataclass(frozen=True)
class MeasuredSkew:
    skew_s: float
    """Server time minus kiosk time, in seconds: positive when the kiosk's clock is behind."""
    kiosk_time: str
    """The kiosk's clock at the measurement (UTC, ISO 8601)."""
    server_time: str
    """The server's clock at the same moment (UTC, ISO 8601)."""
    round_trip_s: float
    """The exchange it came from; the skew is right to within half of it."""

    @property
    def large(self) -> bool:
        return abs(self.skew_s) >= LARGE_SKEW_S


def _load(session: Session) -> MeasuredSkew | None:
    value = read_state(session, SKEW_KEY)
    return MeasuredSkew(**json.loads(value)) if value is not None else None


def record_clock_skew(
    uow: UnitOfWorkFactory,
    skew_s: float,
    *,
    kiosk_time: datetime,
    server_time: datetime,
    round_trip_s: float,
) -> MeasuredSkew:
    """Remember a measurement; log when the clock is, or stops being, 2 minutes off or more."""
    measured = MeasuredSkew(
        skew_s=round(skew_s, 3),
        kiosk_time=as_utc(kiosk_time).isoformat(),
        server_time=as_utc(server_time).isoformat(),
        round_trip_s=round(round_trip_s, 3),
    )
    with uow() as unit:
        previous = _load(unit.session)
        write_state(unit.session, SKEW_KEY, json.dumps(asdict(measured)))
        unit.commit()
    # Logged when it becomes large or moves by a minute more, not at every health probe.
    if measured.large and (
        previous is None or not previous.large or abs(previous.skew_s - measured.skew_s) >= 60
    ):
        log.warning(
            "the kiosk's clock is %s the server's (server %s, kiosk %s): set it right and "
            "turn on time sync (deployment guide, 'The clock')",
            skew_words(measured.skew_s),
            measured.server_time,
            measured.kiosk_time,
        )
    elif previous is not None and previous.large and not measured.large:
        log.info("the kiosk's clock agrees with the server's again (%+.1f s)", measured.skew_s)
    return measured


def skew_words(skew_s: float) -> str:
    """``1 h 0 min behind`` / ``12 s ahead``: how the kiosk's clock stands to the server's."""
    way = "behind" if skew_s > 0 else "ahead of"
    return f"{duration_words(abs(skew_s))} {way}"


def duration_words(seconds: float) -> str:
    seconds = round(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


@dataclass(frozen=True)
class ClockStatus:
    now: datetime
    """The kiosk's clock when the status was taken."""
    build_date: date
    newest_record_at: datetime | None
    skew: MeasuredSkew | None
    warnings: tuple[str, ...]
    """Codes from ``WARNINGS``, most telling first; empty when nothing looks wrong."""

    def as_dict(self) -> dict:
        return {
            "now": self.now.isoformat(),
            "build_date": self.build_date.isoformat(),
            "newest_record_at": _iso(self.newest_record_at),
            "skew_s": self.skew.skew_s if self.skew else None,
            "skew_measured_at": self.skew.kiosk_time if self.skew else None,
            "skew_server_time": self.skew.server_time if self.skew else None,
            "skew_round_trip_s": self.skew.round_trip_s if self.skew else None,
            "warnings": list(self.warnings),
        }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _newest_record(session: Session) -> datetime | None:
    newest = [
        session.scalar(select(func.max(OutboxEntry.created_at))),
        session.scalar(select(func.max(QueueTicket.issued_at))),
    ]
    found = [as_utc(moment) for moment in newest if moment is not None]
    return max(found, default=None)


def _confirmed(skew: MeasuredSkew | None, now: datetime) -> bool:
    """A measurement that found the clock right, taken not long ago on the clock as it is."""
    if skew is None or skew.large:
        return False
    age = now - datetime.fromisoformat(skew.kiosk_time)
    return timedelta(0) <= age <= CONFIRMED_FOR


def clock_status(ctx: KioskContext) -> ClockStatus:
    """What the kiosk can say about its own clock now, without asking the server."""
    now = as_utc(ctx.clock())
    with ctx.uow(read_only=True) as unit:
        skew = _load(unit.session)
        newest = _newest_record(unit.session)
    warnings: list[str] = []
    if skew is not None and skew.large:
        warnings.append("skew")
    if wib_day(now) < BUILD_DATE:
        warnings.append("before_build")
    if newest is not None and now < newest - RECORDS_TOLERANCE and not _confirmed(skew, now):
        warnings.append("before_records")
    return ClockStatus(
        now=now, build_date=BUILD_DATE, newest_record_at=newest, skew=skew, warnings=tuple(warnings)
    )


def warning_lines(status: ClockStatus) -> list[str]:
    """Each warning in the admin's words (English, as the command line's)."""
    return [f"{_warning_words(status, code)}: set the clock, {_GUIDE}" for code in status.warnings]


_GUIDE = "then turn on time sync (deployment guide, 'The clock')"


def _warning_words(status: ClockStatus, code: str) -> str:
    if code == "skew" and status.skew is not None:
        return (
            f"the kiosk's clock is {skew_words(status.skew.skew_s)} the server's (measured "
            f"{status.skew.server_time[:16].replace('T', ' ')} UTC, server time)"
        )
    if code == "before_build":
        return (
            f"the kiosk's clock reads {status.now:%Y-%m-%d}, before this release was made "
            f"({status.build_date.isoformat()}): the CMOS battery may be flat"
        )
    newest = status.newest_record_at or status.now
    return (
        f"the kiosk's clock reads {status.now:%Y-%m-%d %H:%M} UTC, earlier than the newest "
        f"record it wrote ({newest:%Y-%m-%d %H:%M} UTC)"
    )
