"""The live side of the LAN service: one watcher of the store, fanned out to every stream.

The store is the truth: a call made on the touchscreen's console and one made on a LAN page
both land in ``call_log`` (and their ticket events in ``ticket_events``). While at least one
stream is open, the hub looks every ``POLL_S`` at two O(1) marks (the call log's highest
``seq``, the ticket events' highest rowid) and reads what is new only when one moved; an
action made through this service pokes it to look at once. Each stream has its own bounded
queue: a reader too slow to keep up is dropped and, reconnecting with its ``Last-Event-ID``,
replays what it missed from the store. Nothing is lost by being pushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from kiosk.lan.views import board_json, call_json, utc_text
from kiosk.usecases.calls import StreamChanges, stream_changes, stream_snapshot
from kiosk.usecases.context import KioskContext

log = logging.getLogger(__name__)

POLL_S = 0.1
QUEUE_LIMIT = 2000
AUDIO_STATES = ("ok", "blocked", "error")

Event = tuple[str, dict[str, Any], int | None]
"""(event name, data, the SSE id: a call's seq, else None)."""


@dataclass(eq=False)
class Subscriber:
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    dropped: bool = False


class CallHub:
    def __init__(self, ctx: KioskContext, *, poll_s: float = POLL_S) -> None:
        self._ctx = ctx
        self._poll_s = poll_s
        self._subscribers: set[Subscriber] = set()
        self._someone = asyncio.Event()
        self._look_now = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_seq = 0
        self._mark = 0
        self.displays: dict[str, dict[str, Any]] = {}

    async def start(self) -> None:
        snapshot = await run_in_threadpool(stream_snapshot, self._ctx)
        self._last_seq, self._mark = snapshot.last_seq, snapshot.events_mark
        self._task = asyncio.create_task(self._watch(), name="lan-call-hub")

    def end_streams(self) -> None:
        """The service is stopping: end every stream now (each page reconnects and replays),
        rather than have the server cut them off."""
        for sub in list(self._subscribers):
            self._drop(sub)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for sub in list(self._subscribers):
            self._drop(sub)

    # --- streams ----------------------------------------------------------------------------

    def subscribe(self) -> Subscriber:
        sub = Subscriber()
        self._subscribers.add(sub)
        self._someone.set()
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self._subscribers.discard(sub)
        if not self._subscribers:
            self._someone.clear()

    @property
    def streams(self) -> int:
        return len(self._subscribers)

    def poke(self) -> None:
        """Something changed through this service: look now, not at the next tick."""
        self._look_now.set()

    def _publish(self, event: Event) -> None:
        for sub in list(self._subscribers):
            try:
                sub.queue.put_nowait(event)
            except asyncio.QueueFull:
                self._drop(sub)

    def _drop(self, sub: Subscriber) -> None:
        """Too slow (or the service stops): end its stream; the page replays on reconnect."""
        sub.dropped = True
        self.unsubscribe(sub)
        with contextlib.suppress(asyncio.QueueFull):
            sub.queue.put_nowait(("end", {}, None))

    # --- displays' audio health ---------------------------------------------------------------

    def note_health(self, device: str, audio: str, now: datetime) -> None:
        before = self.displays.get(device, {}).get("audio")
        self.displays[device] = {"device": device, "audio": audio, "seen_at": utc_text(now)}
        if before != audio:
            self._publish(("health", self.health(), None))

    def health(self) -> dict[str, Any]:
        return {"displays": sorted(self.displays.values(), key=lambda d: d["device"])}

    # --- watching the store ---------------------------------------------------------------

    async def _watch(self) -> None:
        while True:
            try:
                await self._someone.wait()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._look_now.wait(), self._poll_s)
                self._look_now.clear()
                changes = await run_in_threadpool(
                    stream_changes, self._ctx, self._last_seq, self._mark
                )
                self._apply(changes)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a busy or failing store: try again shortly
                log.exception("the LAN service could not read the call stream")
                await asyncio.sleep(1.0)

    def _apply(self, changes: StreamChanges) -> None:
        for call in changes.calls:
            self._publish(("call", call_json(call), call.seq))
            self._last_seq = max(self._last_seq, call.seq)
        if changes.calls and len(changes.calls) >= 200:
            self.poke()  # a backlog: read the rest at once
        self._mark = changes.events_mark
        for counter in sorted(changes.counters):
            self._publish(("queue", {"counter": counter}, None))
        if changes.board is not None:
            self._publish(("board", {"board": board_json(changes.board)}, None))
