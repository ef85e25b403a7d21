"""Sync protocol v1: the wire models, shared by the kiosk's client and the reference server.

``docs/sync-protocol.md`` is the prose spec; this module is its executable half. Nothing
here does I/O: both sides import it, the server never imports ``kiosk``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

PROTOCOL_VERSION = 1
MAX_BATCH_RECORDS = 500
"""A batch with more records is answered 413 without being read further."""
MAX_BODY_BYTES = 5 * 1024 * 1024
"""Largest request body, counted after gzip decompression (a gzip bomb is refused early)."""
MAX_EXISTS_IDS = 1000
MAX_CLOCK_SKEW_S = 1e10
"""A skew beyond about 300 years is not a clock, it is a bug: refused with the batch (422)."""

ClockSkew = Annotated[
    float | None,
    Field(
        strict=True,
        ge=-MAX_CLOCK_SKEW_S,
        le=MAX_CLOCK_SKEW_S,
        allow_inf_nan=False,
        description=(
            "the sending kiosk's clock skew in seconds, server time minus kiosk time, as it "
            "last measured it (null: not measured yet). Sending the field, even null, asks "
            "for `server_time` in the answer"
        ),
    ),
]

RecordKind = Literal["service_request", "ticket_event", "audit"]
RecordStatus = Literal["accepted", "duplicate", "rejected"]

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CATALOG_FILE = re.compile(r"^(catalogue\.json|villages\.json|forms/[a-z][a-z0-9_]*\.v\d+\.json)$")

REASON_CONFLICT = "conflict"
REASON_WRONG_KIOSK = "wrong_kiosk"
REASON_UNKNOWN_FORM = "unknown_form"


class Record(BaseModel):
    """One thing that happened at a kiosk, identified by its client-made UUIDv7."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="UUIDv7 made by the kiosk when the record was created")
    kind: RecordKind
    kiosk_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    outpost: str = Field(min_length=1, max_length=32)
    created_at: AwareDatetime
    form_id: str | None = Field(default=None, max_length=64)
    form_version: int | None = Field(default=None, ge=1)
    payload: dict[str, Any]

    @field_validator("id")
    @classmethod
    def _uuid(cls, value: str) -> str:
        if not _UUID.fullmatch(value):
            raise ValueError("must be a lower-case UUID")
        return value

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _form_for_requests(self) -> Record:
        if self.kind == "service_request" and (self.form_id is None or self.form_version is None):
            raise ValueError("a service_request needs form_id and form_version")
        return self

    def content_hash(self) -> str:
        return content_hash(self)


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    protocol: int = PROTOCOL_VERSION
    records: list[Record] = Field(min_length=1, max_length=MAX_BATCH_RECORDS)
    clock_skew_s: ClockSkew = None


class RecordResult(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    status: RecordStatus
    reason: str | None = None


class BatchResponse(BaseModel):
    """One result per record sent, in the order sent.

    ``server_time`` is there when the request carried ``clock_skew_s`` (every kiosk since
    that field does): kiosks from before it refuse any field they do not know.
    """

    model_config = ConfigDict(extra="forbid")

    protocol: int = PROTOCOL_VERSION
    results: list[RecordResult]
    server_time: AwareDatetime | None = Field(
        default=None, description="the server's clock when it answered"
    )


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    protocol: int = PROTOCOL_VERSION
    server_time: AwareDatetime


class Catalog(BaseModel):
    """The service catalogue as files: ``catalogue.json``, ``villages.json``, ``forms/*.json``."""

    model_config = ConfigDict(extra="forbid")

    version: str
    files: dict[str, Any]

    @field_validator("files")
    @classmethod
    def _safe_names(cls, files: dict[str, Any]) -> dict[str, Any]:
        for name in files:
            if not _CATALOG_FILE.fullmatch(name):
                raise ValueError(f"unexpected catalogue file name {name!r}")
        return files


class KioskSummary(BaseModel):
    """What the server holds for the asking kiosk: count and a digest of the ids."""

    kiosk_id: str
    count: int
    digest: str


class ExistsRequest(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=MAX_EXISTS_IDS)


class ExistsResponse(BaseModel):
    missing: list[str]


class Problem(BaseModel):
    """The body of every 4xx/5xx answer."""

    error: str
    detail: str | None = None


def canonical_json(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode("utf-8")


def content_hash(record: Record) -> str:
    """sha256 of the record's canonical JSON: same id and same hash is a duplicate."""
    data = record.model_dump(mode="json")
    data["created_at"] = record.created_at.astimezone(UTC).isoformat(timespec="microseconds")
    return hashlib.sha256(canonical_json(data)).hexdigest()


def ids_digest(ids: Iterable[str]) -> str:
    """XOR of the sha256 of each id: order-free, so each side can stream its ids unsorted."""
    acc = 0
    for record_id in ids:
        acc ^= int.from_bytes(hashlib.sha256(record_id.encode("ascii")).digest(), "big")
    return f"{acc:064x}"


# --- Status round trip (docs/sync-protocol.md, "Request statuses") -------------------------

RequestStatus = Literal["received", "in_process", "ready", "needs_documents", "refused"]
"""Wire codes of a request's status; residents read the words in ``STATUS_WORDS``."""

REQUEST_STATUSES: tuple[RequestStatus, ...] = (
    "received",
    "in_process",
    "ready",
    "needs_documents",
    "refused",
)
FINAL_STATUSES: frozenset[str] = frozenset({"ready", "refused"})
"""A final request can be reopened only by an admin (audited)."""

STATUS_WORDS: dict[str, tuple[str, str]] = {
    "received": ("Diterima", "Received"),
    "in_process": ("Diproses", "In process"),
    "ready": ("Selesai, siap diambil", "Ready for pickup"),
    "needs_documents": ("Perlu dilengkapi", "Documents needed"),
    "refused": ("Ditolak", "Refused"),
}
"""Resident words per status: (Bahasa Indonesia, English)."""

MAX_STATUS_CHANGES_PAGE = 1000
DEFAULT_STATUS_CHANGES_PAGE = 500
REASON_CURSOR_RESET = "cursor_reset"
"""``Problem.error`` of the 410 answer to a cursor the server no longer accepts."""


class StatusChange(BaseModel):
    """One status of one request, as the changes feed and the back-office API carry it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    request_id: str = Field(description="the service_request record's id (UUIDv7)")
    tracking_code: str
    service_code: str
    status: RequestStatus
    version: int = Field(ge=1, description="1 = received at ingest, +1 per change")
    changed_at: AwareDatetime
    note: str | None = Field(
        default=None, description="resident-readable: the refusal reason, what to bring"
    )
    missing_documents: list[str] = Field(default_factory=list)
    pickup_place: str | None = None
    pickup_from: date | None = None


class StatusChangesPage(BaseModel):
    """A page of the changes feed; pass ``cursor`` as ``since`` to get the next one."""

    model_config = ConfigDict(extra="forbid")

    changes: list[StatusChange]
    cursor: str = Field(description="opaque; send it back as `since`")
    more: bool = Field(description="true: more changes wait, ask again at once")
    server_time: AwareDatetime


def status_secret(tracking_code: str, last4: str) -> str:
    """The public page's second factor: HMAC-SHA256 of the NIK's last 4 digits, keyed by the
    tracking code, in hex.

    Both the kiosk (which writes it into the service_request payload) and the server (which
    checks a resident's 4 digits against it) call this one definition. It keeps the digits
    out of the record in clear; it cannot make 10,000 possible answers hard to try, so what
    guards them is the status page's limit (5 wrong tries per code per hour). A slow hash
    here would cost every resident's submit and every check, and buy nothing.
    """
    return hmac.new(tracking_code.encode("utf-8"), last4.encode("utf-8"), "sha256").hexdigest()


_CROCKFORD_READS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def tracking_key(code: str) -> str:
    """A tracking code as looked up: upper case, letters and digits only, Crockford's
    look-alikes read as the digits they stand for (``7kq2 m9xd-4t1b`` -> ``7KQ2M9XD4T1B``).

    Codes are printed with dashes (``7KQ2-M9XD-4T1B``) and typed or scanned in any case;
    the key is what both the kiosk's lookup and the server's compare.
    """
    kept = "".join(char for char in code.upper() if char.isascii() and char.isalnum())
    return kept.translate(_CROCKFORD_READS)


class StatusUpdate(BaseModel):
    """The back office's request to set a status (``POST /api/v1/requests/{code}/status``)."""

    model_config = ConfigDict(extra="forbid")

    status: RequestStatus
    note: str | None = Field(
        default=None,
        max_length=500,
        description="resident-readable; required for `refused` (the reason)",
    )
    missing_documents: list[Annotated[str, Field(max_length=200)]] = Field(
        default_factory=list, max_length=20, description="required for `needs_documents`"
    )
    pickup_place: str | None = Field(
        default=None, max_length=200, description="required for `ready`"
    )
    pickup_from: date | None = Field(default=None, description="required for `ready`")
    expected_version: int | None = Field(
        default=None,
        ge=1,
        description="the version the caller last saw; another one answers 409 and changes nothing",
    )


class StatusHistory(BaseModel):
    """A request's current status and every status it had, oldest first."""

    model_config = ConfigDict(extra="forbid")

    request_id: str
    tracking_code: str
    service_code: str
    outpost: str
    status: RequestStatus
    version: int
    history: list[StatusChange]
