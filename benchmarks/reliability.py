"""``python -m benchmarks reliability``: nothing lost under kill -9, bad networks, bad input.

* ``kills_survived``: the crash driver (devtools/crash_driver.py) SIGKILLed at random
  moments, the database checked after each restart (integrity, shown tickets exist, no number
  twice); ``--kills N`` (default 50, as the test), ``--target`` shown tickets (default 1000);
* ``records_lost`` / ``server_duplicates``: then everything is pushed to the real server on
  loopback (``mpp-server serve``): committed outbox records vs stored rows;
* ``chaos_failed_requests`` / ``chaos_records_delivered``: ``--chaos-records`` (5,000) records
  pushed through devtools/chaos_proxy.py (drops, resets, delays, truncation);
* ``bad_requests_tried`` / ``bad_requests_5xx``: the hypothesis attack of
  devtools/server_attacks.py (as tests/reliability/test_server_bad_input.py runs it) against
  a fresh server;
* ``unauth_big_body_growth_mb``: how much a 200 MB body sent without a token grows the
  server's memory (``mpp-server serve``, peak RSS during the upload minus RSS before; the
  larger of the two body routes; target <= 16);
* ``slow_header_close_s``: how long the server keeps a connection that sends one header line a
  second and never finishes its head (target <= 15), with ``serve``'s default timeouts;
* ``clock_jump_duplicate_numbers``: 500 tickets issued through ``issue_ticket`` on a real
  SQLite file over three service days while the wall clock is set back a day, forward a
  day, to 2000-01-01 and back (also across a reboot), and forward a year; numbers given
  twice within one real WIB day (must be 0);
* ``clock_skew_detected_s``: a kiosk whose clock is an hour behind, the real reference
  server on loopback and the real sync worker: seconds from the worker's push starting to
  ``clock_status`` (what ``kiosk-sync status`` shows) reporting the hour (target: within one
  push interval, 300 s).

``--only PART`` (repeatable: crash, chaos, bad_input, slow_clients, clock_jump, clock_skew)
runs just those parts.
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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from benchmarks import emit
from benchmarks.sync import start_server as start_sync_server
from kiosk.clock import RunClock

BENCH = "reliability"


def start_server(database_url: str) -> tuple[subprocess.Popen, str, int]:
    """The reference server in a subprocess on loopback, as the sync benchmark starts it."""
    proc, url = start_sync_server(database_url)
    return proc, url, urlsplit(url).port


def _stop(proc: subprocess.Popen) -> None:
    from devtools.loopback import stop_process

    stop_process(proc)


def _kiosk(
    data_dir: Path, kiosk_id: str, url: str, token: str, clock: Any = None, **server: Any
) -> Any:
    from kiosk.bootstrap import build_app
    from kiosk.clock import utc_now
    from kiosk.config import parse_config

    settings = parse_config(
        {
            "kiosk_id": kiosk_id,
            "outpost": "rogojampi",
            "data_dir": str(data_dir),
            "server": {"url": url, "token": token, **server},
        }
    )
    return build_app(settings, clock=clock or utc_now)


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
    from sync.pusher import push_pending

    deadline = time.monotonic() + seconds
    for done in range(1, rounds + 1):
        push_pending(app.outbox, client, include_not_due=True)
        if app.outbox.status().pending == 0 or time.monotonic() > deadline:
            return done
    return rounds


# -- 1. kill -9, then one sync ----------------------------------------------------------


def crash_then_sync(root: Path, kills: int, target: int, seed: int) -> None:
    from devtools.crash_harness import check_database, run_until_killed
    from mpp_server.db import add_kiosk, open_engine
    from sync.client import SyncClient

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
    from devtools.backlog import seed_audit_backlog
    from devtools.chaos_proxy import ChaosProxy
    from mpp_server.db import add_kiosk, open_engine
    from sync.backoff import Backoff
    from sync.client import SyncClient

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
            status = app.outbox.status()
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

    from devtools import server_attacks as attack_module
    from devtools.backlog import seed_audit_backlog
    from mpp_server.db import add_kiosk, open_engine
    from mpp_server.models import Kiosk
    from sync.client import SyncClient
    from sync.pusher import push_pending

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
        push_pending(other.outbox, client)
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


# -- 4. slow and greedy clients ---------------------------------------------------------


def slow_clients(root: Path) -> None:
    from devtools.slow_clients import (
        Served,
        trickled_headers_close_s,
        unauthenticated_body_growth_kb,
    )

    size = 200 * 1024 * 1024
    served = Served(f"sqlite:///{root / 'slow-server.db'}")
    try:
        moved = {
            path: unauthenticated_body_growth_kb(served, path, size)
            for path in ("/api/v1/records:exists", "/api/v1/records:batch")
        }
        limit_s = 60.0
        closed_after = trickled_headers_close_s(served.port, limit_s)
    finally:
        served.stop()
    worst = max(answer["growth_kb"] for answer in moved.values())
    emit(
        BENCH, "unauth_big_body_growth_mb", worst / 1024, "MB", target=16, body_mb=200,
        per_route={path: {"growth_mb": round(answer["growth_kb"] / 1024, 2),
                          "status": answer["status"]} for path, answer in moved.items()},
    )  # fmt: skip
    emit(
        BENCH, "slow_header_close_s", closed_after if closed_after is not None else limit_s,
        "s", target=15, still_open_at_end=closed_after is None,
    )  # fmt: skip


# -- 5. a clock that jumps --------------------------------------------------------------


class PcClocks:
    """The kiosk PC's two clocks, as the clock-jump script moves them.

    The wall clock (``__call__``) is what someone, or NTP, can set: ``set_to`` moves it and
    nothing else. The monotonic count is read through the product's own ``RunClock``: it
    moves only as time passes (``advance`` moves both, as on a running PC) and starts again
    near zero under a new run id after ``reboot``, as ``time.monotonic()`` does.
    """

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.uptime_s = 1_000.0
        self.boots = 1
        self.monotonic = self._run()

    def _run(self) -> RunClock:
        return RunClock(run_id=f"boot-{self.boots}", read=lambda: self.uptime_s)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.uptime_s += seconds

    def set_to(self, moment: datetime) -> None:
        self.now = moment

    def reboot(self) -> None:
        self.boots += 1
        self.uptime_s = 12.0
        self.monotonic = self._run()


def clock_jump(root: Path, tickets: int) -> None:
    """Scripted wall-clock jumps while tickets are issued, a ticket every 2.5 minutes from
    08:00 to 16:00 WIB. The true time is what the PC's monotonic count saw pass (``PcClocks``);
    the reboot closes the kiosk and starts it again on a new run of the monotonic clock."""
    from sqlalchemy import text

    from kiosk.bootstrap import build_app
    from kiosk.clock import wib_day
    from kiosk.config import parse_config
    from kiosk.usecases import issue_ticket

    true_now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB
    clock = PcClocks(true_now)
    settings = parse_config(
        {"kiosk_id": "jump-1", "outpost": "rogojampi", "data_dir": str(root / "clock-jump")}
    )
    app = build_app(settings, clock=clock, monotonic=clock.monotonic)
    codes = [service.code for service in app.catalogue.services[:3]]
    year_2000 = datetime(2000, 1, 1, 1, 0, tzinfo=UTC)

    def reboot_into_2000() -> None:
        nonlocal app
        app.close()
        clock.reboot()
        clock.set_to(year_2000)  # the PC's battery-backed clock lost its time
        app = build_app(settings, clock=clock, monotonic=clock.monotonic)

    script = {  # before ticket n: what happens to the wall clock
        40: ("back a day", lambda: clock.set_to(clock.now - timedelta(days=1))),
        70: ("forward a day", lambda: clock.set_to(clock.now + timedelta(days=1))),
        110: ("to 2000-01-01", lambda: clock.set_to(year_2000)),
        150: ("back from 2000", lambda: clock.set_to(true_now)),
        230: ("reboot into 2000-01-01", reboot_into_2000),
        260: ("back from 2000 after the reboot", lambda: clock.set_to(true_now)),
        300: ("forward a year", lambda: clock.set_to(clock.now + timedelta(days=365))),
        340: ("back from next year", lambda: clock.set_to(true_now)),
        420: ("back a day, never put right", lambda: clock.set_to(clock.now - timedelta(days=1))),
    }
    issued: list[tuple[str, str, str]] = []  # (real WIB day, ticket id, number)
    for n in range(tickets):
        if n in script:
            script[n][1]()
        ticket = issue_ticket(app.context, codes[n % len(codes)])
        issued.append((wib_day(true_now).isoformat(), ticket.ticket_id, ticket.number))
        step = timedelta(minutes=2.5)
        if (true_now + step).hour >= 9:  # 16:00 WIB: closed until 08:00 tomorrow
            step = true_now.replace(hour=1, minute=0) + timedelta(days=1) - true_now
        clock.advance(step.total_seconds())
        true_now += step
    with app.store.engine.connect() as connection:
        days = dict(connection.execute(text("SELECT id, day FROM queue_tickets")).all())
    app.close()
    per_day = Counter((real_day, number) for real_day, _ticket_id, number in issued)
    duplicates = sum(count - 1 for count in per_day.values() if count > 1)
    wrong_day = sum(1 for real_day, ticket_id, _ in issued if str(days[ticket_id]) != real_day)
    emit(
        BENCH, "clock_jump_duplicate_numbers", duplicates, "numbers", target=0,
        tickets=len(issued), real_days=len({real_day for real_day, *_ in issued}),
        jumps=[what for what, _ in script.values()], queue_day_not_the_real_day=wrong_day,
    )  # fmt: skip


# -- 6. a kiosk clock an hour off, found by the real worker -------------------------------


def clock_skew(root: Path) -> None:
    """The real server on loopback and the sync worker with the kiosk's own settings
    (a push at start and every 300 s, a health probe every 30 s); the kiosk's wall clock is
    an hour behind. Polls ``clock_status`` as ``kiosk-sync status`` reads it."""
    from kiosk.usecases import issue_ticket
    from kiosk.usecases.clock_check import clock_status
    from mpp_server.db import add_kiosk, open_engine
    from sync.client import SyncClient
    from sync.worker import SyncState, SyncWorker

    db_url = f"sqlite:///{root / 'clock-server.db'}"
    engine = open_engine(db_url)
    token = add_kiosk(engine, "clock-1", "rogojampi")
    engine.dispose()
    proc, url, _port = start_server(db_url)
    offset = [timedelta(hours=-1)]
    try:
        app = _kiosk(
            root / "clock-kiosk", "clock-1", url, token, clock=lambda: datetime.now(UTC) + offset[0]
        )
        issue_ticket(app.context, app.catalogue.services[0].code)
        pushes: list[tuple[float, bool]] = []

        def seen(state: SyncState) -> None:
            if not pushes or pushes[-1][1] != state.running:
                pushes.append((time.monotonic(), state.running))

        worker = SyncWorker(app.outbox, SyncClient(app.settings.server), on_state=seen)

        def reported(target_s: float, within_s: float, limit_s: float) -> tuple[float, float]:
            deadline = time.monotonic() + limit_s
            while time.monotonic() < deadline:
                skew = clock_status(app.context).skew
                if skew is not None and abs(skew.skew_s - target_s) <= within_s:
                    return time.monotonic(), skew.skew_s
                time.sleep(0.01)
            return float("nan"), float("nan")

        worker.start()
        found_at, measured = reported(3600.0, 5.0, 400.0)
        offset[0] = timedelta(0)  # NTP sets it right; nothing new to push
        set_at = time.monotonic()
        righted_at, righted = reported(0.0, 2.0, 45.0)
        push_started = next((at for at, running in pushes if running), float("nan"))
        push_ended = next((at for at, running in pushes[1:] if not running), float("nan"))
        worker.stop()
        app.close()
    finally:
        _stop(proc)
    emit(
        BENCH, "clock_skew_detected_s", found_at - push_started, "s",
        target_s=worker.interval_s, push_interval_s=worker.interval_s,
        push_s=round(push_ended - push_started, 3), true_skew_s=3600.0,
        measured_skew_s=measured, error_s=round(abs(measured - 3600.0), 3),
        probe_interval_s=worker.probe_interval_s,
        set_right_detected_s=round(righted_at - set_at, 3), measured_after_set_right_s=righted,
    )  # fmt: skip


PARTS = ("crash", "chaos", "bad_input", "slow_clients", "clock_jump", "clock_skew")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks reliability")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--target", type=int, default=1000, help="tickets shown before stopping")
    parser.add_argument("--chaos-records", type=int, default=5000)
    parser.add_argument("--clock-tickets", type=int, default=500)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--only", action="append", choices=PARTS, help="run just this part")
    args = parser.parse_args(argv)
    parts = set(args.only or PARTS)
    with tempfile.TemporaryDirectory(prefix="bench-reliability-") as tmp:
        root = Path(tmp)
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            os.environ[name] = str(root / "xdg" / name.lower())  # never a real kiosk's files
        if "crash" in parts:
            crash_then_sync(root, args.kills, args.target, args.seed)
        if "chaos" in parts:
            chaos(root, args.chaos_records, args.seed)
        if "bad_input" in parts:
            bad_input(root)
        if "slow_clients" in parts:
            slow_clients(root)
        if "clock_jump" in parts:
            clock_jump(root, args.clock_tickets)
        if "clock_skew" in parts:
            clock_skew(root)


if __name__ == "__main__":
    main(sys.argv[1:])
