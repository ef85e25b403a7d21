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
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from pydantic import ValidationError

from kiosk.config import is_loopback_host
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
)

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


class SyncError(Exception):
    """Base of sync's errors; ``str()`` is a short reason fit for the admin's screen."""


class SyncAuthError(SyncError):
    """401/403: the token is wrong or the kiosk is disabled. Stop and alert; never retry."""

    def __init__(self, status: int, detail: str = "") -> None:
        super().__init__(f"server refused the kiosk token (HTTP {status}) {detail}".strip())
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


class ProtocolViolation(SyncFatalError):
    """The answer is not a well-formed protocol answer (captive portal, proxy page ...)."""


class PayloadTooLarge(SyncError):
    """413: send fewer records at once."""


class InsecureServerUrl(SyncError):
    """Plain http to anything but loopback."""


class ServerConfig(Protocol):
    url: str
    token: str
    ca_bundle: Path | None
    connect_timeout_s: float
    read_timeout_s: float


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
    ) -> None:
        parts = urlsplit(server.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InsecureServerUrl(f"not an http(s) URL: {server.url!r}")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname):
            raise InsecureServerUrl("plain http is allowed only to loopback; use https")
        self.base_url = server.url.rstrip("/")
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

    def close(self) -> None:
        self.session.close()

    # -- one request, classified ------------------------------------------------------

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                timeout=self.timeout,
                allow_redirects=False,
                **kwargs,
            )
        except requests.exceptions.SSLError as exc:
            raise SyncFatalError(f"TLS verification failed: {exc}") from exc
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
        if status >= 400 or status in (204, 205) or (300 <= status < 400 and status != 304):
            raise SyncFatalError(f"server answered HTTP {status} {_short_detail(response)}".strip())
        return response

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
        return _parse(Health, response)

    def send_batch(self, records: Sequence[Record], *, retry: bool = True) -> BatchResponse:
        """POST one batch; returns only a protocol answer covering exactly the ids sent.

        The same Idempotency-Key is used for every retry of this batch.
        """
        body = gzip.compress(
            BatchRequest.model_construct(records=list(records)).model_dump_json().encode(),
            compresslevel=5,
        )
        headers = {
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Idempotency-Key": str(uuid.uuid4()),
        }

        def once() -> BatchResponse:
            response = self._request("POST", "/api/v1/records:batch", data=body, headers=headers)
            answer = _parse(BatchResponse, response)
            sent = [record.id for record in records]
            got = [result.id for result in answer.results]
            if len(got) != len(sent) or set(got) != set(sent):
                raise ProtocolViolation("the answer does not cover exactly the records sent")
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


def _short_detail(response: requests.Response) -> str:
    if "json" in response.headers.get("Content-Type", ""):
        try:
            data = response.json()
        except ValueError:
            return ""
        if isinstance(data, dict):
            return str(data.get("detail") or data.get("error") or "")[:200]
    return ""
