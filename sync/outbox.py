"""The port the push loop works through: whatever keeps records waiting to be sent.

``sync`` never sees the kiosk's tables. The kiosk implements :class:`Outbox` over its
store (``kiosk.usecases.outbox.KioskOutbox``); the tests of ``sync`` use an in-memory one.
The rules an implementation keeps (docs/sync-protocol.md explains why):

* ``due_pages`` yields pending, due entries in the order they were written, a page at a
  time, so only one page is ever in memory; an entry whose record cannot be built is
  yielded as *broken* with a reason, never silently skipped;
* ``apply`` marks ``sent`` only the records answered accepted or duplicate, and moves the
  rejected ones to the dead letter, all in one local transaction; only pending entries
  change;
* ``defer`` is for a batch the server refused *for now*: those entries wait and count an
  attempt;
* ``requeue_missing`` puts sent records the server says it lacks back in the queue.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, Protocol

from sync.protocol import Record, RecordResult


class OutboxPage(NamedTuple):
    records: list[Record]
    """The records to send, in outbox order."""
    broken: list[tuple[str, str]]
    """``(record id, why)`` for entries whose record cannot be built: they go dead."""


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    sent: int
    dead: int
    last_success_at: str | None
    last_error: str | None
    dead_reasons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ClockObservation:
    """One comparison of the kiosk's clock with the server's (``SyncClient.last_reading``)."""

    skew_s: float
    kiosk_time: datetime
    server_time: datetime
    round_trip_s: float


class Outbox(Protocol):
    @property
    def lock_path(self) -> Path:
        """The file whose lock keeps two pushers of this outbox from running at once."""

    @property
    def batch_size(self) -> int: ...

    def now(self) -> datetime:
        """The outbox owner's clock, timezone-aware UTC."""

    def count_due(self, now: datetime, *, include_not_due: bool) -> int: ...

    def due_pages(
        self, now: datetime, *, include_not_due: bool, size: int
    ) -> Iterator[OutboxPage]: ...

    def apply(self, results: Sequence[RecordResult], now: datetime) -> tuple[int, int, int]:
        """Apply one batch's answers; returns ``(accepted, duplicate, rejected)`` changed."""

    def defer(
        self, record_ids: Sequence[str], reason: str, retry_after: float | None, now: datetime
    ) -> None: ...

    def pending(self) -> int: ...

    def status(self) -> OutboxStatus: ...

    def note_push(self, *, succeeded_at: datetime | None, error: str | None) -> None:
        """How the last push ended: ``succeeded_at`` when it did, else the error's words."""

    def note_clock(self, observation: ClockObservation) -> float:
        """Keep a clock comparison; returns the skew as kept."""

    def sent_id_pages(self) -> Iterator[list[str]]:
        """The ids of every sent record, a page at a time, in outbox order."""

    def requeue_missing(self, record_ids: Sequence[str]) -> int:
        """Sent records the server lacks go back in the queue; returns how many will be sent
        again (a record that can no longer be built goes to the dead letter instead)."""
