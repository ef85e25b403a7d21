"""Over 1,000 bad requests at the real server: never a 5xx, nothing stored, good kiosks served.

Hypothesis builds the bodies, headers and tokens: malformed JSON and records, oversized and
gzip-bomb bodies, no token, wrong tokens, a disabled kiosk's token, and a real kiosk's
token used to write or read another kiosk's records. Schemathesis adds cases generated from
the server's own OpenAPI (positive and negative). Meanwhile a good kiosk keeps pushing.
"""

from __future__ import annotations

import gzip
import json
import string
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from sqlalchemy import select, update

from devtools.backlog import seed_audit_backlog
from mpp_server.db import open_engine
from mpp_server.models import Kiosk, StoredRecord
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.protocol import MAX_BODY_BYTES
from sync.pusher import push_pending

GOOD = ("k-good-1", "rogojampi")
OTHER = ("k-other-1", "rogojampi")  # same outpost, another kiosk
OFF = ("k-off-1", "rogojampi")
BATCH = "/api/v1/records:batch"
TODAY = "2026-11-27"


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )


@dataclass
class Attack:
    """Sends the bad requests and keeps the score."""

    url: str
    tokens: dict[str, str]
    session: requests.Session = field(default_factory=requests.Session)
    tried: int = 0
    server_errors: list[str] = field(default_factory=list)
    sent_ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.session.trust_env = False

    def send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        data: bytes | None = None,
        params: dict[str, str] | None = None,
    ) -> requests.Response:
        self.tried += 1
        headers = {k: v.strip() for k, v in (headers or {}).items()}  # requests refuses " x"
        response = self.session.request(
            method, self.url + path, headers=headers, data=data, params=params, timeout=30
        )
        if response.status_code >= 500:
            self.server_errors.append(
                f"{method} {path} params={params} headers={headers} "
                f"body={(data or b'')[:300]!r} -> {response.status_code} {response.text[:300]}"
            )
        return response

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def record(self, kiosk: tuple[str, str] = GOOD, **changes: Any) -> dict[str, Any]:
        record_id = str(uuid.uuid4())
        self.sent_ids.add(record_id)
        base = {
            "id": record_id,
            "kind": "audit",
            "kiosk_id": kiosk[0],
            "outpost": kiosk[1],
            "created_at": "2026-11-27T01:00:00+00:00",
            "payload": {"action": "fuzz"},
        }
        base.update(changes)
        return base


# -- strategies -------------------------------------------------------------------------

_printable = st.text(string.ascii_letters + string.digits + "-._~+/= ", max_size=80)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=25,
)
_not_a_time = st.text(string.ascii_letters, min_size=1, max_size=20) | st.sampled_from(
    ["2026-11-27T01:00:00", "2026-11-27", "27/11/2026 08:00", ""]
)
# each mutation makes an otherwise good record invalid (or another kiosk's): never storable
MUTATIONS: dict[str, st.SearchStrategy] = {
    "id": st.text(max_size=70).filter(lambda s: len(s) != 36)
    | st.just(str(uuid.uuid4()).upper())
    | st.integers()
    | st.none(),
    "kind": st.text(max_size=20).filter(lambda s: s not in ("audit", "ticket_event"))
    | st.integers(),
    "kiosk_id": st.text(max_size=80).filter(lambda s: s != GOOD[0]) | st.integers(),
    "outpost": st.text(max_size=40).filter(lambda s: s != GOOD[1]) | st.none(),
    "created_at": _not_a_time,
    "payload": st.lists(json_values, max_size=3) | st.text(max_size=10) | st.integers(),
    "form_version": st.integers(max_value=0) | st.text(string.ascii_letters, min_size=1),
    "extra": st.text(string.ascii_lowercase, min_size=1, max_size=10).filter(
        lambda s: (
            s not in ("id", "kind", "kiosk_id", "outpost", "created_at", "payload")
            and s not in ("form_id", "form_version")
        )
    ),
    "missing": st.sampled_from(["id", "kind", "kiosk_id", "outpost", "created_at", "payload"]),
}


def mutated(attack: Attack, draw: Any) -> dict[str, Any]:
    record = attack.record()
    what = draw(st.sampled_from(sorted(MUTATIONS)))
    value = draw(MUTATIONS[what])
    if what == "extra":
        record[value] = draw(json_values)
    elif what == "missing":
        record.pop(value)
    elif what == "form_version":
        record.update(kind="service_request", form_id="ktp_baru", form_version=value)
    else:
        record[what] = value
    return record


def _assert_batch_refused(response: requests.Response) -> None:
    if response.status_code == 200:
        results = response.json()["results"]
        assert all(r["status"] == "rejected" for r in results), results
    else:
        assert response.status_code in (400, 401, 403, 413, 415, 422), response.text


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def target(server, kiosk_factory):
    tokens = {name: server.add_kiosk(*kiosk) for name, kiosk in (("good", GOOD), ("other", OTHER))}
    tokens["off"] = server.add_kiosk(*OFF)
    engine = open_engine(server.database_url)
    with engine.begin() as connection:
        connection.execute(update(Kiosk).where(Kiosk.id == OFF[0]).values(active=False))
    good = kiosk_factory(server.url, tokens["good"], "good", kiosk_id=GOOD[0], batch_size=50)
    other = kiosk_factory(server.url, tokens["other"], "other", kiosk_id=OTHER[0])
    other_ids = seed_audit_backlog(other.store.engine, 20)
    with _client(other) as client:
        assert push_pending(other.outbox, client).accepted == 20
    attack = Attack(server.url, tokens)
    yield attack, good, other_ids, engine
    attack.session.close()
    engine.dispose()


class _client:
    def __init__(self, app: Any) -> None:
        self.client = SyncClient(
            app.settings.server, backoff=Backoff(base_s=0.01, ceiling_s=0.1), max_tries=3
        )

    def __enter__(self) -> SyncClient:
        return self.client

    def __exit__(self, *_exc: object) -> None:
        self.client.close()


class GoodKiosk(threading.Thread):
    """Keeps submitting and pushing while the attack runs; bounded in rounds and time."""

    def __init__(self, app: Any) -> None:
        super().__init__(daemon=True)
        self.app, self.ids, self.accepted, self.errors = app, [], 0, []
        self.done = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 120
        with _client(self.app) as client:
            for _ in range(400):
                if self.done.is_set() or time.monotonic() > deadline:
                    break
                self.ids += seed_audit_backlog(self.app.store.engine, 10)
                summary = push_pending(self.app.outbox, client)
                self.accepted += summary.accepted
                if summary.last_error:
                    self.errors.append(summary.last_error)
                time.sleep(0.05)


def _stored(engine: Any) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(select(StoredRecord.id, StoredRecord.kiosk_id)).all())


def _check_after(attack: Attack, good: Any, good_kiosk: GoodKiosk, other_ids, engine) -> None:
    assert attack.server_errors == [], "\n".join(attack.server_errors[:20])
    # the good kiosk was served meanwhile, and still is
    assert good_kiosk.errors == [] and good_kiosk.accepted > 0
    fresh = seed_audit_backlog(good.store.engine, 25)
    with _client(good) as client:
        push_pending(good.outbox, client)
    status = good.outbox.status()
    assert (status.pending, status.dead) == (0, 0)
    # nothing from the bad requests stored; the other kiosk's records untouched
    stored = _stored(engine)
    expected = {rid: GOOD[0] for rid in [*good_kiosk.ids, *fresh]}
    expected.update({rid: OTHER[0] for rid in other_ids})
    assert stored == expected
    assert not attack.sent_ids & stored.keys()


# -- the attack -------------------------------------------------------------------------


def test_a_thousand_bad_requests_get_no_5xx_store_nothing(target):
    attack, good, other_ids, engine = target
    good_kiosk = GoodKiosk(good)
    good_kiosk.start()
    try:
        run_attack(attack, other_ids)
    finally:
        good_kiosk.done.set()
        good_kiosk.join(30)
    assert attack.tried >= 1000, attack.tried
    _check_after(attack, good, good_kiosk, other_ids, engine)


def run_attack(attack: Attack, other_ids: list[str]) -> None:  # noqa: C901 - a list of cases
    endpoints = [
        ("POST", BATCH),
        ("GET", "/api/v1/kiosks/me/summary"),
        ("POST", "/api/v1/records:exists"),
        ("GET", "/api/v1/records"),
    ]

    @_settings(260)
    @given(st.data())
    def unauthenticated(data: st.DataObject) -> None:
        method, path = data.draw(st.sampled_from(endpoints))
        kind = data.draw(st.sampled_from(["none", "random", "basic", "off", "empty", "scheme"]))
        headers: dict[str, str] = {}
        if kind == "random":
            headers["Authorization"] = "Bearer " + data.draw(_printable)
        elif kind == "basic":
            headers["Authorization"] = "Basic " + attack.tokens["good"]
        elif kind == "off":
            headers["Authorization"] = f"Bearer {attack.tokens['off']}"
        elif kind == "empty":
            headers["Authorization"] = data.draw(st.sampled_from(["Bearer", "Bearer ", "", " "]))
        elif kind == "scheme":
            headers["Authorization"] = data.draw(_printable) + " " + attack.tokens["good"][:-1]
        body = None
        params = None
        if path == BATCH:
            records = [attack.record() for _ in range(data.draw(st.integers(1, 5)))]
            body = json.dumps({"records": records}).encode()
            headers["Content-Type"] = "application/json"
        elif path.endswith("exists"):
            body = json.dumps({"ids": other_ids[:5]}).encode()
            headers["Content-Type"] = "application/json"
        elif path == "/api/v1/records":
            params = {"day": TODAY}
        response = attack.send(method, path, headers=headers, data=body, params=params)
        assert response.status_code in (401, 403), (kind, response.status_code, response.text)

    @_settings(260)
    @given(st.data())
    def malformed_bodies(data: st.DataObject) -> None:
        shape = data.draw(
            st.sampled_from(["bytes", "json", "records", "envelope", "encoding", "gzip"])
        )
        headers = {**attack.auth("good"), "Content-Type": "application/json"}
        if shape == "bytes":
            body = data.draw(st.binary(max_size=300))
        elif shape == "json":
            body = json.dumps(data.draw(json_values)).encode()
        elif shape == "records":
            records = data.draw(st.lists(json_values, min_size=1, max_size=5))
            body = json.dumps({"records": records}).encode()
        elif shape == "envelope":
            envelope = data.draw(st.dictionaries(st.text(max_size=10), json_values, max_size=4))
            envelope.setdefault("records", [attack.record()])
            if "protocol" not in envelope or envelope["protocol"] == 1:
                envelope["protocol"] = data.draw(
                    st.integers().filter(lambda n: n != 1) | st.text(max_size=5) | st.none()
                )
            body = json.dumps(envelope).encode()
        elif shape == "encoding":
            headers["Content-Encoding"] = data.draw(
                st.sampled_from(["br", "deflate", "compress", "gzip, gzip", "x"]) | _printable
            )
            body = json.dumps({"records": [attack.record()]}).encode()
        else:
            plain = gzip.compress(json.dumps({"records": [attack.record()]}).encode())
            cut = data.draw(st.integers(0, 10_000)) % len(plain)  # uuids vary the length
            body = data.draw(st.sampled_from([plain[:cut], plain[:cut] + b"\x00junk"]))
            headers["Content-Encoding"] = "gzip"
        _assert_batch_refused(attack.send("POST", BATCH, headers=headers, data=body))

    @_settings(260)
    @given(st.data())
    def bad_records(data: st.DataObject) -> None:
        records = [mutated(attack, data.draw) for _ in range(data.draw(st.integers(1, 4)))]
        body = json.dumps({"records": records}, default=str).encode()
        headers = {**attack.auth("good"), "Content-Type": "application/json"}
        if data.draw(st.booleans()):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        if data.draw(st.booleans()):
            headers["Idempotency-Key"] = data.draw(_printable)
        _assert_batch_refused(attack.send("POST", BATCH, headers=headers, data=body))

    @_settings(150)
    @given(st.data())
    def cross_kiosk(data: st.DataObject) -> None:
        case = data.draw(st.sampled_from(["claim_other", "other_ids", "read_other", "exists"]))
        headers = attack.auth("good")
        if case == "claim_other":
            kiosk = data.draw(st.sampled_from([OTHER, (GOOD[0], "genteng"), ("k-x", "genteng")]))
            records = [attack.record(kiosk) for _ in range(data.draw(st.integers(1, 3)))]
            body = json.dumps({"records": records}).encode()
            _assert_batch_refused(attack.send("POST", BATCH, headers=headers, data=body))
        elif case == "other_ids":  # the other kiosk's ids, re-sent as our own
            chosen = data.draw(st.lists(st.sampled_from(other_ids), min_size=1, max_size=3))
            records = [{**attack.record(), "id": rid} for rid in dict.fromkeys(chosen)]
            body = json.dumps({"records": records}).encode()
            response = attack.send("POST", BATCH, headers=headers, data=body)
            _assert_batch_refused(response)
            assert all(r["reason"] == "conflict" for r in response.json()["results"])
        elif case == "read_other":
            params = {"day": TODAY, "outpost": data.draw(st.sampled_from(["genteng", "x", "ROGO"]))}
            response = attack.send("GET", "/api/v1/records", headers=headers, params=params)
            assert response.status_code == 403, response.text
        else:
            ids = data.draw(st.lists(st.sampled_from(other_ids), min_size=1, max_size=10))
            body = json.dumps({"ids": ids}).encode()
            headers = {**headers, "Content-Type": "application/json"}
            response = attack.send("POST", "/api/v1/records:exists", headers=headers, data=body)
            assert response.status_code == 200 and response.json()["missing"] == ids

    @_settings(120)
    @given(st.data())
    def bad_params(data: st.DataObject) -> None:
        params = {
            "day": data.draw(st.text(max_size=12) | st.sampled_from([TODAY, "2026-02-30"])),
            "limit": data.draw(st.integers(-5, 5000).map(str) | _printable),
            "after": data.draw(st.text(max_size=40)),
        }
        response = attack.send("GET", "/api/v1/records", headers=attack.auth("good"), params=params)
        assert response.status_code in (200, 422), response.text
        if data.draw(st.booleans()):
            exists = data.draw(
                st.dictionaries(st.text(max_size=5), json_values, max_size=3)
                | st.fixed_dictionaries({"ids": st.lists(json_values, max_size=1100)})
            )
            response = attack.send(
                "POST",
                "/api/v1/records:exists",
                headers={**attack.auth("good"), "Content-Type": "application/json"},
                data=json.dumps(exists).encode(),
            )
            assert response.status_code in (200, 422), response.text

    unauthenticated()
    malformed_bodies()
    bad_records()
    cross_kiosk()
    bad_params()
    oversized(attack)


def oversized(attack: Attack) -> None:
    headers = {**attack.auth("good"), "Content-Type": "application/json"}
    big = {"records": [attack.record(payload={"pad": "x" * (MAX_BODY_BYTES + 10)})]}
    raw = json.dumps(big).encode()
    many = {"records": [attack.record() for _ in range(501)]}
    bomb = gzip.compress(b'{"records": [' + b" " * (MAX_BODY_BYTES * 4) + b"]}")
    deep = b"[" * 200_000
    cases = [
        (raw, {}),
        (gzip.compress(raw), {"Content-Encoding": "gzip"}),
        (json.dumps(many).encode(), {}),
        (bomb, {"Content-Encoding": "gzip"}),
        (deep, {}),
        (b'{"records": [' + b"[" * 50_000 + b"]}", {}),
        (_nested(attack, 3000), {}),
        (_nested(attack, 900), {}),
    ]
    for body, extra in cases:
        response = attack.send("POST", BATCH, headers={**headers, **extra}, data=body)
        _assert_batch_refused(response)
    for body in (b'{"ids": ' + deep + b"}", b'{"ids": [Infinity]}', b'{"ids": [NaN, 1]}'):
        # [Infinity] was a 500: FastAPI's 422 echoed the input and JSON cannot render it
        response = attack.send("POST", "/api/v1/records:exists", headers=headers, data=body)
        assert response.status_code in (400, 413, 422), response.text


def _nested(attack: Attack, depth: int) -> bytes:
    """A batch of one good record whose payload is ``depth`` dicts deep."""
    body = json.dumps({"records": [attack.record(payload={"a": "NEST"})]}).encode()
    return body.replace(b'"NEST"', b'{"a": ' * depth + b"{}" + b"}" * depth)


# -- schemathesis: cases from the server's own OpenAPI, every check ----------------------

NEGATIVE_ANSWERS = [
    "400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx", "413",
]  # fmt: skip
"""schemathesis' default statuses for refused data, plus 413: the protocol's answer to more
than 500 records (``maxItems``) is "too large", as documented, not 422."""


def test_openapi_generated_cases_pass_every_check_and_store_nothing(target):
    """Positive and negative cases from the OpenAPI, with every schemathesis check: no 5xx,
    each status and body and content type as documented, good data accepted, bad data
    refused, auth enforced, unknown methods answered 405 with Allow."""
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis import GenerationMode
    from schemathesis.config import SchemathesisConfig
    from schemathesis.core.failures import FailureGroup

    attack, good, other_ids, engine = target
    config = SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": NEGATIVE_ANSWERS}}}
    )
    schema = schemathesis.openapi.from_url(attack.url + "/openapi.json", config=config)
    good_kiosk = GoodKiosk(good)
    good_kiosk.start()
    calls = 0
    failures: dict[str, str] = {}
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @_settings(30)
                @given(case=operation.as_strategy(generation_mode=mode), who=st.integers(0, 3))
                def check(case: Any, who: int) -> None:
                    nonlocal calls
                    headers = {
                        0: attack.auth("good"),
                        1: attack.auth("other"),
                        2: {"Authorization": "Bearer nope"},
                        3: {},
                    }[who]
                    records = case.body.get("records") if isinstance(case.body, dict) else None
                    for record in records if isinstance(records, list) else []:
                        if isinstance(record, dict) and isinstance(record.get("id"), str):
                            attack.sent_ids.add(record["id"])
                    calls += 1
                    attack.tried += 1
                    response = case.call(base_url=attack.url, headers=headers, timeout=30)
                    if response.status_code >= 500:
                        attack.server_errors.append(
                            f"{case.method} {case.path} {case.body!r:.300} -> "
                            f"{response.status_code} {response.text[:300]}"
                        )
                    transport = {"base_url": attack.url, "headers": headers, "timeout": 30}
                    try:
                        case.validate_response(
                            response, headers=headers, transport_kwargs=transport
                        )
                    except FailureGroup as group:
                        generated = case.meta.generation.mode.name if case.meta else "?"
                        for failure in group.exceptions:
                            key = f"{case.operation.label} [{generated}] {failure.title}"
                            failures.setdefault(key, str(group)[:1500])

                try:
                    check()
                except Unsatisfiable:  # e.g. no negative cases for an operation without input
                    continue
    finally:
        good_kiosk.done.set()
        good_kiosk.join(30)
    assert calls >= 100, calls
    assert failures == {}, "\n\n".join(f"{key}\n{text}" for key, text in failures.items())
    _check_after(attack, good, good_kiosk, other_ids, engine)
