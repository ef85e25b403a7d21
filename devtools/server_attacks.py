"""The bad requests fired at the real server: the catalogue of attacks and its score.

Hypothesis builds the bodies, headers and tokens: malformed JSON and records, oversized and
gzip-bomb bodies, no token, wrong tokens, a disabled kiosk's token, and a real kiosk's
token used to write or read another kiosk's records. Each case asserts the answer the
protocol promises (a refusal, never a 5xx); ``Attack`` counts what was tried and keeps
every 5xx. Shared by tests/reliability/test_server_bad_input.py and
``python -m benchmarks reliability``.
"""

from __future__ import annotations

import gzip
import json
import string
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.protocol import MAX_BODY_BYTES

GOOD = ("k-good-1", "rogojampi")
OTHER = ("k-other-1", "rogojampi")  # same outpost, another kiosk
OFF = ("k-off-1", "rogojampi")
BATCH = "/api/v1/records:batch"
TODAY = "2026-11-27"


def attack_settings(examples: int) -> settings:
    """Hypothesis settings for a fixed, repeatable attack: derandomized, no example database."""
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


def assert_batch_refused(response: requests.Response) -> None:
    """Refused whole: an error status, or 200 with every record rejected."""
    if response.status_code == 200:
        results = response.json()["results"]
        assert all(r["status"] == "rejected" for r in results), results
    else:
        assert response.status_code in (400, 401, 403, 413, 415, 422), response.text


def run_attack(attack: Attack, other_ids: list[str]) -> None:  # noqa: C901 - a list of cases
    """Every kind of bad request, over 1,000 in all; ``other_ids`` are records another kiosk
    stored. Raises ``AssertionError`` at the first answer the protocol does not allow."""
    endpoints = [
        ("POST", BATCH),
        ("GET", "/api/v1/kiosks/me/summary"),
        ("POST", "/api/v1/records:exists"),
        ("GET", "/api/v1/records"),
    ]

    @attack_settings(260)
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

    @attack_settings(260)
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
        assert_batch_refused(attack.send("POST", BATCH, headers=headers, data=body))

    @attack_settings(260)
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
        assert_batch_refused(attack.send("POST", BATCH, headers=headers, data=body))

    @attack_settings(150)
    @given(st.data())
    def cross_kiosk(data: st.DataObject) -> None:
        case = data.draw(st.sampled_from(["claim_other", "other_ids", "read_other", "exists"]))
        headers = attack.auth("good")
        if case == "claim_other":
            kiosk = data.draw(st.sampled_from([OTHER, (GOOD[0], "genteng"), ("k-x", "genteng")]))
            records = [attack.record(kiosk) for _ in range(data.draw(st.integers(1, 3)))]
            body = json.dumps({"records": records}).encode()
            assert_batch_refused(attack.send("POST", BATCH, headers=headers, data=body))
        elif case == "other_ids":  # the other kiosk's ids, re-sent as our own
            chosen = data.draw(st.lists(st.sampled_from(other_ids), min_size=1, max_size=3))
            records = [{**attack.record(), "id": rid} for rid in dict.fromkeys(chosen)]
            body = json.dumps({"records": records}).encode()
            response = attack.send("POST", BATCH, headers=headers, data=body)
            assert_batch_refused(response)
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

    @attack_settings(120)
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
        assert_batch_refused(response)
    for body in (b'{"ids": ' + deep + b"}", b'{"ids": [Infinity]}', b'{"ids": [NaN, 1]}'):
        # [Infinity] was a 500: FastAPI's 422 echoed the input and JSON cannot render it
        response = attack.send("POST", "/api/v1/records:exists", headers=headers, data=body)
        assert response.status_code in (400, 413, 422), response.text


def _nested(attack: Attack, depth: int) -> bytes:
    """A batch of one good record whose payload is ``depth`` dicts deep."""
    body = json.dumps({"records": [attack.record(payload={"a": "NEST"})]}).encode()
    return body.replace(b'"NEST"', b'{"a": ' * depth + b"{}" + b"}" * depth)
