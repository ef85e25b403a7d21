"""``python -m benchmarks store_scale [--rows N]``: the store with a million past requests.

Seeds N past requests (each with its ticket, ticket event and a sent outbox row) spread
over the last few years straight through SQLite, then a normal day's queue of 200 tickets
through the use cases, and measures today's-queue query and start-up open + migration check.
The seeded file is kept in the cache folder and reused while its row count matches.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks import emit
from forms import load_catalogue
from kiosk.bootstrap import open_store
from kiosk.clock import wib_day
from kiosk.usecases import KioskContext, issue_ticket, today_queue

BENCH = "store_scale"


def _seed(path: Path, rows: int, today: datetime) -> None:
    store = open_store(path, path.parent / "backups")
    store.engine.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    start = today - timedelta(days=3 * 365)
    step = (today - timedelta(days=1) - start) / rows
    letters = "ABCDEFGH"
    batch_t, batch_r, batch_o = [], [], []
    conn.execute("BEGIN")
    for i in range(rows):
        at = start + step * i
        day = wib_day(at).isoformat()
        tid, rid = str(uuid.uuid4()), str(uuid.uuid4())
        letter = letters[i % len(letters)]
        seq = i // len(letters) % 999 + 1
        stamp = at.strftime("%Y-%m-%d %H:%M:%S.%f")
        batch_t.append(
            (
                tid,
                f"{letter}-{seq:03d}",
                letter,
                i,
                day,
                f"SVC{letter}",
                "1",
                "k1",
                "rogojampi",
                "served",
                rid[:14],
                stamp,
                stamp,
                stamp,
                0,
                1,
            )
        )
        batch_r.append(
            (rid, f"SVC{letter}", "form", 1, "v1:xxxx", "id", stamp, "k1", "rogojampi", tid)
        )
        batch_o.append((rid, "service_request", "sent", 1, stamp, stamp))
        if len(batch_t) == 20_000:
            _flush(conn, batch_t, batch_r, batch_o)
    _flush(conn, batch_t, batch_r, batch_o)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _flush(conn: sqlite3.Connection, t: list, r: list, o: list) -> None:
    conn.executemany(
        "INSERT INTO queue_tickets (id, number, letter, sequence, day, service_code, counter,"
        " kiosk_id, outpost, status, tracking_code, issued_at, called_at, served_at,"
        " recall_count, print_count) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        t,
    )
    conn.executemany(
        "INSERT INTO service_requests (id, service_code, form_id, form_version, answers,"
        " language, created_at, kiosk_id, outpost, ticket_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
        r,
    )
    conn.executemany(
        "INSERT INTO outbox (record_id, kind, state, attempts, created_at, sent_at)"
        " VALUES (?,?,?,?,?,?)",
        o,
    )
    t.clear()
    r.clear()
    o.clear()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks store_scale")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "ppp-bench")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)
    path = args.dir / f"store-scale-{args.rows}.db"
    now = datetime.now(UTC).replace(hour=3, minute=0, second=0, microsecond=0)
    if not path.exists():
        started = time.perf_counter()
        _seed(path, args.rows, now)
        emit(BENCH, "seed_s", time.perf_counter() - started, "s", rows=args.rows)

    store = open_store(path, args.dir / "backups")
    catalogue = load_catalogue()  # the shipped one, as a kiosk that never pulled runs
    ctx = KioskContext(
        uow=store.uow, catalogue=catalogue, kiosk_id="k1", outpost="rogojampi", clock=lambda: now
    )
    if today_queue(ctx).waiting_total == 0:
        for i in range(200):
            issue_ticket(ctx, catalogue.services[i % 3].code)
    today_queue(ctx)
    samples = []
    for _ in range(100):
        started = time.perf_counter()
        queue = today_queue(ctx)
        samples.append((time.perf_counter() - started) * 1000)
    store.engine.dispose()
    emit(
        BENCH,
        "today_queue_query_ms",
        statistics.median(samples),
        "ms",
        past_requests=args.rows,
        waiting_today=queue.waiting_total,
    )

    opens = []
    for _ in range(10):
        started = time.perf_counter()
        reopened = open_store(path, args.dir / "backups")
        with reopened.uow(read_only=True) as uow:
            uow.session.connection()
        opens.append((time.perf_counter() - started) * 1000)
        reopened.engine.dispose()
    emit(
        BENCH,
        "startup_open_ms",
        statistics.median(opens),
        "ms",
        first_ms=round(opens[0], 2),
        db_mb=round(path.stat().st_size / 2**20, 1),
    )
