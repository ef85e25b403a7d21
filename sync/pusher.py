"""Pushing an outbox: pending entries, in order, a page at a time, to the server.

Rules this module keeps (docs/sync-protocol.md explains why):

* a record is marked ``sent`` only after a protocol answer listed it accepted or duplicate;
* each batch's results are applied in ONE local transaction (the outbox's ``apply``);
* a rejected record goes to the dead letter (with the reason) and the rest go on;
* only one page of entries is in memory at a time, whatever the backlog.

The records come from an :class:`sync.outbox.Outbox`; this module knows nothing of where
they are kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from sync.client import (
    NotTheServer,
    PayloadTooLarge,
    SyncAuthError,
    SyncClient,
    SyncError,
    SyncFatalError,
    SyncTransientError,
)
from sync.lock import PushAlreadyRunning, PushLock
from sync.outbox import ClockObservation, Outbox
from sync.protocol import MAX_BATCH_RECORDS, Record, RecordResult, ids_digest

CLOCK_READING_FRESH_S = 600.0
"""A push older readings of the server's clock than this asks ``/health`` again first."""


FailureKind = Literal[
    "token_refused",  # 401: the kiosk's token is wrong
    "kiosk_refused",  # 403: e.g. the kiosk is disabled on the server
    "not_the_server",  # a captive portal, a proxy, a certificate that does not verify
    "server_trouble",  # the server answered 408, 429 or 5xx: tried again later
    "unreachable",  # no answer at all: no network, a timeout
    "refused",  # another 4xx: sending the same again will not help
    "already_running",  # another push (``kiosk-sync``) holds the lock
    "unexpected",
]


@dataclass(frozen=True, slots=True)
class SyncFailure:
    """Why a push failed, as a code a screen words in its own language.

    ``str()`` of the error (``last_error``) stays the English detail for the log and
    ``kiosk-sync``; an operator's screen never shows it inside a sentence of its own.
    """

    kind: FailureKind
    status: int | None = None
    """The HTTP status, when the server answered."""

    @classmethod
    def of(cls, error: BaseException) -> SyncFailure:
        if isinstance(error, SyncAuthError):
            return cls("token_refused" if error.status == 401 else "kiosk_refused", error.status)
        if isinstance(error, NotTheServer):
            return cls("not_the_server")
        if isinstance(error, SyncTransientError):
            if error.status is None:
                return cls("unreachable")
            return cls("server_trouble", error.status)
        if isinstance(error, SyncFatalError):
            return cls("refused", error.status)
        if isinstance(error, PushAlreadyRunning):
            return cls("already_running")
        return cls("unexpected")


@dataclass
class PushProgress:
    done: int
    total: int
    elapsed_s: float

    @property
    def per_s(self) -> float:
        return self.done / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def eta_s(self) -> float | None:
        rate = self.per_s
        return (self.total - self.done) / rate if rate > 0 else None


@dataclass
class PushSummary:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    remaining: int = 0
    failed_batches: int = 0
    last_error: str | None = None
    last_failure: SyncFailure | None = None
    """``last_error`` as a code, for a screen to word (see :class:`SyncFailure`)."""
    fatal: bool = False
    """True when the push stopped on an error retrying will not fix (the circuit breaker's)."""
    server_reached: bool = True
    """False when a fatal answer came from something else (captive portal, TLS failure)."""
    elapsed_s: float = 0.0

    @property
    def sent(self) -> int:
        return self.accepted + self.duplicate

    @property
    def ok(self) -> bool:
        return self.failed_batches == 0 and self.rejected == 0 and self.remaining == 0


def _send(
    client: SyncClient, records: list[Record], clock_skew_s: float | None
) -> list[RecordResult]:
    """Send, halving on 413 down to single records; a single record too large is rejected."""
    try:
        return client.send_batch(records, clock_skew_s=clock_skew_s).results
    except PayloadTooLarge:
        if len(records) == 1:
            return [RecordResult(id=records[0].id, status="rejected", reason="too_large")]
        middle = len(records) // 2
        return _send(client, records[:middle], clock_skew_s) + _send(
            client, records[middle:], clock_skew_s
        )


# -- the kiosk's clock against the server's ----------------------------------------------


def clock_skew(outbox: Outbox, client: SyncClient) -> float | None:
    """Server time minus the outbox owner's time now, from the client's last reading."""
    reading = client.last_reading
    if reading is None:
        return None
    return round(reading.skew_s(outbox.now(), client.monotonic()), 3)


def _fresh_clock_skew(outbox: Outbox, client: SyncClient) -> float | None:
    """The skew to send with a batch: asks ``/health`` when the last reading is old or
    missing (a new process, a long pause). A server that does not answer is the push's
    problem, not this one's: the batch goes without a skew."""
    reading = client.last_reading
    if reading is None or client.monotonic() - reading.mono > CLOCK_READING_FRESH_S:
        try:
            client.health()
        except SyncError:
            return None
    return clock_skew(outbox, client)


def remember_clock_skew(outbox: Outbox, client: SyncClient) -> float | None:
    """Hand the client's last clock reading to the outbox to keep; None without one."""
    reading = client.last_reading
    if reading is None:
        return None
    kiosk_now, mono_now = outbox.now(), client.monotonic()
    return outbox.note_clock(
        ClockObservation(
            skew_s=reading.skew_s(kiosk_now, mono_now),
            kiosk_time=kiosk_now,
            server_time=reading.server_now(mono_now),
            round_trip_s=reading.round_trip_s,
        )
    )


# -- pushing ----------------------------------------------------------------------------


def push_pending(
    outbox: Outbox,
    client: SyncClient,
    *,
    progress: Callable[[PushProgress], None] | None = None,
    include_not_due: bool = False,
    batch_size: int | None = None,
) -> PushSummary:
    """Push every due pending entry; never two pushers at once (raises PushAlreadyRunning).

    Raises :class:`SyncAuthError` on 401/403 (nothing marked). Other failures end the push
    early and are reported in the summary: ``failed_batches``, ``last_error`` and ``fatal``.
    """
    size = max(1, min(batch_size or outbox.batch_size, MAX_BATCH_RECORDS))
    summary = PushSummary()
    started = time.monotonic()
    with PushLock(outbox.lock_path):
        now = outbox.now()
        total = outbox.count_due(now, include_not_due=include_not_due)
        done = 0
        skew = _fresh_clock_skew(outbox, client)
        try:
            for page in outbox.due_pages(now, include_not_due=include_not_due, size=size):
                if page.broken:
                    results = [
                        RecordResult(id=rid, status="rejected", reason=why)
                        for rid, why in page.broken
                    ]
                    summary.rejected += outbox.apply(results, outbox.now())[2]
                    done += len(page.broken)
                if page.records:
                    try:
                        results = _send(client, page.records, skew)
                    except SyncTransientError as exc:
                        summary.failed_batches += 1
                        summary.last_error = str(exc)
                        summary.last_failure = SyncFailure.of(exc)
                        if exc.status is not None:  # the server is up but refuses this batch
                            outbox.defer(
                                [r.id for r in page.records],
                                str(exc)[:500],
                                exc.retry_after,
                                outbox.now(),
                            )
                        break
                    except SyncFatalError as exc:  # answers from something else included
                        summary.failed_batches += 1
                        summary.last_error = str(exc)
                        summary.last_failure = SyncFailure.of(exc)
                        summary.fatal = True
                        summary.server_reached = exc.server_reached
                        break
                    skew = clock_skew(outbox, client)  # the answer carried the server's time
                    accepted, duplicate, rejected = outbox.apply(results, outbox.now())
                    summary.accepted += accepted
                    summary.duplicate += duplicate
                    summary.rejected += rejected
                    done += len(page.records)
                if progress is not None:
                    progress(PushProgress(done, total, time.monotonic() - started))
        except SyncAuthError as exc:
            outbox.note_push(succeeded_at=None, error=str(exc))
            remember_clock_skew(outbox, client)
            raise
        remember_clock_skew(outbox, client)
        summary.remaining = outbox.pending()
        summary.elapsed_s = time.monotonic() - started
        if summary.failed_batches == 0:
            outbox.note_push(succeeded_at=outbox.now(), error=None)
        else:
            outbox.note_push(succeeded_at=None, error=summary.last_error)
    return summary


# -- reconciliation ---------------------------------------------------------------------


@dataclass
class Reconciliation:
    server_count: int
    local_sent: int
    digest_matches: bool
    requeued: int

    @property
    def ok(self) -> bool:
        return self.requeued == 0


def reconcile(outbox: Outbox, client: SyncClient) -> Reconciliation:
    """Compare the server's count and id digest with the outbox's sent records.

    On a mismatch, ask the server which sent ids it lacks and put those back in the queue.
    """
    server = client.summary()
    count = 0

    def ids() -> Iterator[str]:
        nonlocal count
        for chunk in outbox.sent_id_pages():
            count += len(chunk)
            yield from chunk

    digest = ids_digest(ids())
    if server.count == count and server.digest == digest:
        return Reconciliation(server.count, count, True, 0)
    requeued = 0
    for chunk in outbox.sent_id_pages():
        missing = client.missing(chunk)
        if missing:
            requeued += outbox.requeue_missing(missing)
    return Reconciliation(server.count, count, False, requeued)
