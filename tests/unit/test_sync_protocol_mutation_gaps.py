"""The content hash does not depend on the clock settings of the machine that computes it.

A kiosk runs in WIB (UTC+7); the server may run in UTC. The published vector of
docs/sync-protocol.md must come out the same on both, or every resend is a conflict.
"""

from __future__ import annotations

import time

import pytest

from sync.protocol import Record, content_hash
from tests.unit.test_sync_protocol_vectors import REQUEST


@pytest.fixture
def wib_machine(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Asia/Jakarta")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_kiosk_set_to_wib_computes_the_published_content_hash(wib_machine):
    assert content_hash(Record.model_validate(REQUEST.sent)) == REQUEST.sha256
