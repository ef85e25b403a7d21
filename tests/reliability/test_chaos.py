"""5,000 records through a proxy that drops, resets, delays and truncates: each arrives once.

The kiosk's own SyncWorker pushes (the thread the UI listens to), with the real client and
pusher, to the real server in a subprocess; only the network between them misbehaves.
"""

from __future__ import annotations

import random
import time

import pytest

from devtools.backlog import seed_audit_backlog
from devtools.chaos_proxy import FAILING, ChaosProxy
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import reconcile
from sync.worker import SyncState, SyncWorker

RECORDS = 5000
SEED = 20261128
CEILING_S = 0.25
DEADLINE_S = 100.0


@pytest.mark.slow
def test_5000_records_through_a_chaotic_network_arrive_exactly_once(server, kiosk_factory):
    token = server.add_kiosk("k-rogojampi-1", "rogojampi")
    with ChaosProxy(server.port, seed=SEED, stall_s=1.3) as proxy:
        app = kiosk_factory(proxy.url, token, batch_size=100, read_timeout_s=1.0)
        ids = seed_audit_backlog(app.store.engine, RECORDS)
        sleeps: list[float] = []

        def sleep(seconds: float) -> None:
            sleeps.append(seconds)
            time.sleep(seconds)

        client = SyncClient(
            app.settings.server,
            backoff=Backoff(base_s=0.02, ceiling_s=CEILING_S, rng=random.Random(SEED)),
            max_tries=4,
            sleep=sleep,
        )
        states: list[SyncState] = []
        worker = SyncWorker(
            app.outbox, client, on_state=states.append, interval_s=0.05, probe_interval_s=3600
        )
        worker.start()
        deadline = time.monotonic() + DEADLINE_S
        try:
            while time.monotonic() < deadline:
                state = worker.state
                if state.pending == 0 and state.sent == RECORDS and not state.running:
                    break
                time.sleep(0.1)
        finally:
            worker.stop()
            client.close()

    # the network really was bad
    assert proxy.requests >= 50
    assert proxy.failed / proxy.requests >= 0.30, proxy.counts
    assert all(proxy.counts[name] > 0 for name in FAILING), proxy.counts
    # every record on the server exactly once, none missing, nothing else
    stored = server.stored_ids()
    assert len(stored) == len(set(stored)) == RECORDS
    assert set(stored) == set(ids)
    # backoff bounded: never a wait over the ceiling
    assert sleeps and max(sleeps) <= CEILING_S
    # what the UI was shown at the end
    final = worker.state
    assert (final.pending, final.sent, final.dead) == (0, RECORDS, 0), final
    assert final.last_error is None and final.last_success_at is not None
    assert not final.running and not final.circuit_open and final.online is True
    assert not any(s.circuit_open for s in states)
    status = app.outbox.status()
    assert (status.pending, status.sent, status.dead, status.last_error) == (0, RECORDS, 0, None)
    # and the server agrees, asked directly (no proxy)
    direct = SyncClient(app.settings.server.model_copy(update={"url": server.url}))
    try:
        check = reconcile(app.outbox, direct)
    finally:
        direct.close()
    assert check.ok and check.digest_matches and check.server_count == RECORDS
