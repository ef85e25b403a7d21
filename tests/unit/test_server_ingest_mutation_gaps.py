"""Storing a batch on the reference server, called directly on a SQLite file.

A kiosk whose answer was lost may resend a record in the same batch as itself; a broken
batch must be refused whole with the position named. Each test caught a mutant the server
tests let through. The statuses are the protocol's (docs/sync-protocol.md).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mpp_server.db import add_kiosk, open_engine
from mpp_server.ingest import BadBatch, ingest_batch
from mpp_server.models import Kiosk
from tests.unit.test_sync_protocol_vectors import REQUEST


@pytest.fixture
def server(tmp_path: Path):
    engine = open_engine(f"sqlite:///{tmp_path / 'server.db'}")
    add_kiosk(engine, "k-rogojampi-1", "rogojampi")
    with Session(engine) as session:
        kiosk = session.get(Kiosk, "k-rogojampi-1")
    yield engine, kiosk
    engine.dispose()


def record(**payload_changes: object) -> dict:
    sent = copy.deepcopy(REQUEST.sent)
    sent["payload"].update(payload_changes)
    return sent


def statuses(results) -> list[tuple[str, str | None]]:  # noqa: ANN001
    return [(r.status, r.reason) for r in results]


def test_a_record_sent_twice_in_one_batch_is_stored_once(server):
    engine, kiosk = server
    results = ingest_batch(engine, kiosk, [record(), record()])
    assert statuses(results) == [("accepted", None), ("duplicate", None)]
    assert [r.id for r in results] == [REQUEST.sent["id"]] * 2


def test_one_id_with_two_contents_in_one_batch_is_a_conflict(server):
    engine, kiosk = server
    results = ingest_batch(engine, kiosk, [record(), record(ticket_number="J-002")])
    assert statuses(results) == [("accepted", None), ("rejected", "conflict")]


def test_a_conflicting_record_repeated_in_a_batch_is_refused_both_times(server):
    engine, kiosk = server
    ingest_batch(engine, kiosk, [record()])
    changed = record(ticket_number="J-002")
    results = ingest_batch(engine, kiosk, [changed, copy.deepcopy(changed)])
    assert statuses(results) == [("rejected", "conflict"), ("rejected", "conflict")]


def test_records_after_a_repeat_are_still_stored(server):
    engine, kiosk = server
    other = record()
    other["id"] = "01937c5e-8a40-7b2c-9d1e-2f3a4b5c6d7f"
    results = ingest_batch(engine, kiosk, [record(), record(), other])
    assert statuses(results) == [("accepted", None), ("duplicate", None), ("accepted", None)]


def test_a_batch_entry_that_is_not_a_record_object_refuses_the_batch_naming_it(server):
    engine, kiosk = server
    with pytest.raises(BadBatch, match="record 1 has no usable id"):
        ingest_batch(engine, kiosk, [record(), "not a record"])


def test_a_request_without_its_form_is_refused_as_an_invalid_record(server):
    engine, kiosk = server
    broken = record()
    del broken["form_id"]
    (result,) = ingest_batch(engine, kiosk, [broken])
    # `invalid: <field>: <message>`; a rule over the whole record names the record
    assert result.status == "rejected"
    assert result.reason.startswith("invalid: record: ") and "form_id" in result.reason
