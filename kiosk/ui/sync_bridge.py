"""Turns the sync worker's callbacks (a plain thread in ``sync/``) into Qt signals.

The worker calls back on its own thread; ``state_changed`` is emitted on the GUI thread
through a queued connection, so a slot may touch widgets. Without a worker (sync not set
up on this kiosk) the bridge still works: ``configured`` is False and the actions do
nothing but report that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


class SyncBridge(QObject):
    state_changed = Signal(object)
    """The worker's latest state dataclass (pending, sent, dead, last_success_at ...)."""
    retry_done = Signal(object, object)
    """``(count, error)`` after ``retry_dead``: how many records went back in the queue."""

    _from_worker = Signal(object)

    def __init__(
        self,
        worker: Any | None = None,
        *,
        retry_dead: Callable[[], Any] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """``worker``: a ``sync.worker.SyncWorker`` (started by the caller). ``retry_dead``: a
        callable that moves the dead letters back to pending; by default
        ``sync.pusher.retry_dead(worker.parts)``."""
        super().__init__(parent)
        self.worker = worker
        self._retry_dead = retry_dead
        self.state: Any = getattr(worker, "state", None) if worker is not None else None
        self._from_worker.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        if worker is not None:
            self._subscribe(worker)

    @property
    def configured(self) -> bool:
        return self.worker is not None

    def _subscribe(self, worker: Any) -> None:
        """Take over ``worker.on_state`` (``sync.worker.SyncWorker``), keeping any callback
        that was already there."""
        if not hasattr(worker, "on_state"):
            log.warning("the sync worker has no on_state callback; the admin panel polls it")
            return
        earlier = worker.on_state

        def both(state: object) -> None:
            if earlier is not None:
                earlier(state)
            self.on_worker_state(state)

        worker.on_state = both if earlier is not None else self.on_worker_state

    def on_worker_state(self, state: object) -> None:
        """Called by the worker on its own thread: hand the state over to the GUI thread."""
        self._from_worker.emit(state)

    @Slot(object)
    def _deliver(self, state: object) -> None:
        self.state = state
        self.state_changed.emit(state)

    def poll(self) -> None:
        """Re-read the worker's state (for workers without a callback)."""
        if self.worker is not None and getattr(self.worker, "state", None) is not None:
            self._deliver(self.worker.state)

    # --- commands: each returns at once; the worker does the work on its thread ------------

    def notify_submitted(self) -> None:
        if self.worker is not None:
            self.worker.notify_submitted()

    def sync_now(self) -> bool:
        if self.worker is None:
            return False
        self.worker.sync_now()
        return True

    def retry_dead(self) -> bool:
        """Put rejected records back in the queue, off the GUI thread; ``retry_done`` follows."""
        action = self._retry_dead or getattr(self.worker, "retry_dead", None)
        if action is None and getattr(self.worker, "parts", None) is not None:
            parts = self.worker.parts

            def action() -> int:
                from sync.pusher import retry_dead

                return retry_dead(parts)

        if action is None:
            return False
        from kiosk.ui.tasks import run_task

        def done(result: object, error: BaseException | None) -> None:
            self.retry_done.emit(result, error)
            if error is None and self.worker is not None:
                self.worker.sync_now()

        run_task(action, done, kind="db")
        return True

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
