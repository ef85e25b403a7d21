"""``python -m benchmarks submit [--n 1000]``: durable submissions through the use case.

In the same run and on the same disk, a bare durable single-row insert (WAL,
synchronous=FULL, one row, one commit) gives the floor a submission is compared with.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks import emit, percentile
from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.usecases import submit_request

BENCH = "submit"


def bare_commits(path: Path, n: int) -> list[float]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
    samples = []
    for i in range(n):
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (body) VALUES (?)", (f"row {i}",))
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - started) * 1000)
    conn.close()
    return samples


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks submit")
    parser.add_argument("--n", type=int, default=1000)
    args = parser.parse_args(argv)
    # On the same disk as the repository's data, not a RAM-backed /tmp.
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as tmp:
        root = Path(tmp)
        app = build_app(KioskSettings(kiosk_id="bench", outpost="rogojampi", data_dir=root))
        for _ in range(20):  # warm-up: imports, caches, first pages
            submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="v")
        samples = []
        for _ in range(args.n):
            started = time.perf_counter()
            submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="v")
            samples.append((time.perf_counter() - started) * 1000)
        app.close()
        bare = bare_commits(root / "bare.db", args.n)
    p50 = statistics.median(samples)
    emit(BENCH, "submit_p50_ms", p50, "ms", n=args.n)
    emit(BENCH, "submit_p95_ms", percentile(samples, 95), "ms", n=args.n)
    emit(BENCH, "bare_commit_p50_ms", statistics.median(bare), "ms", n=args.n)
    emit(BENCH, "submit_vs_bare_commit_ratio", p50 / statistics.median(bare), "ratio")
