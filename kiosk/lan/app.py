"""The outpost LAN service as an ASGI app (Starlette): the JSON API and the call stream of
docs/lan-api.md, the pages in ``kiosk/lan/static/`` and the voice clips.

Handlers only read the request, call a use case off the event loop (the store is blocking
SQLite) and shape its answer; the rules live in ``kiosk.usecases``. Every action goes
through ``kiosk.usecases.calls.run_once`` with the page's ``action_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk.lan.hub import AUDIO_STATES, CallHub
from kiosk.lan.security import (
    SESSION_COOKIE,
    SubnetGuard,
    cross_site,
    csrf_matches,
    parse_subnets,
    session_cookie,
)
from kiosk.lan.views import board_json, call_json, error_body, ticket_json, utc_text
from kiosk.store.db import StoreError
from kiosk.usecases import (
    AlreadyCalled,
    ConsoleLocked,
    InvalidTransition,
    PinRejected,
    TicketView,
    UseCaseError,
    call_next,
    day_summary,
    find_ticket,
    mark_no_show,
    mark_served,
    recall,
    record_printed,
    reprint,
    undo_no_show,
    void_ticket,
)
from kiosk.usecases.calls import (
    SESSION_HOURS,
    LanSession,
    calls_after,
    check_lan_id,
    close_lan_session,
    counter_queue,
    issue_walk_in,
    lan_session,
    latest_calls,
    open_lan_session,
    prune_lan_actions,
    run_once,
    server_id,
    stream_snapshot,
)
from kiosk.usecases.queue import NO_SHOW_UNDO_S
from kiosk.voice import clip_path
from printing.errors import PrinterUnavailable

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp
    from kiosk.usecases.context import KioskContext

log = logging.getLogger(__name__)

PING_S = 15.0
PRUNE_EVERY_S = 6 * 3600
REPLAY_PAGE = 500
BODY_LIMIT = 16 * 1024
PRINTER_WORDS = {
    "offline": ("printer mati atau tidak tersambung", "the printer is off or not connected"),
    "paper_out": ("kertas habis", "out of paper"),
    "cover_open": ("tutup printer terbuka", "the cover is open"),
    "cutter_error": ("pemotong kertas macet", "the paper cutter is stuck"),
    "printer_error": ("printer melaporkan kesalahan", "the printer reports an error"),
    "unreachable": ("printer tidak terjangkau", "the printer cannot be reached"),
    "not_configured": ("printer belum diatur", "no printer is set up"),
    "io_error": ("gagal mengirim ke printer", "sending to the printer failed"),
    "busy": ("printer sedang sibuk", "the printer is busy"),
}
TICKET_ACTIONS = ("recall", "served", "no-show", "undo-no-show", "void", "reprint")


class Refused(Exception):
    """An answer other than 200, raised anywhere in a handler."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body.get("error"))
        self.status = status
        self.body = body
        self.headers = headers or {}


@dataclass
class LanOptions:
    tls: bool = False
    subnets: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    voice_dir: Path | None = None
    static_dir: Path | None = None
    poll_s: float = 0.1


def default_static_dir() -> Path:
    return Path(str(files("kiosk.lan").joinpath("static")))


def _printer_body(exc: PrinterUnavailable) -> dict[str, Any]:
    words_id, words_en = PRINTER_WORDS.get(exc.reason_code, ("kesalahan", "a fault"))
    body = error_body("printer", detail="")
    body["message"] = {
        "id": f"Printer kios bermasalah: {words_id}. Periksa kertas dan printernya.",
        "en": f"The kiosk's printer has a problem: {words_en}. Check the paper and the printer.",
    }
    body["reason"] = exc.reason_code
    return body


def _error_answer(exc: BaseException, catalogue: Any) -> Refused:
    """A use case's typed error as the API's answer."""
    if isinstance(exc, Refused):
        return exc
    if isinstance(exc, AlreadyCalled):
        ticket: TicketView = exc.ticket  # type: ignore[assignment]
        body = error_body("already_called", number=ticket.number)
        body["ticket"] = ticket_json(ticket, catalogue)
        return Refused(409, body)
    if isinstance(exc, InvalidTransition):
        return Refused(409, error_body("invalid_transition", number=exc.number, status=exc.status))
    if isinstance(exc, PinRejected):
        body = error_body("wrong_pin", left=exc.attempts_left)
        body["attempts_left"] = exc.attempts_left
        return Refused(401, body)
    if isinstance(exc, ConsoleLocked):
        seconds = max(1, math.ceil(exc.seconds_left or 0))
        body = error_body("locked", minutes=max(1, math.ceil(seconds / 60)))
        body["retry_after_s"] = seconds
        return Refused(429, body, {"Retry-After": str(seconds)})
    if isinstance(exc, PrinterUnavailable):
        return Refused(503, _printer_body(exc))
    if isinstance(exc, UseCaseError):
        if exc.code == "bad_request":
            return Refused(400, error_body("bad_request", detail=str(exc)))
        if exc.code in ("ticket_not_found", "unknown_service"):
            return Refused(404, error_body(exc.code))
        if exc.code == "action_pending":
            return Refused(409, error_body(exc.code))
        return Refused(409, {"error": exc.code, "message": {"id": str(exc), "en": str(exc)}})
    if isinstance(exc, StoreError):
        log.warning("the store refused a LAN request: %r", exc)
        return Refused(503, error_body("store_busy"))
    raise exc


class LanService:
    """The routes, over one kiosk (its store, catalogue and printer)."""

    def __init__(self, kiosk: KioskApp, options: LanOptions) -> None:
        self.kiosk = kiosk
        self.ctx: KioskContext = kiosk.context
        self.catalogue = kiosk.catalogue
        self.options = options
        self.hub = CallHub(self.ctx, poll_s=options.poll_s)
        self.static_dir = options.static_dir or default_static_dir()
        self._action_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        """Per action id: its lock and how many requests hold or wait for it."""
        self._print_lock = threading.Lock()
        self._server_id = ""

    # --- plumbing ---------------------------------------------------------------------------

    async def _call(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return await run_in_threadpool(func, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - typed errors become answers; others raise
            raise _error_answer(exc, self.catalogue) from exc

    async def _body(self, request: Request) -> dict[str, Any]:
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > BODY_LIMIT:
                raise Refused(413, error_body("bad_request", detail="too large"))
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise Refused(400, error_body("bad_request", detail="not JSON")) from None
        if not isinstance(body, dict):
            raise Refused(400, error_body("bad_request", detail="not a JSON object"))
        return body

    def _not_cross_site(self, request: Request) -> None:
        if cross_site(request, tls=self.options.tls):
            raise Refused(403, error_body("csrf"))

    async def _session(self, request: Request, *, changes: bool) -> LanSession:
        if changes:
            self._not_cross_site(request)
        token = request.cookies.get(SESSION_COOKIE, "")
        session = await self._call(lan_session, self.ctx, token)
        if session is None:
            raise Refused(401, error_body("signed_out"))
        if changes and not csrf_matches(request, session.csrf):
            raise Refused(403, error_body("csrf"))
        return session

    def _counter(self, counter: str) -> str:
        if counter not in self.catalogue.counters():
            raise Refused(404, error_body("unknown_counter", counter=counter))
        return counter

    def _ticket(self, ticket: TicketView) -> dict[str, Any]:
        return ticket_json(ticket, self.catalogue)

    async def _action(
        self, request: Request, work: Callable[[KioskContext, LanSession], dict[str, Any]]
    ) -> Response:
        """Signed in, CSRF-checked, idempotent by the body's ``action_id``; ``work`` returns
        ``{"status", "body"}``, which a repeat of the same press gets again."""
        session = await self._session(request, changes=True)
        body = await self._body(request)
        action_id = body.get("action_id")
        try:
            check_lan_id(action_id, "action_id")
        except UseCaseError as exc:
            raise _error_answer(exc, self.catalogue) from None
        request.state.body = body
        loop = asyncio.get_running_loop()

        def work_then_wake(ctx: KioskContext) -> dict[str, Any]:
            answer = work(ctx, session)
            loop.call_soon_threadsafe(self.hub.poke)  # committed: the streams may have it now
            return answer

        lock, users = self._action_locks.get(action_id, (asyncio.Lock(), 0))
        self._action_locks[action_id] = (lock, users + 1)
        try:
            async with lock:  # a retry racing its own first try waits for its answer
                answer = await self._call(
                    run_once,
                    self.ctx,
                    action_id,
                    session.operator.id,
                    work_then_wake,
                )
        finally:
            lock, users = self._action_locks[action_id]
            if users <= 1:
                del self._action_locks[action_id]
            else:
                self._action_locks[action_id] = (lock, users - 1)
        self.hub.poke()
        return JSONResponse(answer["body"], status_code=answer["status"])

    # --- pages and files --------------------------------------------------------------------

    def _page(self, name: str) -> Callable[[Request], Awaitable[Response]]:
        async def page(_request: Request) -> Response:
            path = self.static_dir / name
            if not path.is_file():
                raise Refused(404, error_body("not_found"))
            return FileResponse(path, headers={"Cache-Control": "no-cache"})

        return page

    async def voice(self, request: Request) -> Response:
        name = request.path_params["clip"]
        try:
            path = clip_path(name, self.options.voice_dir)
        except ValueError:
            raise Refused(404, error_body("not_found")) from None
        if not path.is_file():
            raise Refused(404, error_body("not_found"))
        return FileResponse(path, media_type="audio/wav", headers={"Cache-Control": "max-age=3600"})

    # --- sessions -----------------------------------------------------------------------------

    async def sign_in(self, request: Request) -> Response:
        self._not_cross_site(request)
        body = await self._body(request)
        pin, device = body.get("pin"), body.get("device")
        if not isinstance(pin, str) or not pin:
            raise Refused(400, error_body("bad_request", detail="pin"))
        session = await self._call(open_lan_session, self.ctx, pin, device)
        response = JSONResponse(self._session_json(session))
        response.set_cookie(
            **session_cookie(session.token, tls=self.options.tls, max_age=SESSION_HOURS * 3600)
        )
        return response

    def _session_json(self, session: LanSession) -> dict[str, Any]:
        operator = session.operator
        return {
            "operator": {"id": operator.id, "name": operator.name, "role": operator.role},
            "csrf": session.csrf,
            "device": session.device,
        }

    async def who(self, request: Request) -> Response:
        session = await self._session(request, changes=False)
        return JSONResponse(self._session_json(session))

    async def sign_out(self, request: Request) -> Response:
        session = await self._session(request, changes=True)
        del session
        await self._call(close_lan_session, self.ctx, request.cookies.get(SESSION_COOKIE, ""))
        response = JSONResponse({"signed_out": True})
        response.delete_cookie(
            SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=self.options.tls
        )
        return response

    # --- counters, services, lists --------------------------------------------------------

    async def counters(self, _request: Request) -> Response:
        return JSONResponse(
            {"counters": self.catalogue.counters(), "outpost": self._outpost_short()}
        )

    def _outpost_short(self) -> str:
        return self.kiosk.settings.outpost_name.removeprefix("Pasar Pelayanan Publik").strip()

    async def services(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "services": [
                    {
                        "code": s.code,
                        "letter": s.queue_letter,
                        "name": {"id": s.name.id, "en": s.name.en},
                        "counter": s.counter,
                    }
                    for s in self.catalogue.services
                ]
            }
        )

    async def queue(self, request: Request) -> Response:
        await self._session(request, changes=False)
        counter = self._counter(request.path_params["counter"])
        found = await self._call(counter_queue, self.ctx, counter)
        return JSONResponse(
            {
                "counter": counter,
                "waiting": [self._ticket(t) for t in found.waiting],
                "called": self._ticket(found.called) if found.called else None,
                "recent": [self._ticket(t) for t in found.recent],
            }
        )

    async def report(self, request: Request) -> Response:
        await self._session(request, changes=False)
        summary = await self._call(day_summary, self.ctx)

        def name(code: str) -> dict[str, str]:
            try:
                text = self.catalogue.service(code).name
                return {"id": text.id, "en": text.en}
            except KeyError:
                return {"id": code, "en": code}

        def minutes(value: float | None) -> float | None:
            return round(value, 1) if value is not None else None

        return JSONResponse(
            {
                "day": summary.day.isoformat(),
                "services": [
                    {
                        "code": s.service_code,
                        "name": name(s.service_code),
                        "issued": s.issued,
                        "served": s.served,
                        "no_show": s.no_show,
                        "voided": s.void,
                        "waiting": s.waiting,
                        "mean_wait_min": minutes(s.mean_wait_min),
                        "p90_wait_min": minutes(s.p90_wait_min),
                    }
                    for s in summary.services
                ],
                "total_issued": summary.total_issued,
                "total_served": summary.total_served,
            }
        )

    # --- actions ------------------------------------------------------------------------------

    async def call_next(self, request: Request) -> Response:
        counter = self._counter(request.path_params["counter"])

        def work(ctx: KioskContext, session: LanSession) -> dict[str, Any]:
            allow = request.state.body.get("allow_second") is True
            ticket = call_next(
                ctx,
                counter=counter,
                operator_id=session.operator.id,
                allow_second=allow,
                device=session.device,
            )
            return {"status": 200, "body": {"ticket": self._ticket(ticket) if ticket else None}}

        return await self._action(request, work)

    async def ticket_action(self, request: Request) -> Response:
        ticket_id, action = request.path_params["ticket_id"], request.path_params["action"]
        if action not in TICKET_ACTIONS:
            raise Refused(404, error_body("not_found"))
        if action == "reprint":
            return await self._action(request, lambda ctx, s: self._reprint(ctx, s, ticket_id))
        use_case = {
            "recall": recall,
            "served": mark_served,
            "no-show": mark_no_show,
            "undo-no-show": undo_no_show,
            "void": void_ticket,
        }[action]

        def work(ctx: KioskContext, session: LanSession) -> dict[str, Any]:
            ticket = use_case(ctx, ticket_id, session.operator.id, session.device)
            body: dict[str, Any] = {"ticket": self._ticket(ticket)}
            if action == "no-show":
                body["undo_s"] = NO_SHOW_UNDO_S
            return {"status": 200, "body": body}

        return await self._action(request, work)

    def _print(self, printout: Any) -> None:
        with self._print_lock:  # one job at a time on the kiosk's printer
            self.kiosk.printer.print(printout)

    def _reprint(self, ctx: KioskContext, session: LanSession, ticket_id: str) -> dict[str, Any]:
        """Print first: a printer fault changes nothing (no count, no audit entry)."""
        from kiosk.printouts import ticket_printout

        language = self.kiosk.settings.language
        ticket = find_ticket(ctx, ticket_id)
        self._print(ticket_printout(self.kiosk, ticket, language, is_reprint=True))
        counted = reprint(ctx, ticket_id, session.operator.id, session.device)
        return {"status": 200, "body": {"ticket": self._ticket(counted)}}

    async def walk_in(self, request: Request) -> Response:
        self._counter(request.path_params["counter"])

        def work(ctx: KioskContext, session: LanSession) -> dict[str, Any]:
            from kiosk.printouts import walk_in_printout

            code = request.state.body.get("service_code")
            if not isinstance(code, str):
                raise Refused(400, error_body("bad_request", detail="service_code"))
            issued = issue_walk_in(ctx, code, session.operator.id, session.device)
            ticket = self._ticket(find_ticket(ctx, issued.ticket_id))
            try:
                self._print(walk_in_printout(self.kiosk, issued, self.kiosk.settings.language))
            except PrinterUnavailable as exc:
                # The number is issued (and kept): the operator can tell it or reprint it.
                return {"status": 503, "body": _printer_body(exc) | {"ticket": ticket}}
            record_printed(self.ctx, issued.ticket_id)
            return {"status": 200, "body": {"ticket": ticket}}

        return await self._action(request, work)

    # --- the call stream ------------------------------------------------------------------------

    async def calls(self, request: Request) -> Response:
        limit = _int(request.query_params.get("limit"), 100, 1, 500)
        after = request.query_params.get("after")
        if after is None:
            found = await self._call(latest_calls, self.ctx, limit)
        else:
            found = await self._call(calls_after, self.ctx, _int(after, 0, 0, 2**62), limit)
        snapshot = await self._call(stream_snapshot, self.ctx)
        return JSONResponse(
            {
                "calls": [call_json(c) for c in found],
                "last_seq": snapshot.last_seq,
                "board": board_json(snapshot.board),
            },
            headers={"Cache-Control": "no-store"},
        )

    async def stream(self, request: Request) -> Response:
        last_event = request.headers.get("last-event-id")
        asked = last_event if last_event not in (None, "") else request.query_params.get("after")
        after = _int(asked, -1, 0, 2**62) if asked is not None else None
        sub = self.hub.subscribe()
        try:
            snapshot = await self._call(stream_snapshot, self.ctx)
        except BaseException:
            self.hub.unsubscribe(sub)
            raise
        return StreamingResponse(
            self._events(sub, snapshot, after),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def _events(self, sub: Any, snapshot: Any, after: int | None) -> AsyncIterator[bytes]:
        try:
            hello = {
                "last_seq": snapshot.last_seq,
                "board": board_json(snapshot.board),
                "server_id": self._server_id,
            }
            yield b"retry: 2000\n" + _sse("hello", hello)
            if self.hub.displays:
                yield _sse("health", self.hub.health())
            sent = snapshot.last_seq if after is None or after > snapshot.last_seq else after
            while sent < snapshot.last_seq:  # the gap the page missed, from the store
                page = await run_in_threadpool(calls_after, self.ctx, sent, REPLAY_PAGE)
                if not page:
                    break
                for call in page:
                    yield _sse("call", call_json(call), call.seq)
                    sent = call.seq
            while True:
                try:
                    name, data, seq = await asyncio.wait_for(sub.queue.get(), PING_S)
                except TimeoutError:
                    yield b": ping\n\nevent: ping\ndata: {}\n\n"
                    continue
                if name == "end":
                    return
                if seq is not None:
                    if seq <= sent:
                        continue  # replayed already
                    sent = seq
                yield _sse(name, data, seq)
        finally:
            self.hub.unsubscribe(sub)

    async def display_health(self, request: Request) -> Response:
        self._not_cross_site(request)
        device = request.path_params["device"]
        body = await self._body(request)
        audio = body.get("audio")
        try:
            check_lan_id(device, "device")
        except UseCaseError as exc:
            raise _error_answer(exc, self.catalogue) from None
        if audio not in AUDIO_STATES:
            raise Refused(400, error_body("bad_request", detail="audio: ok, blocked or error"))
        self.hub.note_health(device, audio, self.ctx.clock())
        return JSONResponse(
            {"device": device, "audio": audio, "seen_at": utc_text(self.ctx.clock())}
        )

    # --- the app ------------------------------------------------------------------------------

    @asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        self._server_id = await run_in_threadpool(server_id, self.ctx)
        pruning = asyncio.create_task(self._prune_daily(), name="lan-prune")
        await self.hub.start()
        try:
            yield
        finally:
            pruning.cancel()
            await self.hub.stop()

    async def _prune_daily(self) -> None:
        """Forget old actions' answers at start and every few hours after (a kiosk may run
        for days)."""
        while True:
            with contextlib.suppress(StoreError):
                await run_in_threadpool(prune_lan_actions, self.ctx)
            await asyncio.sleep(PRUNE_EVERY_S)

    def routes(self) -> list[Route | Mount]:
        return [
            Route("/", self._page("index.html")),
            Route("/counter", self._page("counter.html")),
            Route("/display", self._page("display.html")),
            Route("/voice/{clip}.wav", self.voice),
            Route("/api/session", self.sign_in, methods=["POST"]),
            Route("/api/session", self.who, methods=["GET"]),
            Route("/api/session", self.sign_out, methods=["DELETE"]),
            Route("/api/counters", self.counters),
            Route("/api/services", self.services),
            Route("/api/counters/{counter}/queue", self.queue),
            Route("/api/counters/{counter}/call-next", self.call_next, methods=["POST"]),
            Route("/api/counters/{counter}/walk-in", self.walk_in, methods=["POST"]),
            Route("/api/tickets/{ticket_id}/{action}", self.ticket_action, methods=["POST"]),
            Route("/api/report", self.report),
            Route("/api/calls", self.calls),
            Route("/api/stream", self.stream),
            Route("/api/displays/{device}/health", self.display_health, methods=["POST"]),
            Mount("/static", StaticFiles(directory=self.static_dir, check_dir=False)),
        ]


def _sse(event: str, data: dict[str, Any], seq: int | None = None) -> bytes:
    head = f"id: {seq}\n" if seq is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


def _int(value: str | None, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise Refused(
            400, error_body("bad_request", detail=f"not a number: {value[:20]}")
        ) from None
    return min(max(number, low), high)


async def _refused(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return JSONResponse(exc.body, status_code=exc.status, headers=exc.headers)


async def _not_found(_request: Request, _exc: Exception) -> Response:
    return JSONResponse(error_body("not_found"), status_code=404)


class _SafeHeaders:
    """No sniffing, no framing, no referrer; API answers never cached."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


def create_app(kiosk: KioskApp, options: LanOptions | None = None) -> Starlette:
    """The ASGI app over ``kiosk`` (its store, catalogue, printer)."""
    options = options or LanOptions()
    service = LanService(kiosk, options)
    app = Starlette(
        routes=service.routes(),
        middleware=[
            Middleware(SubnetGuard, subnets=parse_subnets(options.subnets)),
            Middleware(_SafeHeaders),
        ],
        exception_handlers={Refused: _refused, 404: _not_found},
        lifespan=service.lifespan,
    )
    app.state.lan = service
    return app
