"""An outbox kept in a list: ``sync``'s tests push from it without a kiosk or a database.

It models the contract of ``sync.outbox.Outbox`` as that module's docstring states it (the
kiosk's ``KioskOutbox`` keeps the same contract over SQLite): entries in the order they were
written, pending → sent only on accepted/duplicate, pending → dead on rejected, only pending
entries change, a deferred entry waits ``retry_after`` (or 5 s) and counts an attempt, a
record that cannot be built comes out as *broken*.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync.outbox import ClockObservation, OutboxPage, OutboxStatus
from sync.protocol import Record, RecordResult


@dataclass
class Entry:
    record: Record | None
    """None stands for a record the owner can no longer build (its row is gone)."""
    record_id: str
    state: str = "pending"
    attempts: int = 0
    due_at: datetime | None = None
    last_error: str | None = None


@dataclass
class MemoryOutbox:
    lock_path: Path
    batch_size: int = 200
    clock_now: datetime = field(default_factory=lambda: datetime(2026, 11, 30, 2, 0, tzinfo=UTC))
    entries: list[Entry] = field(default_factory=list)
    last_success_at: str | None = None
    last_error: str | None = None
    clock_observations: list[ClockObservation] = field(default_factory=list)
    pages_built: int = 0

    def add(self, record: Record) -> None:
        self.entries.append(Entry(record=record, record_id=record.id))

    def add_broken(self, record_id: str) -> None:
        self.entries.append(Entry(record=None, record_id=record_id))

    def state_of(self, record_id: str) -> Entry:
        return next(e for e in self.entries if e.record_id == record_id)

    # -- sync.outbox.Outbox ----------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock_now

    def _due(self, now: datetime, include_not_due: bool) -> list[Entry]:
        return [
            e
            for e in self.entries
            if e.state == "pending" and (include_not_due or e.due_at is None or e.due_at <= now)
        ]

    def count_due(self, now: datetime, *, include_not_due: bool) -> int:
        return len(self._due(now, include_not_due))

    def due_pages(self, now: datetime, *, include_not_due: bool, size: int) -> Iterator[OutboxPage]:
        due = self._due(now, include_not_due)
        for start in range(0, len(due), size):
            self.pages_built += 1
            chunk = due[start : start + size]
            yield OutboxPage(
                records=[e.record for e in chunk if e.record is not None],
                broken=[(e.record_id, "local: row missing") for e in chunk if e.record is None],
            )

    def apply(self, results: Sequence[RecordResult], now: datetime) -> tuple[int, int, int]:
        counts = {"accepted": 0, "duplicate": 0, "rejected": 0}
        for result in results:
            entry = self.state_of(result.id)
            if entry.state != "pending":
                continue
            counts[result.status] += 1
            if result.status == "rejected":
                entry.state, entry.last_error = "dead", result.reason or "rejected"
                entry.attempts += 1
            else:
                entry.state, entry.last_error = "sent", None
        return counts["accepted"], counts["duplicate"], counts["rejected"]

    def defer(
        self, record_ids: Sequence[str], reason: str, retry_after: float | None, now: datetime
    ) -> None:
        for record_id in record_ids:
            entry = self.state_of(record_id)
            entry.attempts += 1
            entry.due_at = now + timedelta(seconds=retry_after or 5.0)
            entry.last_error = reason

    def pending(self) -> int:
        return sum(1 for e in self.entries if e.state == "pending")

    def status(self) -> OutboxStatus:
        count = {
            s: sum(1 for e in self.entries if e.state == s) for s in ("pending", "sent", "dead")
        }
        return OutboxStatus(
            pending=count["pending"],
            sent=count["sent"],
            dead=count["dead"],
            last_success_at=self.last_success_at,
            last_error=self.last_error,
        )

    def note_push(self, *, succeeded_at: datetime | None, error: str | None) -> None:
        if succeeded_at is not None:
            self.last_success_at = succeeded_at.isoformat()
        self.last_error = error

    def note_clock(self, observation: ClockObservation) -> float:
        self.clock_observations.append(observation)
        return round(observation.skew_s, 3)

    def sent_id_pages(self) -> Iterator[list[str]]:
        sent = [e.record_id for e in self.entries if e.state == "sent"]
        for start in range(0, len(sent), 1000):
            yield sent[start : start + 1000]

    def requeue_missing(self, record_ids: Sequence[str]) -> int:
        requeued = 0
        for record_id in record_ids:
            entry = self.state_of(record_id)
            if entry.state == "sent":
                entry.state, entry.last_error = "pending", "missing on the server"
                requeued += 1
        return requeued
