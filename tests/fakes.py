"""Small stand-ins for unit tests of the use cases that do not need the real catalogue.

``FakeCatalogue`` is the slice of ``forms.Catalogue`` the use cases read
(``kiosk.usecases.context.ServiceCatalogue``); the clocks model a running PC, see each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta


@dataclass(frozen=True)
class FakeService:
    code: str
    queue_letter: str
    counter: str = "1"
    estimated_minutes: int = 10
    form_id: str | None = None


@dataclass
class FakeCatalogue:
    version: str = "test"
    services: list[FakeService] = field(
        default_factory=lambda: [
            FakeService("KTP", "A", "1", 12),
            FakeService("KK", "B", "2", 15),
            FakeService("BPJS", "C", "2", 8),
        ]
    )

    def service(self, code: str) -> FakeService:
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(code)

    def form(self, form_id: str, version: int | None = None):  # noqa: ANN201
        raise KeyError(form_id)

    def villages_of(self, outpost: str) -> list:
        return []

    def counters(self) -> list[str]:
        return sorted({service.counter for service in self.services})


class SteppingClock:
    """A wall clock the test moves by hand; starts at 08:00 WIB on a fixed day.

    ``advance`` is time passing: it moves the wall clock and ``monotonic`` together, as on a
    running PC. ``set_to`` is someone (or NTP) setting the clock: the wall clock moves and
    the monotonic clock does not, as ``time.monotonic()`` behaves (Python docs: "not
    affected by system clock updates").
    """

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
        self.monotonic = SteppingMonotonic()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)
        self.monotonic.advance(**delta)

    def set_to(self, moment: datetime) -> None:
        self.now = moment


class SteppingMonotonic:
    """A monotonic clock the test moves by hand; ``restart()`` is a new run of the program
    (a reboot: the count starts again from near zero, under a new run id)."""

    def __init__(self) -> None:
        self.runs = 1
        self.run_id = "run-1"
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta).total_seconds()

    def restart(self) -> None:
        self.runs += 1
        self.run_id = f"run-{self.runs}"
        self.now = 12.0
