"""``python -m benchmarks server``: ingest records/s with 10 kiosks pushing at once.

Each kiosk is a thread with its own HTTP session sending pre-built gzip batches of 500
records (the protocol's maximum), so the figure is the server's, not the client's. SQLite
always; PostgreSQL when ``MPP_TEST_POSTGRES_URL`` is set (a fresh database is made on that
cluster and dropped after), else a line says it was skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks import emit, scratch_postgres_database
from benchmarks.sync import start_server

BENCH = "server"


def _bodies(kiosk_id: str, count: int, batch: int) -> list[bytes]:
    from uuid6 import uuid7

    start = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    records = [
        {
            "id": str(uuid7()),
            "kind": "ticket_event",
            "kiosk_id": kiosk_id,
            "outpost": "rogojampi",
            "created_at": (start + timedelta(seconds=n)).isoformat(),
            "payload": {"event": "issued", "number": f"A-{n % 999:03d}", "service_code": "KTP"},
        }
        for n in range(count)
    ]
    return [
        gzip.compress(json.dumps({"records": records[i : i + batch]}).encode(), 5)
        for i in range(0, count, batch)
    ]


def ingest_rate(database_url: str, *, kiosks: int, per_kiosk: int, workers: int) -> float:
    import requests

    from mpp_server.db import add_kiosk, open_engine

    engine = open_engine(database_url)
    tokens = [add_kiosk(engine, f"bench-{n}", "rogojampi") for n in range(kiosks)]
    engine.dispose()
    bodies = [_bodies(f"bench-{n}", per_kiosk, 500) for n in range(kiosks)]
    proc, url = start_server(database_url, workers=workers)
    accepted: list[int] = []
    errors: list[str] = []

    def push(token: str, batches: list[bytes]) -> None:
        with requests.Session() as session:
            session.headers.update(
                {
                    "Authorization": f"Bearer {token}",
                    "Content-Encoding": "gzip",
                    "Content-Type": "application/json",
                }
            )
            for body in batches:
                answer = session.post(
                    url + "/api/v1/records:batch",
                    data=body,
                    headers={"Idempotency-Key": str(uuid.uuid4())},
                    timeout=60,
                )
                if answer.status_code != 200:
                    errors.append(f"HTTP {answer.status_code}")
                    return
                accepted.append(sum(r["status"] == "accepted" for r in answer.json()["results"]))

    threads = [
        threading.Thread(target=push, args=(token, batches))
        for token, batches in zip(tokens, bodies, strict=True)
    ]
    try:
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(20)
    if errors or sum(accepted) != kiosks * per_kiosk:
        raise RuntimeError(f"ingest incomplete: {sum(accepted)} accepted, errors {errors[:3]}")
    return kiosks * per_kiosk / elapsed


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks server")
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--per-kiosk", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=max(2, min(4, os.cpu_count() or 2)))
    args = parser.parse_args(argv)
    common = {"kiosks": args.kiosks, "per_kiosk": args.per_kiosk}
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'server.db'}"
        rate = ingest_rate(url, workers=1, **common)
        emit(BENCH, "ingest_records_per_s_sqlite", rate, "records/s", workers=1, **common)
    base = os.environ.get("MPP_TEST_POSTGRES_URL")
    if not base:
        line = {
            "bench": BENCH,
            "metric": "ingest_records_per_s_postgres",
            "value": None,
            "unit": "records/s",
            "skipped": "MPP_TEST_POSTGRES_URL is not set",
        }
        sys.stdout.write(json.dumps(line) + "\n")
        return
    pg_url, drop = scratch_postgres_database(base, "mpp_bench")
    try:
        rate = ingest_rate(pg_url, workers=args.workers, **common)
        emit(
            BENCH,
            "ingest_records_per_s_postgres",
            rate,
            "records/s",
            workers=args.workers,
            **common,
        )
    finally:
        drop()
