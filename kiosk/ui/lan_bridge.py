"""Calls made on the outpost LAN, shown and announced by the kiosk itself.

The LAN service runs in its own process (kiosk.lan); the store's call stream is what both
processes share. ``LanBridge`` reads the stream every ``POLL_MS`` off the GUI thread
(``run_task``) and hands each new call made on a LAN page to the call-out view: announced
when the view is showing (a second screen, or opened from the console), else only shown,
so that the view is current when it opens. Calls made on the kiosk's own console are
announced by the console as they happen; the bridge skips them (their ``device`` is
empty), so each call is announced once.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.ui.tasks import run_task
from kiosk.usecases import CallRecord, calls_after, last_call_seq

if TYPE_CHECKING:
    from kiosk.usecases.context import KioskContext

log = logging.getLogger(__name__)

POLL_MS = 300
PAGE = 200
REMEMBERED = 500
"""How many announced calls the bridge remembers to never announce one twice."""


class LanBridge(QObject):
    #: A call made on a LAN page (a ``CallRecord``), after the call-out has it.
    call_arrived = Signal(object)

    def __init__(
        self,
        ctx: KioskContext,
        callout: Callable[[], Any],
        *,
        interval_ms: int = POLL_MS,
        parent: QObject | None = None,
    ) -> None:
        """``callout()`` gives the call-out view (made on first use)."""
        super().__init__(parent)
        self._ctx = ctx
        self._callout = callout
        self._after: int | None = None
        self._reading = False
        self._seen: deque[int] = deque(maxlen=REMEMBERED)
        self._waiting: dict[str, CallRecord] = {}
        """The newest LAN call per counter not yet on the call-out (it was hidden)."""
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        """From the stream's end now: calls made before the kiosk started are not news."""
        ctx = self._ctx

        def started(seq: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            if error is not None:
                log.warning("the call stream could not be read: %r", error)
                seq = 0
            self._after = int(seq)
            self._timer.start()

        run_task(lambda: last_call_seq(ctx), started, kind="io")

    def stop(self) -> None:
        self._timer.stop()

    @property
    def after(self) -> int | None:
        return self._after

    def poll(self) -> None:
        if self._reading or self._after is None:
            return
        self._reading = True
        ctx, after = self._ctx, self._after

        def read(calls: Any, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return
            self._reading = False
            if error is not None:
                log.warning("the call stream could not be read: %r", error)
                return
            self.take(calls)

        run_task(lambda: calls_after(ctx, after, PAGE), read, kind="io")

    def take(self, calls: list[CallRecord]) -> None:
        """Hand new calls to the call-out; each seq once.

        A hidden call-out is not redrawn per call (a redraw restyles its tiles, several
        milliseconds of the GUI thread each): the newest number per counter waits and is
        shown in one go when the view is showing again.
        """
        fresh: list[CallRecord] = []
        for call in calls:
            self._after = max(self._after or 0, call.seq)
            if call.device is None or call.seq in self._seen:
                continue  # the kiosk's own console announced it already
            self._seen.append(call.seq)
            fresh.append(call)
            self.call_arrived.emit(call)
        if not fresh and not self._waiting:
            return
        view = self._callout()
        if not view.isVisible():
            for call in fresh:
                self._waiting.pop(call.counter, None)
                self._waiting[call.counter] = call  # the newest last
            return
        waiting, self._waiting = self._waiting, {}
        for call in waiting.values():  # made while hidden: shown, not spoken now
            view.show_call(call.number, call.counter)
        for call in fresh:
            view.announce(call.number, call.counter, recall=call.kind == "recall")


def callout_getter(counters: list[str]) -> Callable[[], Any]:
    """The app's one call-out view, made on first use and then kept: asking
    ``shared_callout`` for each call would lay its tiles out again every time."""
    from kiosk.ui.console.callout import shared_callout

    held: list[Any] = []

    def get() -> Any:
        if not held or not shiboken6.isValid(held[0]):
            held[:] = [shared_callout(counters)]
        return held[0]

    return get


class OutpostLan:
    """The LAN service's process and the bridge, as the GUI runs them."""

    def __init__(self, supervisor: Any, bridge: LanBridge) -> None:
        self.supervisor = supervisor
        self.bridge = bridge

    def stop(self) -> None:
        self.bridge.stop()
        self.supervisor.stop()


def start_outpost_lan(
    app: Any, config: Path, *, demo: bool, on_call: Callable[[CallRecord], None]
) -> OutpostLan | None:
    """Start the LAN service (its own process, kept alive) and the bridge, when
    ``[lan].enabled``; ``on_call`` hears of each call made on a LAN page."""
    from kiosk.lan.supervisor import LanSupervisor, lan_service_command
    from kiosk.ui.console.callout import CallOutView

    if not app.settings.lan.enabled:
        log.info("the outpost LAN service is off ([lan].enabled = false)")
        return None
    supervisor = LanSupervisor(lan_service_command(config, demo=demo))
    supervisor.start()
    counters = app.catalogue.counters()
    callout = callout_getter(counters)
    callout()  # made now, at start-up, not in the middle of the first LAN call
    bridge = LanBridge(app.context, callout)
    bridge.call_arrived.connect(on_call)
    if CallOutView.has_second_screen():
        callout().present()  # the hall sees the calls from the start
    bridge.start()
    return OutpostLan(supervisor, bridge)
