"""Run slow work off the GUI thread and bring back ``(result, error)`` on it.

``run_task(func, on_done)``: ``func`` runs on a worker thread and never touches a widget;
``on_done(result, error)`` runs on the GUI thread with exactly one of the two set. Every
exception is caught and handed to ``on_done`` — nothing is lost in a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any, BaseException | None], None]


class _Outcome:
    """Carries ``(result, error)`` across threads as one Python object.

    A queued signal with a bare ``None`` argument loses a reference to ``None`` in some
    PySide6 releases on Python 3.11 (where ``None`` is not immortal); after enough tasks the
    interpreter aborts with "deallocating None". Wrapping the pair avoids it.
    """

    __slots__ = ("error", "result")

    def __init__(self, result: Any, error: BaseException | None) -> None:
        self.result = result
        self.error = error


class _Relay(QObject):
    finished = Signal(object)


class _Task(QRunnable):
    def __init__(self, func: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._func = func
        self._relay = relay

    @Slot()
    def run(self) -> None:
        try:
            result = self._func()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread
            log.warning("background task failed: %r", exc)
            self._relay.finished.emit(_Outcome(None, exc))
        else:
            self._relay.finished.emit(_Outcome(result, None))


_live: set[_Relay] = set()
_writer_pool: QThreadPool | None = None


def _pool(kind: str) -> QThreadPool:
    """Database writes go through one thread (SQLite has one writer); the rest share Qt's."""
    global _writer_pool
    if kind == "db":
        if _writer_pool is None:
            _writer_pool = QThreadPool()
            _writer_pool.setMaxThreadCount(1)
        return _writer_pool
    return QThreadPool.globalInstance()


def run_task(func: Callable[[], Any], on_done: Done, *, kind: str = "db") -> None:
    """``kind`` is ``"db"`` (the one writer thread) or ``"io"`` (printing, network)."""
    relay = _Relay()
    _live.add(relay)

    def finished(outcome: _Outcome) -> None:
        # Break the relay -> slot -> relay cycle here, so the relay is freed by reference
        # counting on this (the GUI) thread, never by a collection on a worker thread.
        relay.finished.disconnect(finished)
        _live.discard(relay)
        error = outcome.error
        on_done(outcome.result, error if isinstance(error, BaseException) else None)

    relay.finished.connect(finished)
    _pool(kind).start(_Task(func, relay))


def wait_for_tasks(msecs: int = 5000) -> None:
    """For tests and shutdown: wait until background work is finished."""
    if _writer_pool is not None:
        _writer_pool.waitForDone(msecs)
    QThreadPool.globalInstance().waitForDone(msecs)
