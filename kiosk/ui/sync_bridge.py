"""Turns the sync worker's callbacks (a plain thread in ``sync/``) into Qt signals.

The worker calls back on its own thread; ``state_changed`` is emitted on the GUI thread
through a queued connection, so a slot may touch widgets. Without a worker (sync not set
up on this kiosk) the bridge still works: ``configured`` is False, ``sync_now`` does
nothing, and ``retry_dead`` still puts rejected records back for a later push.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot

if TYPE_CHECKING:
    from sync.worker import SyncState, SyncWorker


class SyncBridge(QObject):
    state_changed = Signal(object)
    """The worker's latest ``SyncState`` (pending, sent, dead, last_success_at ...)."""
    retry_done = Signal(object, object)
    """``(count, error)`` after ``retry_dead``: how many records went back in the queue."""

    _from_worker = Signal(object)

    def __init__(
        self,
        worker: SyncWorker | None,
        *,
        retry_dead: Callable[[], int],
        parent: QObject | None = None,
    ) -> None:
        """``worker``: the started background sync, or None. ``retry_dead``: moves the dead
        letters back to pending (``KioskOutbox.retry_dead``)."""
        super().__init__(parent)
        self.worker = worker
        self._retry_dead = retry_dead
        self.state: SyncState | None = worker.state if worker is not None else None
        self._from_worker.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        if worker is not None:
            self._subscribe(worker)

    @property
    def configured(self) -> bool:
        return self.worker is not None

    def _subscribe(self, worker: SyncWorker) -> None:
        """Take over ``worker.on_state``, keeping any callback that was already there."""
        earlier = worker.on_state

        def both(state: SyncState) -> None:
            if earlier is not None:
                earlier(state)
            self.on_worker_state(state)

        worker.on_state = both if earlier is not None else self.on_worker_state

    def on_worker_state(self, state: SyncState) -> None:
        """Called by the worker on its own thread: hand the state over to the GUI thread."""
        self._from_worker.emit(state)

    @Slot(object)
    def _deliver(self, state: SyncState) -> None:
        self.state = state
        self.state_changed.emit(state)

    def poll(self) -> None:
        """Re-read the worker's state now (the admin panel, when it opens)."""
        if self.worker is not None:
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

    def pull_now(self) -> None:
        """Fetch the latest statuses now: a resident opened "Cek status"."""
        if self.worker is not None:
            self.worker.pull_now()

    def retry_dead(self) -> None:
        """Put rejected records back in the queue, off the GUI thread; ``retry_done`` follows."""
        from kiosk.ui.tasks import run_task

        def done(result: object, error: BaseException | None) -> None:
            self.retry_done.emit(result, error)
            if error is None and self.worker is not None:
                self.worker.sync_now()

        run_task(self._retry_dead, done, kind="db")

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
