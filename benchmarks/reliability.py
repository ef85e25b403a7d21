"""``python -m benchmarks reliability``: nothing lost under kill -9, bad networks, bad input.

* ``kills_survived``: the crash driver (tests/reliability/crash_driver.py) SIGKILLed at random
  moments, the database checked after each restart (integrity, shown tickets exist, no number
  twice); ``--kills N`` (default 50, as the test), ``--target`` shown tickets (default 1000);
* ``records_lost`` / ``server_duplicates``: then everything is pushed to the real server on
  loopback (``mpp-server serve``): committed outbox records vs stored rows;
* ``chaos_failed_requests`` / ``chaos_records_delivered``: ``--chaos-records`` (5,000) records
  pushed through tests/reliability/chaos_proxy.py (drops, resets, delays, truncation);
* ``bad_requests_tried`` / ``bad_requests_5xx``: the hypothesis attack of
  tests/reliability/test_server_bad_input.py against a fresh server.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import emit
from benchmarks.sync import start_server as start_sync_server

BENCH = "reliability"


def start_server(database_url: str) -> tuple[subprocess.Popen, str, int]:
    """The reference server in a subprocess on loopback, as the sync benchmark starts it."""
    proc, url = start_sync_server(database_url)
    return proc, url, urlsplit(url).port


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _kiosk(data_dir: Path, kiosk_id: str, url: str, token: str, **server: Any) -> Any:
    from kiosk.bootstrap import build_app
    from kiosk.config import parse_config

    settings = parse_config(
        {
            "kiosk_id": kiosk_id,
            "outpost": "rogojampi",
            "data_dir": str(data_dir),
            "server": {"url": url, "token": token, **server},
        }
    )
    return build_app(settings)


def _stored(db_url: str) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from mpp_server.db import open_engine
    from mpp_server.models import StoredRecord

    engine = open_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                select(StoredRecord.id, StoredRecord.kind, StoredRecord.payload)
            ).all()
    finally:
        engine.dispose()
    return [tuple(row) for row in rows]


def _push_until_done(app: Any, client: Any, rounds: int, seconds: float) -> int:
    from sync.pusher import outbox_status, push_pending

    deadline = time.monotonic() + seconds
    for done in range(1, rounds + 1):
        push_pending(app, client, include_not_due=True)
        if outbox_status(app).pending == 0 or time.monotonic() > deadline:
            return done
    return rounds


# -- 1. kill -9, then one sync ----------------------------------------------------------


def crash_then_sync(root: Path, kills: int, target: int, seed: int) -> None:
    from mpp_server.db import add_kiosk, open_engine
    from sync.client import SyncClient
    from tests.reliability.test_crash_safety import check_database, run_until_killed

    rng = random.Random(seed)
    data_dir = root / "crash"
    shown: list[list[str]] = []
    survived = failed_checks = done = 0
    started = time.monotonic()
    while (done < kills or len(shown) < target) and done < max(400, kills * 4):
        shown += run_until_killed(data_dir, rng)
        done += 1
        try:
            check_database(data_dir / "kiosk.db", shown)
            survived += 1
        except AssertionError:
            failed_checks += 1
    emit(
        BENCH, "kills_survived", survived, "kills", kills=done, failed_checks=failed_checks,
        shown_tickets=len(shown), seconds=round(time.monotonic() - started, 1),
    )  # fmt: skip

    with sqlite3.connect(data_dir / "kiosk.db") as db:
        committed = {row[0] for row in db.execute("SELECT record_id FROM outbox")}
        local_tickets = {row[0] for row in db.execute("SELECT id FROM queue_tickets")}
    lost_locally = sum(1 for _, ticket_id, _, _ in shown if ticket_id not in local_tickets)

    db_url = f"sqlite:///{root / 'crash-server.db'}"
    engine = open_engine(db_url)
    token = add_kiosk(engine, "crash-1", "rogojampi")
    engine.dispose()
    proc, url, _port = start_server(db_url)
    try:
        app = _kiosk(data_dir, "crash-1", url, token)
        client = SyncClient(app.settings.server)
        _push_until_done(app, client, rounds=20, seconds=120)
        client.close()
        app.close()
    finally:
        _stop(proc)
    stored = _stored(db_url)
    ids = [row[0] for row in stored]
    events = Counter(
        (json.loads(payload)["ticket_id"], json.loads(payload)["event"])
        for _, kind, payload in stored
        if kind == "ticket_event"
    )
    duplicates = (len(ids) - len(set(ids))) + sum(n - 1 for n in events.values() if n > 1)
    lost = len(committed - set(ids)) + lost_locally
    emit(
        BENCH, "records_lost", lost, "records", committed=len(committed), stored=len(ids),
        shown_tickets_missing_locally=lost_locally, extra_on_server=len(set(ids) - committed),
    )  # fmt: skip
    emit(BENCH, "server_duplicates", duplicates, "records", stored=len(ids))


# -- 2. a bad network -------------------------------------------------------------------


def chaos(root: Path, records: int, seed: int) -> None:
    from mpp_server.db import add_kiosk, open_engine
    from sync.backlog import seed_audit_backlog
    from sync.backoff import Backoff
    from sync.client import SyncClient
    from sync.pusher import outbox_status
    from tests.reliability.chaos_proxy import ChaosProxy

    db_url = f"sqlite:///{root / 'chaos-server.db'}"
    engine = open_engine(db_url)
    token = add_kiosk(engine, "chaos-1", "rogojampi")
    engine.dispose()
    proc, _url, port = start_server(db_url)
    started = time.monotonic()
    try:
        with ChaosProxy(port, seed=seed) as proxy:
            app = _kiosk(
                root / "chaos", "chaos-1", proxy.url, token, batch_size=100, read_timeout_s=1.0
            )
            ids = seed_audit_backlog(app.store.engine, records)
            sleeps: list[float] = []

            def sleep(seconds: float) -> None:
                sleeps.append(seconds)
                time.sleep(seconds)

            client = SyncClient(
                app.settings.server,
                backoff=Backoff(base_s=0.02, ceiling_s=0.25, rng=random.Random(seed)),
                sleep=sleep,
            )
            rounds = _push_until_done(app, client, rounds=500, seconds=180)
            status = outbox_status(app)
            client.close()
            app.close()
    finally:
        _stop(proc)
    stored = [row[0] for row in _stored(db_url)]
    delivered = len(set(stored) & set(ids))
    counts = {k: v for k, v in proxy.counts.items() if k != "requests"}
    emit(
        BENCH, "chaos_failed_requests", proxy.failed, "requests", requests=proxy.requests,
        failed_share=round(proxy.failed / max(1, proxy.requests), 3), faults=counts,
    )  # fmt: skip
    emit(
        BENCH, "chaos_records_delivered", delivered, "records", seeded=len(ids),
        stored_rows=len(stored), duplicates=len(stored) - len(set(stored)),
        pending_at_end=status.pending, sent_at_end=status.sent, push_rounds=rounds,
        max_backoff_s=round(max(sleeps, default=0.0), 3),
        seconds=round(time.monotonic() - started, 1),
    )  # fmt: skip


# -- 3. bad input -----------------------------------------------------------------------


def bad_input(root: Path) -> None:
    from sqlalchemy import update

    from mpp_server.db import add_kiosk, open_engine
    from mpp_server.models import Kiosk
    from sync.backlog import seed_audit_backlog
    from sync.client import SyncClient
    from sync.pusher import push_pending
    from tests.reliability import test_server_bad_input as attack_module

    db_url = f"sqlite:///{root / 'bad-server.db'}"
    engine = open_engine(db_url)
    tokens = {
        "good": add_kiosk(engine, *attack_module.GOOD),
        "other": add_kiosk(engine, *attack_module.OTHER),
        "off": add_kiosk(engine, *attack_module.OFF),
    }
    with engine.begin() as connection:
        connection.execute(
            update(Kiosk).where(Kiosk.id == attack_module.OFF[0]).values(active=False)
        )
    proc, url, _port = start_server(db_url)
    failures: list[str] = []
    try:
        other = _kiosk(root / "other", attack_module.OTHER[0], url, tokens["other"])
        other_ids = seed_audit_backlog(other.store.engine, 20)
        client = SyncClient(other.settings.server)
        push_pending(other, client)
        client.close()
        other.close()
        attack = attack_module.Attack(url, tokens)
        try:
            attack_module.run_attack(attack, other_ids)
        except Exception as exc:  # noqa: BLE001 - an expectation broken: reported, not raised
            failures.append(f"{type(exc).__name__}: {str(exc)[:300]}")
        attack.session.close()
    finally:
        _stop(proc)
    stored = {row[0] for row in _stored(db_url)}
    emit(BENCH, "bad_requests_tried", attack.tried, "requests", expectation_failures=failures)
    emit(
        BENCH, "bad_requests_5xx", len(attack.server_errors), "responses",
        bad_records_stored=len(attack.sent_ids & stored), examples=attack.server_errors[:3],
    )  # fmt: skip
    engine.dispose()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks reliability")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--target", type=int, default=1000, help="tickets shown before stopping")
    parser.add_argument("--chaos-records", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20261128)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        root = Path(tmp)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = str(root / "xdg" / name.lower())  # never a real kiosk's files
        crash_then_sync(root, args.kills, args.target, args.seed)
        chaos(root, args.chaos_records, args.seed)
        bad_input(root)


if __name__ == "__main__":
    main(sys.argv[1:])
