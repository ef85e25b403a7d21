"""HTTP/1.1 connections with deadlines: uvicorn's h11 protocol, plus the two timeouts it lacks.

uvicorn (0.54) closes a connection only when it sits idle ``timeout_keep_alive`` seconds
*after a response*. A client that connects and says nothing, or sends one header line a
second, or trickles its body, holds the connection for ever (a slowloris). This protocol
gives every request two deadlines, like nginx's ``client_header_timeout`` and
``client_body_timeout`` (as totals, so trickling does not reset them):

* **headers**: the whole head (request line and headers) must arrive within
  ``header_timeout_s`` of the connection opening, or of the previous response ending;
* **body**: the whole body must arrive within ``body_timeout_s`` of the head.

Past a deadline the connection is closed (nginx does the same: no answer is owed to a
client that does not finish its request). Nothing else changes: h11 parses, and a handler
that is busy with a complete request has no deadline here.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

DEFAULT_HEADER_TIMEOUT_S = 10.0
DEFAULT_BODY_TIMEOUT_S = 60.0
DEFAULT_KEEP_ALIVE_S = 5
DEFAULT_LIMIT_CONCURRENCY = 100

_log = logging.getLogger("uvicorn.error")


class DeadlineH11Protocol(H11Protocol):
    """One HTTP/1.1 connection; see the module's docstring for the two deadlines."""

    def __init__(
        self,
        *args: Any,
        header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S,
        body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.header_timeout_s = header_timeout_s
        self.body_timeout_s = body_timeout_s
        self._phase: str | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _watch(self) -> None:
        """Arm the deadline of the phase the request is in, once per phase."""
        if self.transport is None or self.transport.is_closing():
            self._disarm()
            return
        state = self.conn.their_state
        phase = "headers" if state is h11.IDLE else "body" if state is h11.SEND_BODY else None
        if phase == self._phase:
            return
        self._disarm()
        self._phase = phase
        if phase is not None:
            seconds = self.header_timeout_s if phase == "headers" else self.body_timeout_s
            self._deadline = self.loop.call_later(seconds, self._expired, phase)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        self._phase = None

    def _expired(self, phase: str) -> None:
        self._deadline = None
        if self.transport is not None and not self.transport.is_closing():
            _log.info("closing %s: its request %s did not arrive in time", self.client, phase)
            self.transport.close()


def deadline_protocol(
    header_timeout_s: float = DEFAULT_HEADER_TIMEOUT_S,
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S,
) -> Callable[..., DeadlineH11Protocol]:
    """What ``uvicorn.run(http=...)`` takes: a picklable factory, so ``--workers`` works."""
    return functools.partial(
        DeadlineH11Protocol, header_timeout_s=header_timeout_s, body_timeout_s=body_timeout_s
    )
