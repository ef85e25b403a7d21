"""Sync protocol v1: the wire models, shared by the kiosk's client and the reference server.

``docs/sync-protocol.md`` is the prose spec; this module is its executable half. Nothing
here does I/O: both sides import it, the server never imports ``kiosk``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
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
