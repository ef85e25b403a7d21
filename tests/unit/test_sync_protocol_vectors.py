"""The published test vectors of docs/sync-protocol.md: content hash and ids digest.

The kiosk and the server share these functions, so a change to them (sha1 for sha256,
``Z`` for ``+00:00``, seconds for microseconds) still agrees with itself and no round trip
notices; yet records stored before the change would then answer every resend with a
conflict, and another implementation could not follow. These digests were computed once
outside Python (the bytes written with ``printf``, hashed with ``sha256sum``) and are the
contract: never regenerate them from ``sync.protocol``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sync.protocol import Record, canonical_json, content_hash, ids_digest

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync-protocol.md"


@dataclass(frozen=True)
class Vector:
    name: str
    sent: dict[str, Any]
    """The record as it arrives on the wire."""
    canonical: bytes
    sha256: str


REQUEST = Vector(
    name="service request with answers",
    sent={
        "id": "01937c5e-8a40-7b2c-9d1e-2f3a4b5c6d7e",
        "kind": "service_request",
        "kiosk_id": "k-rogojampi-1",
        "outpost": "rogojampi",
        "created_at": "2026-11-27T01:02:03.456789Z",
        "form_id": "legalisir",
        "form_version": 1,
        "payload": {
            "service_code": "LEGALISIR",
            "language": "id",
            "answers": {
                "nik": "3510091203850001",
                "nama": "BUDI SANTOSO",
                "dokumen": ["kk"],
                "jumlah_lembar": 2,
                "telepon": "+6281234567890",
                "persetujuan": True,
            },
            "ticket_id": "01937c5e-8a3f-7a1b-8c0d-1e2f3a4b5c6d",
            "ticket_number": "J-001",
            "day": "2026-11-27",
            "notice_version": "2026.1",
            "notice_accepted_at": "2026-11-27T01:02:03.456789+00:00",
        },
    },
    canonical=(
        b'{"created_at":"2026-11-27T01:02:03.456789+00:00","form_id":"legalisir",'
        b'"form_version":1,"id":"01937c5e-8a40-7b2c-9d1e-2f3a4b5c6d7e",'
        b'"kind":"service_request","kiosk_id":"k-rogojampi-1","outpost":"rogojampi",'
        b'"payload":{"answers":{"dokumen":["kk"],"jumlah_lembar":2,"nama":"BUDI SANTOSO",'
        b'"nik":"3510091203850001","persetujuan":true,"telepon":"+6281234567890"},'
        b'"day":"2026-11-27","language":"id",'
        b'"notice_accepted_at":"2026-11-27T01:02:03.456789+00:00","notice_version":"2026.1",'
        b'"service_code":"LEGALISIR","ticket_id":"01937c5e-8a3f-7a1b-8c0d-1e2f3a4b5c6d",'
        b'"ticket_number":"J-001"}}'
    ),
    sha256="3935b6d9e2bb12db88110a286a3f2772bca8f0b6c1dc5d7ee9aa2cf8834b52ad",
)

TICKET = Vector(
    name="queue-only ticket, sent in WIB at a whole second",
    sent={
        "id": "01937c5e-8a41-7c3d-8e2f-3a4b5c6d7e8f",
        "kind": "ticket_event",
        "kiosk_id": "k-rogojampi-1",
        "outpost": "rogojampi",
        "created_at": "2026-11-27T07:00:00+07:00",
        "payload": {
            "event": "issued",
            "ticket_id": "01937c5e-8a3e-7f00-b111-222233334444",
            "number": "A-001",
            "service_code": "KTP_BARU",
            "day": "2026-11-27",
            "counter": "1",
            "operator_id": None,
        },
    },
    canonical=(
        b'{"created_at":"2026-11-27T00:00:00.000000+00:00","form_id":null,"form_version":null,'
        b'"id":"01937c5e-8a41-7c3d-8e2f-3a4b5c6d7e8f","kind":"ticket_event",'
        b'"kiosk_id":"k-rogojampi-1","outpost":"rogojampi",'
        b'"payload":{"counter":"1","day":"2026-11-27","event":"issued","number":"A-001",'
        b'"operator_id":null,"service_code":"KTP_BARU",'
        b'"ticket_id":"01937c5e-8a3e-7f00-b111-222233334444"}}'
    ),
    sha256="026938aa21bd1eaebf51a8c4045d66ec56f10d3029c2d0828f17a539ecef6d3b",
)

NON_ASCII = Vector(
    name="request with non-ASCII answers",
    sent={
        "id": "01937c5e-8a42-7d4e-af30-4b5c6d7e8f90",
        "kind": "service_request",
        "kiosk_id": "k-genteng-2",
        "outpost": "genteng",
        "created_at": "2026-11-26T23:59:59.999999+00:00",
        "form_id": "sktm",
        "form_version": 1,
        "payload": {
            "service_code": "SKTM",
            "language": "en",
            "answers": {"nama": "René Pramésti", "keperluan": "Beasiswa — Universitas Jember"},
            "ticket_id": "01937c5e-8a43-7e5f-b041-5c6d7e8f90a1",
            "ticket_number": "T-002",
            "day": "2026-11-27",
            "notice_version": "2026.1",
            "notice_accepted_at": "2026-11-26T23:59:59.999999+00:00",
        },
    },
    # The UTF-8 bytes spelled out: "é" is c3 a9 and "—" is e2 80 94, never \u escapes.
    canonical=(
        b'{"created_at":"2026-11-26T23:59:59.999999+00:00","form_id":"sktm","form_version":1,'
        b'"id":"01937c5e-8a42-7d4e-af30-4b5c6d7e8f90","kind":"service_request",'
        b'"kiosk_id":"k-genteng-2","outpost":"genteng",'
        b'"payload":{"answers":{"keperluan":"Beasiswa \xe2\x80\x94 Universitas Jember",'
        b'"nama":"Ren\xc3\xa9 Pram\xc3\xa9sti"},"day":"2026-11-27","language":"en",'
        b'"notice_accepted_at":"2026-11-26T23:59:59.999999+00:00","notice_version":"2026.1",'
        b'"service_code":"SKTM","ticket_id":"01937c5e-8a43-7e5f-b041-5c6d7e8f90a1",'
        b'"ticket_number":"T-002"}}'
    ),
    sha256="a5ab6c6a7e958fc8d72d2bb2d827a77752cbe461dd8de239425afbbed5fa2896",
)

VECTORS = [REQUEST, TICKET, NON_ASCII]
IDS = [vector.sent["id"] for vector in VECTORS]
IDS_DIGEST = "2d2dc11ea0be3ad165e6d4ee1b0156201d6e03db009ddf78e6d05e41210767a5"

each_vector = pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.name)


@each_vector
def test_a_record_hashes_to_its_published_digest(vector: Vector):
    record = Record.model_validate(vector.sent)

    assert content_hash(record) == vector.sha256


@each_vector
def test_canonical_json_writes_the_published_bytes(vector: Vector):
    # With the test above this pins the record's canonical bytes: the record hashes to the
    # digest of these bytes, and canonical_json spells these bytes exactly.
    assert canonical_json(json.loads(vector.canonical)) == vector.canonical


@each_vector
def test_the_published_bytes_hash_to_the_published_digest(vector: Vector):
    # Guards the table itself: an edited byte without a recomputed digest fails here.
    assert hashlib.sha256(vector.canonical).hexdigest() == vector.sha256


def test_ids_digest_matches_its_published_vector_in_any_order():
    assert ids_digest(IDS) == IDS_DIGEST
    assert ids_digest(reversed(IDS)) == IDS_DIGEST
    assert ids_digest([]) == "0" * 64


@each_vector
def test_the_doc_publishes_the_same_vectors(vector: Vector):
    doc = DOC.read_text(encoding="utf-8")

    assert vector.canonical.decode("utf-8") in doc
    assert vector.sha256 in doc
    assert vector.sent["created_at"] in doc


def test_the_doc_publishes_the_same_ids_digest():
    doc = DOC.read_text(encoding="utf-8")

    assert IDS_DIGEST in doc
    assert all(record_id in doc for record_id in IDS)
