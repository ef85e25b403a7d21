"""The background worker against the real server: pushes, comes back, opens its circuit."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from typing import Any

from devtools.backlog import seed_audit_backlog
from kiosk.usecases import submit_request
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.lock import PushLock
from sync.pusher import SyncFailure, push_pending
from sync.worker import SyncState, SyncWorker
from tests.integration.conftest import LEGALISIR_ANSWERS


def client_for(app: Any, **kwargs: Any) -> SyncClient:
    return SyncClient(app.settings.server, backoff=Backoff(0.01, 0.05), max_tries=1, **kwargs)


class States:
    def __init__(self) -> None:
        self.seen: list[SyncState] = []
        self.changed = threading.Condition()

    def __call__(self, state: SyncState) -> None:
        with self.changed:
            self.seen.append(state)
            self.changed.notify_all()

    def wait_for(self, check: Callable[[SyncState], bool], timeout: float = 15) -> SyncState:
        deadline = time.monotonic() + timeout
        with self.changed:
            while not (self.seen and check(self.seen[-1])):
                left = deadline - time.monotonic()
                assert left > 0, f"state never matched; last {self.seen[-1:]}"
                self.changed.wait(left)
            return self.seen[-1]


def start_worker(app: Any, states: States, **kwargs: Any) -> SyncWorker:
    options = {"interval_s": 60, "probe_interval_s": 0.2, "debounce_s": 0.05, **kwargs}
    worker = SyncWorker(app.outbox, client_for(app), on_state=states, **options)
    worker.start()
    return worker


def test_pushes_soon_after_a_submission(server, kiosk_factory):
    app = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    states = States()
    worker = start_worker(app, states)
    try:
        states.wait_for(lambda s: not s.running and s.last_success_at is not None)
        submit_request(
            app.context, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="1"
        )
        worker.notify_submitted()
        state = states.wait_for(lambda s: s.sent == 2 and not s.running)
    finally:
        worker.stop()
    assert (state.pending, state.dead, state.circuit_open) == (0, 0, False)
    assert len(server.stored_ids()) == 2


def test_pushes_when_the_server_comes_back(server, kiosk_factory):
    app = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    seed_audit_backlog(app.store.engine, 20)
    server.kill()
    states = States()
    worker = start_worker(app, states)
    try:
        states.wait_for(lambda s: s.online is False and s.pending == 20)
        server.start()
        state = states.wait_for(lambda s: s.pending == 0 and not s.running)
    finally:
        worker.stop()
    assert state.sent == 20 and state.online
    assert not worker.is_alive()


def test_a_wrong_token_opens_the_circuit_and_says_why(server, kiosk_factory):
    server.add_kiosk("k-rogojampi-1")
    app = kiosk_factory(server.url, "wrong-token")
    seed_audit_backlog(app.store.engine, 3)
    states = States()
    worker = start_worker(app, states)
    try:
        state = states.wait_for(lambda s: s.circuit_open)
        worker.notify_submitted()  # does not hammer the server while open
        time.sleep(0.3)
        assert states.seen[-1].circuit_open and states.seen[-1].pending == 3
    finally:
        worker.stop()
    assert "401" in state.last_error
    assert state.last_failure == SyncFailure("token_refused", 401)


def test_the_worker_waits_while_an_admin_push_holds_the_lock(server, kiosk_factory):
    app = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"))
    seed_audit_backlog(app.store.engine, 5)
    lock = PushLock(app.outbox.lock_path)
    lock.acquire()  # as kiosk-sync push would, from another process
    states = States()
    worker = start_worker(app, states)
    try:
        state = states.wait_for(lambda s: s.last_error is not None and not s.running)
        assert "another sync" in state.last_error and state.pending == 5
        assert state.last_failure == SyncFailure("already_running")
        lock.release()
        worker.sync_now()
        states.wait_for(lambda s: s.pending == 0 and not s.running)
    finally:
        worker.stop()
        lock.release()


def test_two_pushers_racing_without_the_lock_still_store_each_record_once(
    server, kiosk_factory, tmp_path
):
    app = kiosk_factory(server.url, server.add_kiosk("k-rogojampi-1"), batch_size=50)
    seed_audit_backlog(app.store.engine, 1000)
    # Two pushers with different lock files: as if the lock had failed.
    outboxes = [app.outbox, dataclasses.replace(app.outbox, data_dir=tmp_path / "other-lock")]
    summaries = []
    threads = [
        threading.Thread(target=lambda o=o: summaries.append(push_pending(o, client_for(app))))
        for o in outboxes
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = server.stored_ids()
    assert len(stored) == len(set(stored)) == 1000
    assert sum(s.accepted for s in summaries) == 1000
    assert all(s.remaining == 0 for s in summaries)
