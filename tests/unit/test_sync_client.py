"""Pure pieces of the client: Retry-After, backoff, the URL rule, the protocol's hash."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.backoff import Backoff
from sync.client import SyncClient, parse_retry_after
from sync.protocol import Record, content_hash, ids_digest
from sync.server_url import InsecureServerUrl


def server(url: str) -> SimpleNamespace:
    return SimpleNamespace(
        url=url, token="t", ca_bundle=None, connect_timeout_s=1.0, read_timeout_s=1.0
    )


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Fri, 27 Nov 2026 01:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@given(st.integers(min_value=1, max_value=60), st.floats(min_value=0, max_value=1000))
def test_backoff_is_jittered_below_a_ceiling_and_respects_retry_after(attempt, retry_after):
    backoff = Backoff(base_s=0.5, ceiling_s=60, rng=random.Random(attempt))
    assert 0 <= backoff.delay(attempt) <= min(60, 0.5 * 2 ** (attempt - 1))
    assert backoff.delay(attempt, retry_after) >= min(retry_after, 60)
    assert backoff.delay(attempt, retry_after) <= 60


@pytest.mark.parametrize("url", ["http://mpp.example.go.id", "ftp://x", "http://10.0.0.1:80"])
def test_plain_http_only_to_loopback(url):
    with pytest.raises(InsecureServerUrl):
        SyncClient(server(url))


def test_https_and_loopback_http_are_allowed():
    SyncClient(server("https://mpp.example.go.id")).close()
    SyncClient(server("http://127.0.0.1:8765")).close()
    SyncClient(server("http://localhost:8765")).close()


def test_custom_ca_bundle_is_used_for_verification(tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    config = server("https://mpp.example.go.id")
    config.ca_bundle = bundle
    client = SyncClient(config)
    assert client.session.verify == str(bundle)


def test_content_hash_ignores_timezone_spelling_but_not_content():
    base = {
        "id": "0190a3b4-0000-7000-8000-000000000001",
        "kind": "audit",
        "kiosk_id": "k1",
        "outpost": "rogojampi",
        "payload": {"b": 1, "a": [1, 2]},
    }
    utc = Record(**base, created_at="2026-11-27T01:00:00Z")
    wib = Record(**base, created_at="2026-11-27T08:00:00+07:00")
    assert content_hash(utc) == content_hash(wib)
    other = Record(**{**base, "payload": {"b": 2, "a": [1, 2]}}, created_at=utc.created_at)
    assert content_hash(other) != content_hash(utc)


def test_ids_digest_is_order_free():
    ids = ["a", "b", "c"]
    assert ids_digest(ids) == ids_digest(reversed(ids)) != ids_digest(ids[:2])


def test_a_request_needs_its_form():
    with pytest.raises(ValueError):
        Record(
            id="0190a3b4-0000-7000-8000-000000000001",
            kind="service_request",
            kiosk_id="k1",
            outpost="rogojampi",
            created_at="2026-11-27T01:00:00Z",
            payload={},
        )
