"""``python -m benchmarks sync``: the pusher through the real server on loopback.

* ``batched_records_per_s``: 10,000 pending records pushed in batches (config default 200);
* ``single_records_per_s``: one request per record (as ODK Collect sends submissions),
  measured on 1,000 records (``--single N``) to keep the run short;
* ``pusher_rss_10k_mb`` / ``pusher_rss_100k_mb``: peak RSS of a pusher subprocess with
  that many pending (``--big N`` to change 100,000).

The outbox is seeded with raw SQL inserts (audit records, no personal data).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import emit

BENCH = "sync"


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, *, workers: int = 1) -> tuple[subprocess.Popen, str]:
    import requests

    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "mpp_server.cli", "serve", "--database-url", database_url,
            "--port", str(port), "--workers", str(workers), "--log-level", "warning",
        ],
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/api/v1/health", timeout=0.5).ok:
                return proc, url
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def kiosk_settings(data_dir: Path, url: str, token: str, batch_size: int = 200):  # noqa: ANN201
    from kiosk.config import parse_config

    return parse_config(
        {
            "kiosk_id": "bench-rogojampi-1",
            "outpost": "rogojampi",
            "data_dir": str(data_dir),
            "server": {"url": url, "token": token, "batch_size": batch_size},
        }
    )


def _push(data_dir: Path, url: str, token: str, batch_size: int) -> tuple[int, float]:
    from kiosk.bootstrap import build_app
    from sync.client import SyncClient
    from sync.pusher import push_pending

    app = build_app(kiosk_settings(data_dir, url, token, batch_size))
    client = SyncClient(app.settings.server)
    started = time.perf_counter()
    summary = push_pending(app.outbox, client)
    elapsed = time.perf_counter() - started
    client.close()
    app.close()
    if not summary.ok:
        raise RuntimeError(f"push failed: {summary}")
    return summary.accepted, elapsed


def _seed(data_dir: Path, url: str, token: str, count: int) -> None:
    from devtools.backlog import seed_audit_backlog
    from kiosk.bootstrap import build_app

    app = build_app(kiosk_settings(data_dir, url, token))
    seed_audit_backlog(app.store.engine, count)
    app.close()


def _rss_child(argv: list[str]) -> None:
    data_dir, url, token = Path(argv[0]), argv[1], argv[2]
    accepted, _elapsed = _push(data_dir, url, token, 200)
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.write(f"{accepted} {peak_kb}\n")


def pusher_peak_rss_mb(root: Path, url: str, token: str, count: int) -> float:
    data_dir = root / f"rss-{count}"
    _seed(data_dir, url, token, count)
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.sync", "--rss-child", str(data_dir), url, token],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    if int(out[0]) != count:
        raise RuntimeError(f"the pusher sent {out[0]} of {count}")
    return int(out[1]) / 1024


def main(argv: list[str]) -> None:
    if argv[:1] == ["--rss-child"]:
        _rss_child(argv[1:])
        return
    parser = argparse.ArgumentParser(prog="python -m benchmarks sync")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--no-rss", action="store_true")
    args = parser.parse_args(argv)
    from mpp_server.db import add_kiosk, open_engine

    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'server.db'}"
        engine = open_engine(db_url)
        token = add_kiosk(engine, "bench-rogojampi-1", "rogojampi")
        engine.dispose()
        proc, url = start_server(db_url)
        try:
            batched_dir = root / "batched"
            _seed(batched_dir, url, token, args.records)
            sent, elapsed = _push(batched_dir, url, token, 200)
            batched = sent / elapsed
            emit(BENCH, "batched_records_per_s", batched, "records/s", records=sent, batch=200)
            single_dir = root / "single"
            _seed(single_dir, url, token, args.single)
            sent, elapsed = _push(single_dir, url, token, 1)
            single = sent / elapsed
            emit(BENCH, "single_records_per_s", single, "records/s", records=sent, batch=1)
            emit(BENCH, "batched_vs_single_ratio", batched / single, "x")
            if not args.no_rss:
                small = pusher_peak_rss_mb(root, url, token, 10_000)
                emit(BENCH, "pusher_rss_10k_mb", small, "MB")
                big = pusher_peak_rss_mb(root, url, token, args.big)
                emit(BENCH, "pusher_rss_100k_mb", big, "MB", records=args.big)
                emit(BENCH, "pusher_rss_100k_vs_10k_ratio", big / small, "x")
        finally:
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main(sys.argv[1:])
