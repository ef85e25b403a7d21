"""The kiosk's background sync: a plain thread with callbacks, no Qt.

It pushes soon after ``notify_submitted()``, on a timer, and when a periodic health probe
sees the server come back. ``kiosk/ui`` wraps ``on_state`` in a Qt signal; ``kiosk-sync``
and the tests use it as it is. After ``breaker_threshold`` consecutive fatal failures (or
one auth failure) the circuit opens: it stops pushing and says why.

An open circuit closes on ``sync_now()``, or by itself when the health probe finds the
server again after the last push or probe did not reach it (something else answered in its
place: a captive portal's page or redirect, a certificate that did not verify; or no
network). It closes half-open: one more fatal failure opens it again. A refused token is
never retried by itself: only an admin can fix it, and ``sync_now()`` says they did.

Each health probe also measures the kiosk's clock against the server's and stores it
through the outbox (``sync.pusher.remember_clock_skew``); ``SyncState.clock_skew_s`` carries
the last one.

Given a status inbox, the worker pulls the outpost's status changes (``sync.puller``) after
each push that reached the server, and on ``pull_now()``; a failed pull is said in
``SyncState.pull_error`` and tried again after the next push.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sync.client import SyncAuthError, SyncClient, SyncError
from sync.lock import PushAlreadyRunning
from sync.outbox import Outbox
from sync.puller import StatusInbox, pull_statuses
from sync.pusher import SyncFailure, clock_skew, push_pending, remember_clock_skew

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncState:
    pending: int = 0
    sent: int = 0
    dead: int = 0
    last_success_at: str | None = None
    last_error: str | None = None
    """The last failure in English, for the log and ``kiosk-sync``."""
    last_failure: SyncFailure | None = None
    """The same failure as a code, for a screen to word in the staff's language."""
    running: bool = False
    circuit_open: bool = False
    online: bool | None = None
    """What the last push or health probe saw; None before the first one."""
    clock_skew_s: float | None = None
    """Server time minus the kiosk's, as the last push or probe measured it (clock_check)."""
    statuses_pulled: int = 0
    """Status changes the pulls of this run kept (newer than the ones held)."""
    pull_error: str | None = None
    """Why the last status pull failed, in English; None after one that did not."""


class SyncWorker(threading.Thread):
    def __init__(
        self,
        outbox: Outbox,
        client: SyncClient,
        *,
        on_state: Callable[[SyncState], None] | None = None,
        interval_s: float = 300.0,
        probe_interval_s: float = 30.0,
        debounce_s: float = 2.0,
        breaker_threshold: int = 3,
        clock: Callable[[], float] = time.monotonic,
        inbox: StatusInbox | None = None,
    ) -> None:
        super().__init__(name="sync-worker", daemon=True)
        self.outbox = outbox
        self.client = client
        self.on_state = on_state
        self.interval_s = interval_s
        self.probe_interval_s = probe_interval_s
        self.debounce_s = debounce_s
        self.breaker_threshold = breaker_threshold
        self._clock = clock
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._push_at: float | None = clock()  # push once at start
        self._forced = False
        self._fatal_streak = 0
        self._token_refused = False
        self._next_probe = clock() + probe_interval_s
        self._state = SyncState()
        self.inbox = inbox
        self._pull_wanted = False
        if client.sleep is time.sleep:  # retries wait on the stop event, so stop() is prompt
            client.sleep = self._stopping.wait

    # -- called from any thread (the UI's) ---------------------------------------------

    @property
    def state(self) -> SyncState:
        return self._state

    def notify_submitted(self) -> None:
        """A record was just written: push after a short pause that gathers a few more."""
        with self._lock:
            soon = self._clock() + self.debounce_s
            if self._push_at is None or self._push_at > soon:
                self._push_at = soon
        self._wake.set()

    def sync_now(self) -> None:
        """Push at once, also closing an open circuit (the admin asked for it)."""
        with self._lock:
            self._forced = True
            self._push_at = self._clock()
        self._wake.set()

    def pull_now(self) -> None:
        """Pull the status changes at once (a resident or the admin asked), without a push."""
        with self._lock:
            self._pull_wanted = True
        self._wake.set()

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    # -- the thread --------------------------------------------------------------------

    def run(self) -> None:
        self._publish()
        next_timer = self._clock() + self.interval_s
        while not self._stopping.is_set():
            now = self._clock()
            with self._lock:
                due = self._push_at is not None and self._push_at <= now
                forced = self._forced
                if due:
                    self._push_at = None
                    self._forced = False
            if now >= next_timer:
                due, next_timer = True, now + self.interval_s
            if not due and now >= self._next_probe:
                self._next_probe = now + self.probe_interval_s
                due = self._probe_came_back()
            if due and (forced or not self._state.circuit_open):
                if forced:
                    self._fatal_streak = 0
                    self._token_refused = False
                    self._update(circuit_open=False)
                if self._push_once():
                    self._pull_once()
            with self._lock:
                pull, self._pull_wanted = self._pull_wanted, False
            if pull and not self._stopping.is_set():
                self._pull_once()
            self._wake.wait(self._sleep_for(next_timer))
            self._wake.clear()
        self._update(running=False)

    def _sleep_for(self, next_timer: float) -> float:
        now = self._clock()
        moments = [next_timer, self._next_probe]
        with self._lock:
            if self._push_at is not None:
                moments.append(self._push_at)
        return max(0.01, min(moments) - now)

    def _probe_came_back(self) -> bool:
        """Probe the server; True when it answers after the last attempt found it down.

        Coming back also closes an open circuit (half-open: the next fatal failure opens it
        again), unless a refused token opened it.
        """
        was_online = self._state.online
        try:
            self.client.health()
        except SyncError:
            self._update(online=False)
            return False
        try:
            skew = remember_clock_skew(self.outbox, self.client)
        except Exception:  # noqa: BLE001 - a busy store must not stop the probe
            log.exception("cannot store the clock skew")
            skew = clock_skew(self.outbox, self.client)
        came_back = was_online is False
        if came_back and self._state.circuit_open and not self._token_refused:
            log.info("the sync server answers again: sync resumes")
            self._fatal_streak = self.breaker_threshold - 1
            self._update(online=True, circuit_open=False, clock_skew_s=skew)
            return True
        self._update(online=True, clock_skew_s=skew)
        pending = self._state.pending > 0
        return pending and came_back and not self._state.circuit_open

    def _pull_once(self) -> None:
        """Pull the status changes into the inbox; a failure is logged and said, never raised."""
        if self.inbox is None or self._token_refused:
            return
        try:
            summary = pull_statuses(self.inbox, self.client)
        except Exception as exc:  # noqa: BLE001 - the worker must survive anything
            if not isinstance(exc, SyncError):
                log.exception("status pull failed")
            self._update(pull_error=f"{type(exc).__name__}: {exc}")
            return
        self._update(statuses_pulled=self._state.statuses_pulled + summary.applied, pull_error=None)

    def _push_once(self) -> bool:
        """One push; True when it reached the server (a pull may follow)."""
        self._update(running=True)
        error: str | None = None
        failure: SyncFailure | None = None
        online: bool | None = None
        try:
            summary = push_pending(self.outbox, self.client)
        except PushAlreadyRunning as exc:
            error = "another sync is running (kiosk-sync?); trying again later"
            failure = SyncFailure.of(exc)
        except SyncAuthError as exc:
            error, failure, online = str(exc), SyncFailure.of(exc), True
            self._fatal_streak = self.breaker_threshold
            self._token_refused = True
        except Exception as exc:  # noqa: BLE001 - the worker must survive anything
            log.exception("sync push failed")
            error = f"{type(exc).__name__}: {exc}"
            failure = SyncFailure.of(exc)
            self._fatal_streak += 1
        else:
            online = summary.failed_batches == 0 or (summary.fatal and summary.server_reached)
            if summary.fatal:
                self._fatal_streak += 1
            elif summary.failed_batches == 0:
                self._fatal_streak = 0
            error, failure = summary.last_error, summary.last_failure
            if summary.failed_batches and not summary.fatal:
                online = False
        circuit = self._fatal_streak >= self.breaker_threshold
        if circuit:
            error = f"sync stopped after repeated failures: {error}"
        self._publish(
            running=False,
            last_error=error,
            last_failure=failure,
            circuit_open=circuit,
            online=online,
        )
        return bool(online) and not circuit

    def _publish(self, **changes: Any) -> None:
        try:
            status = self.outbox.status()
            changes = {
                "pending": status.pending,
                "sent": status.sent,
                "dead": status.dead,
                "last_success_at": status.last_success_at,
                "clock_skew_s": clock_skew(self.outbox, self.client),
                **changes,
            }
        except Exception:  # noqa: BLE001 - a busy store must not kill the worker
            log.exception("cannot read the outbox status")
        if changes.get("online") is None:
            changes.pop("online", None)
        self._update(**changes)

    def _update(self, **changes: Any) -> None:
        self._state = replace(self._state, **changes)
        if self.on_state is not None:
            try:
                self.on_state(self._state)
            except Exception:  # noqa: BLE001 - a broken callback must not stop sync
                log.exception("on_state callback failed")
