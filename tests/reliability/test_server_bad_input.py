"""Over 1,000 bad requests at the real server: never a 5xx, nothing stored, good kiosks served.

Hypothesis builds the bodies, headers and tokens: malformed JSON and records, oversized and
gzip-bomb bodies, no token, wrong tokens, a disabled kiosk's token, and a real kiosk's
token used to write or read another kiosk's records. Schemathesis adds cases generated from
the server's own OpenAPI (positive and negative). Meanwhile a good kiosk keeps pushing.
The attack catalogue is devtools/server_attacks.py, shared with the reliability benchmark.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from sqlalchemy import select, update

from devtools.backlog import seed_audit_backlog
from devtools.server_attacks import GOOD, OFF, OTHER, Attack, attack_settings, run_attack
from mpp_server.db import open_engine
from mpp_server.models import Kiosk, StoredRecord
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import push_pending

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


# -- schemathesis: cases from the server's own OpenAPI, every check ----------------------

NEGATIVE_ANSWERS = [
    "400", "401", "403", "404", "405", "406", "409", "415", "422", "428", "429", "5xx", "413",
]  # fmt: skip
"""schemathesis' default statuses for refused data, plus 413: the protocol's answer to more
than 500 records (``maxItems``) is "too large", as documented, not 422."""


POSITIVE_ANSWERS = ["2xx", "401", "403", "404", "410"]
"""schemathesis' default statuses for good data, plus 410: a status-changes cursor is opaque,
so a schema-valid string the server never made is answered ``cursor_reset``, as documented."""


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
        {
            "checks": {
                "negative_data_rejection": {"expected-statuses": NEGATIVE_ANSWERS},
                "positive_data_acceptance": {"expected-statuses": POSITIVE_ANSWERS},
            }
        }
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

                @attack_settings(30)
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
