"""The reference server over HTTP on loopback, on SQLite and (when set up) PostgreSQL."""

from __future__ import annotations

import gzip
import json
import threading
import uuid
from collections import Counter
from typing import Any

import pytest
import requests

from mpp_server.app import create_app
from mpp_server.db import add_kiosk, open_engine
from sync.protocol import MAX_BATCH_RECORDS, MAX_BODY_BYTES
from tests.integration.conftest import ServerProcess, ThreadServer


def new_id() -> str:
    from uuid6 import uuid7

    return str(uuid7())


def record(kiosk_id: str = "k1", outpost: str = "rogojampi", **changes: Any) -> dict:
    data = {
        "id": new_id(),
        "kind": "ticket_event",
        "kiosk_id": kiosk_id,
        "outpost": outpost,
        "created_at": "2026-11-27T01:00:00+00:00",
        "payload": {"event": "issued", "number": "A-001"},
    }
    data.update(changes)
    return data


@pytest.fixture
def api(any_db_url):
    app = create_app(any_db_url)
    running = ThreadServer(app).start()
    token = add_kiosk(app.state.engine, "k1", "rogojampi")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    yield running.url, session, app.state.engine
    session.close()
    running.stop()
    app.state.engine.dispose()


def post(api: tuple, records: list[dict], **kwargs: Any) -> requests.Response:
    url, session, _engine = api
    return session.post(url + "/api/v1/records:batch", json={"records": records}, **kwargs)


def statuses(response: requests.Response) -> list[tuple[str, str | None]]:
    assert response.status_code == 200, response.text
    return [(r["status"], r["reason"]) for r in response.json()["results"]]


def test_accepted_then_duplicate_then_conflict_never_overwritten(api):
    first = record()
    assert statuses(post(api, [first])) == [("accepted", None)]
    assert statuses(post(api, [first])) == [("duplicate", None)]
    changed = {**first, "payload": {"event": "void", "number": "A-001"}}
    assert statuses(post(api, [changed])) == [("rejected", "conflict")]
    url, session, _ = api
    listed = session.get(url + "/api/v1/records", params={"day": "2026-11-27"}).json()
    assert [r["id"] for r in listed] == [first["id"]]


def test_a_kiosk_writes_only_its_own_records(api):
    assert statuses(post(api, [record(kiosk_id="k2")])) == [("rejected", "wrong_kiosk")]
    assert statuses(post(api, [record(outpost="genteng")])) == [("rejected", "wrong_kiosk")]


def test_requests_are_checked_against_their_form_version(api):
    bad = record(kind="service_request", form_id="legalisir", form_version=1)
    bad["payload"] = {"answers": {"nik": "12"}}
    unknown = record(kind="service_request", form_id="legalisir", form_version=99)
    unknown["payload"] = {"answers": {}}
    (first, second) = statuses(post(api, [bad, unknown]))
    assert first[0] == "rejected" and json.loads(first[1].split(": ", 1)[1])["nik"] == "nik_length"
    assert second == ("rejected", "unknown_form")


def test_malformed_records_are_rejected_one_by_one(api):
    broken = record(created_at="yesterday")
    (result,) = statuses(post(api, [broken]))
    assert result[0] == "rejected" and result[1].startswith("invalid: created_at")
    assert post(api, [{"kind": "audit"}]).status_code == 422


def test_unauthenticated_and_unknown_tokens_get_401(api):
    url, _session, _engine = api
    body = {"records": [record()]}
    assert requests.post(url + "/api/v1/records:batch", json=body).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert requests.post(url + "/api/v1/records:batch", json=body, headers=wrong).status_code == 401


def test_too_many_records_and_too_big_bodies_get_413(api):
    url, session, _ = api
    assert post(api, [record() for _ in range(MAX_BATCH_RECORDS + 1)]).status_code == 413
    bomb = gzip.compress(b'{"records": [' + b" " * (MAX_BODY_BYTES + 10) + b"]}")
    response = session.post(
        url + "/api/v1/records:batch",
        data=bomb,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status_code == 413 and len(bomb) < 10_000
    huge = b'{"records": [' + b" " * (MAX_BODY_BYTES + 10) + b"]}"
    assert session.post(url + "/api/v1/records:batch", data=huge).status_code == 413


def test_gzip_bodies_are_read(api):
    url, session, _ = api
    body = gzip.compress(json.dumps({"records": [record()]}).encode())
    response = session.post(
        url + "/api/v1/records:batch",
        data=body,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert statuses(response) == [("accepted", None)]


def test_a_gzip_body_cut_short_or_with_bytes_after_its_end_is_refused(api):
    url, session, _ = api
    whole = gzip.compress(json.dumps({"records": [record()]}).encode())
    headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
    # the last size byte cut off and a zero put back, with junk after: a complete member
    for body in (whole[:-3], whole + b"junk", whole[:-1] + b"\x00junk"):
        response = session.post(url + "/api/v1/records:batch", data=body, headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "bad_gzip"


def test_catalog_etag_answers_304(api):
    url, session, _ = api
    first = session.get(url + "/api/v1/catalog")
    assert first.status_code == 200 and "forms/legalisir.v1.json" in first.json()["files"]
    again = session.get(url + "/api/v1/catalog", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_the_overview_page_lists_arrivals_per_outpost_and_day(api):
    post(api, [record(), record()])
    url, _session, _ = api
    page = requests.get(url + "/").text
    assert "<td>rogojampi</td><td>2026-11-27</td>" in page


def test_openapi_describes_the_batch(api):
    url, _session, _ = api
    schema = requests.get(url + "/openapi.json").json()
    assert "BatchRequest" in schema["components"]["schemas"]
    assert "/api/v1/records:batch" in schema["paths"]


def test_concurrent_pushes_of_the_same_records_store_each_once(api):
    records = [record() for _ in range(200)]
    url, session, _ = api
    token = session.headers["Authorization"]
    results: list[str] = []

    def push() -> None:
        with requests.Session() as own:
            own.headers["Authorization"] = token
            for start in range(0, len(records), 50):
                answer = own.post(
                    url + "/api/v1/records:batch", json={"records": records[start : start + 50]}
                )
                results.extend(r["status"] for r in answer.json()["results"])

    threads = [threading.Thread(target=push) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts = Counter(results)
    assert counts == {"accepted": 200, "duplicate": 600}


@pytest.mark.postgres
@pytest.mark.slow
def test_two_server_processes_on_one_postgres_store_each_record_once(postgres_url):
    engine = open_engine(postgres_url)
    token = add_kiosk(engine, "k1", "rogojampi")
    servers = [ServerProcess(postgres_url).start(), ServerProcess(postgres_url).start()]
    records = [record() for _ in range(2000)]
    results: list[str] = []
    try:

        def push(server: ServerProcess, order: int) -> None:
            batches = [records[i : i + 100] for i in range(0, len(records), 100)]
            with requests.Session() as session:
                session.headers["Authorization"] = f"Bearer {token}"
                for batch in batches[::order]:
                    answer = session.post(
                        server.url + "/api/v1/records:batch",
                        json={"records": batch},
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                    )
                    results.extend(r["status"] for r in answer.json()["results"])

        threads = [
            threading.Thread(target=push, args=(servers[0], 1)),
            threading.Thread(target=push, args=(servers[0], -1)),
            threading.Thread(target=push, args=(servers[1], 1)),
            threading.Thread(target=push, args=(servers[1], -1)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for server in servers:
            server.kill()
    assert Counter(results) == {"accepted": 2000, "duplicate": 6000}
    stored = servers[0].stored_ids()
    assert len(stored) == len(set(stored)) == 2000
    engine.dispose()


def test_a_payload_too_deep_to_hash_is_rejected_alone(api):
    good = record()
    deep = record()
    body = json.dumps({"records": [good, deep]}).replace(
        '"number": "A-001"}}]', '"number": ' + '{"a": ' * 900 + "1" + "}" * 900 + "}}]", 1
    )
    url, session, _engine = api
    response = session.post(
        url + "/api/v1/records:batch", data=body, headers={"Content-Type": "application/json"}
    )
    assert statuses(response) == [("accepted", None), ("rejected", "payload_too_deep")]
