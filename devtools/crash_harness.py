"""kill -9 at random moments: start ``devtools.crash_driver``, kill it, check what survived.

Shared by tests/reliability/test_crash_safety.py and ``python -m benchmarks reliability``.
``check_database`` raises ``AssertionError`` on the first broken promise: the test lets it
fail the test, the benchmark counts it.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_until_killed(data_dir: Path, rng: random.Random) -> list[list[str]]:
    """Start the driver, let it work a random while after it is ready, then SIGKILL it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "devtools.crash_driver", str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in proc.stdout:
            if line.startswith("READY"):
                ready.set()
            elif line.startswith("OK "):
                lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert ready.wait(60), proc.stderr.read() if proc.poll() is not None else "no READY"
    time.sleep(rng.uniform(0.0, 0.12))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join(10)
    # only complete lines count: a line cut by the kill was never "shown"
    return [line.split() for line in lines if line.endswith("\n") and len(line.split()) == 4]


def check_database(path: Path, shown: list[list[str]]) -> None:
    """The file is sound, no number twice a day, every row queued, every shown ticket kept."""
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        tickets = {row[0]: row[1] for row in db.execute("SELECT id, number FROM queue_tickets")}
        requests = {row[0] for row in db.execute("SELECT id FROM service_requests")}
        queued = {row[0] for row in db.execute("SELECT record_id FROM outbox")}
        duplicates = db.execute(
            "SELECT day, kiosk_id, number, count(*) FROM queue_tickets"
            " GROUP BY day, kiosk_id, number HAVING count(*) > 1"
        ).fetchall()
        unqueued = db.execute(
            "SELECT count(*) FROM service_requests WHERE id NOT IN (SELECT record_id FROM outbox)"
        ).fetchone()[0]
        events_unqueued = db.execute(
            "SELECT count(*) FROM ticket_events WHERE id NOT IN (SELECT record_id FROM outbox)"
        ).fetchone()[0]
    assert duplicates == []
    assert unqueued == 0 and events_unqueued == 0
    for _, ticket_id, number, request_id in shown:
        assert tickets.get(ticket_id) == number, f"ticket {number} was shown but is lost"
        if request_id != "-":
            assert request_id in requests and request_id in queued
