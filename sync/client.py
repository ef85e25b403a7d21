"""The HTTP side of sync: one ``requests.Session``, gzip bodies, strict answer checking.

Every failure is classified into one of the exceptions below, so the pusher can decide:
retry later (:class:`SyncTransientError`), split (:class:`PayloadTooLarge`), stop and alert
(:class:`SyncAuthError`), or give up on this push without retrying blindly
(:class:`SyncFatalError`, which includes answers that are not protocol answers at all).
"""

from __future__ import annotations

import gzip
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

import requests
from pydantic import ValidationError

from sync.backoff import Backoff
from sync.protocol import (
    BatchRequest,
    BatchResponse,
    Catalog,
    ExistsRequest,
    ExistsResponse,
    Health,
    KioskSummary,
    Record,
    StatusChangesPage,
)
from sync.server_url import check_server_url

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class SyncError(Exception):
    """Base of sync's errors; ``str()`` is a short reason fit for the admin's screen."""


class SyncAuthError(SyncError):
    """401/403: the token is wrong or the kiosk is disabled. Stop and alert; never retry."""

    def __init__(self, status: int, detail: str = "") -> None:
        refused = "the kiosk token" if status == 401 else "this kiosk"  # 403: e.g. disabled
        super().__init__(
            f"server refused {refused} (HTTP {status})" + (f": {detail}" * bool(detail))
        )
        self.status = status


class SyncTransientError(SyncError):
    """Worth retrying later: timeouts, resets, 408/429/5xx. ``retry_after`` in seconds."""

    def __init__(
        self, reason: str, retry_after: float | None = None, status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.status = status
        """The HTTP status when the server answered; None when it was not reached."""


class SyncFatalError(SyncError):
    """Not worth retrying as it is: a 4xx other than 408/429, or not a protocol answer."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status
        """The HTTP status when the server refused; None when it did not answer in kind."""

    server_reached = True
    """False when what answered was not the sync server (see :class:`NotTheServer`)."""


class NotTheServer(SyncFatalError):
    """Something other than the sync server answered: a captive portal's page or redirect,
    a proxy, a certificate that does not verify. Sync can go on once the server itself
    answers again (the worker's health probe tells)."""

    server_reached = False


class ProtocolViolation(NotTheServer):
    """The answer is not a well-formed protocol answer (captive portal, proxy page ...)."""


class PayloadTooLarge(SyncError):
    """413: send fewer records at once."""


class CursorReset(SyncFatalError):
    """410 on the status-changes feed: the server no longer accepts this cursor (malformed,
    from another server, or older than the feed keeps). Drop it and pull from the start."""


class ServerConfig(Protocol):
    url: str
    token: str
    ca_bundle: Path | None
    connect_timeout_s: float
    read_timeout_s: float


@dataclass(frozen=True)
class ClockReading:
    """The server's clock as one answer told it, placed on this process's monotonic clock.

    The server wrote ``server_time`` somewhere between the request leaving and the answer
    arriving; the midpoint of the two (``mono``) is the best guess, wrong by at most half
    the round trip. Measured on the monotonic clock, the reading stays true when the
    kiosk's wall clock is set afterwards: the server's time now is ``server_time`` plus the
    monotonic seconds since.
    """

    server_time: datetime
    mono: float
    round_trip_s: float

    def server_now(self, mono_now: float) -> datetime:
        return self.server_time + timedelta(seconds=mono_now - self.mono)

    def skew_s(self, kiosk_now: datetime, mono_now: float) -> float:
        """Server time minus kiosk time, in seconds (positive: the kiosk's clock is behind)."""
        return (self.server_now(mono_now) - kiosk_now).total_seconds()


@dataclass(frozen=True)
class CatalogAnswer:
    catalog: Catalog | None
    """None when the server answered 304 Not Modified."""
    etag: str | None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class SyncClient:
    """Talks protocol v1 to one server. Not thread-safe: one pusher uses it at a time."""

    def __init__(
        self,
        server: ServerConfig,
        *,
        session: requests.Session | None = None,
        backoff: Backoff | None = None,
        max_tries: int = 4,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = check_server_url(server.url)
        self.timeout = (server.connect_timeout_s, server.read_timeout_s)
        self.session = session or requests.Session()
        self.session.headers["Authorization"] = f"Bearer {server.token}"
        self.session.headers["User-Agent"] = "ppp-kiosk-sync/1"
        self.session.headers["Accept"] = "application/json"
        # requests verifies certificates by default; a custom CA bundle replaces the system's.
        self.session.verify = str(server.ca_bundle) if server.ca_bundle else True
        self.session.trust_env = False  # no proxy or .netrc surprises on a kiosk
        self.backoff = backoff or Backoff()
        self.max_tries = max_tries
        self.sleep = sleep
        self.monotonic = monotonic
        self.last_reading: ClockReading | None = None
        """The server's clock from the last answer that carried it (health, batch)."""
        self._sends_skew = True
        """False once this server refused ``clock_skew_s`` (a server from before it)."""
        self._exchange = (0.0, 0.0)
        """When the last answered request left and its answer arrived (monotonic)."""

    def close(self) -> None:
        self.session.close()

    # -- one request, classified ------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        sent = self.monotonic()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                timeout=self.timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.exceptions.SSLError as exc:
            raise NotTheServer(f"TLS verification failed: {exc}") from exc
        except requests.exceptions.Timeout as exc:
            raise SyncTransientError(f"timed out: {type(exc).__name__}") from exc
        except requests.exceptions.RequestException as exc:
            raise SyncTransientError(f"network: {type(exc).__name__}") from exc
        status = response.status_code
        if status in (401, 403):
            raise SyncAuthError(status, _short_detail(response))
        if status == 413:
            raise PayloadTooLarge("server answered 413 (too large)")
        if status in RETRYABLE_STATUS:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise SyncTransientError(f"server answered HTTP {status}", retry_after, status)
        if 300 <= status < 400 and status != 304:
            where = response.headers.get("Location", "")[:100]
            raise NotTheServer(f"redirected (HTTP {status}) to {where!r} — a captive portal?")
        if status >= 400 or status in (204, 205):
            detail = f"server answered HTTP {status} {_short_detail(response)}".strip()
            raise SyncFatalError(detail, status)
        self._exchange = (sent, self.monotonic())
        return response

    def _read_clock(self, server_time: datetime | None) -> None:
        """Place the server's time from the answer just read on the monotonic clock."""
        if server_time is None:
            return
        sent, received = self._exchange
        self.last_reading = ClockReading(
            server_time=server_time, mono=(sent + received) / 2, round_trip_s=received - sent
        )

    def _with_retries(self, call: Callable[[], Any]) -> Any:
        """Retry transient failures with backoff, up to ``max_tries`` in all, then re-raise."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except SyncTransientError as exc:
                if attempt >= self.max_tries:
                    raise
                self.sleep(self.backoff.delay(attempt, exc.retry_after))

    # -- the protocol ------------------------------------------------------------------

    def health(self) -> Health:
        response = self._request("GET", "/api/v1/health")
        answer = _parse(Health, response)
        self._read_clock(answer.server_time)
        return answer

    def send_batch(
        self,
        records: Sequence[Record],
        *,
        retry: bool = True,
        clock_skew_s: float | None = None,
    ) -> BatchResponse:
        """POST one batch; returns only a protocol answer covering exactly the ids sent.

        The same Idempotency-Key is used for every retry of this batch. ``clock_skew_s`` is
        the kiosk's last measured skew; the answer's ``server_time`` updates ``last_reading``.
        """
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Idempotency-Key": str(uuid.uuid4()),
        }

        def body() -> bytes:
            envelope = BatchRequest.model_construct(
                records=list(records), clock_skew_s=clock_skew_s
            )
            left_out = None if self._sends_skew else {"clock_skew_s"}
            return gzip.compress(
                envelope.model_dump_json(exclude=left_out).encode(), compresslevel=5
            )

        def once() -> BatchResponse:
            try:
                response = self._request(
                    "POST", "/api/v1/records:batch", data=body(), headers=headers
                )
            except SyncFatalError as exc:
                if not (self._sends_skew and _refuses_skew_field(exc)):
                    raise
                self._sends_skew = False  # a server from before the field: send without it
                response = self._request(
                    "POST", "/api/v1/records:batch", data=body(), headers=headers
                )
            answer = _parse(BatchResponse, response)
            sent = [record.id for record in records]
            got = [result.id for result in answer.results]
            if len(got) != len(sent) or set(got) != set(sent):
                raise ProtocolViolation("the answer does not cover exactly the records sent")
            self._read_clock(answer.server_time)
            return answer

        return self._with_retries(once) if retry else once()

    def catalog(self, etag: str | None = None) -> CatalogAnswer:
        headers = {"If-None-Match": etag} if etag else {}
        response = self._with_retries(
            lambda: self._request("GET", "/api/v1/catalog", headers=headers)
        )
        if response.status_code == 304:
            return CatalogAnswer(None, etag)
        return CatalogAnswer(_parse(Catalog, response), response.headers.get("ETag"))

    def summary(self) -> KioskSummary:
        response = self._with_retries(lambda: self._request("GET", "/api/v1/kiosks/me/summary"))
        return _parse(KioskSummary, response)

    def missing(self, ids: Sequence[str]) -> list[str]:
        body = ExistsRequest(ids=list(ids)).model_dump_json()
        response = self._with_retries(
            lambda: self._request(
                "POST",
                "/api/v1/records:exists",
                data=body,
                headers={"Content-Type": "application/json"},
            )
        )
        return _parse(ExistsResponse, response).missing

    def status_changes(self, since: str | None, limit: int = 500) -> StatusChangesPage:
        """One page of the outpost's status changes after ``since`` (None: from the start).

        Raises :class:`CursorReset` when the server answers 410 (the cursor is no longer
        good); the answer's ``server_time`` updates ``last_reading``.
        """
        params: dict[str, Any] = {"limit": limit}
        if since:
            params["since"] = since

        def once() -> requests.Response:
            try:
                return self._request("GET", "/api/v1/status-changes", params=params)
            except SyncFatalError as exc:
                if exc.status == 410:
                    raise CursorReset(str(exc), 410) from None
                raise

        page = _parse(StatusChangesPage, self._with_retries(once))
        self._read_clock(page.server_time)
        return page


def _parse(model: type, response: requests.Response) -> Any:
    """Only JSON that parses into the protocol model counts; anything else marks nothing."""
    content_type = response.headers.get("Content-Type", "")
    if "json" not in content_type.lower():
        raise ProtocolViolation(
            f"answer is {content_type or 'untyped'} (HTTP {response.status_code}), "
            "not a protocol answer — a captive portal or proxy?"
        )
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise ProtocolViolation(f"malformed {model.__name__}: {exc.error_count()} errors") from exc


def _refuses_skew_field(error: SyncFatalError) -> bool:
    """A server from before ``clock_skew_s`` answers 422 "unknown envelope field" for it."""
    text = str(error)
    return "HTTP 422" in text and "clock_skew_s" in text


def _short_detail(response: requests.Response) -> str:
    if "json" in response.headers.get("Content-Type", ""):
        try:
            data = response.json()
        except ValueError:
            return ""
        if isinstance(data, dict):
            return str(data.get("detail") or data.get("error") or "")[:200]
    return ""
