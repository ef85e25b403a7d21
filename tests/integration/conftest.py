"""The real reference server on loopback, and kiosks that push to it.

``server`` runs ``mpp_server`` in a subprocess (so a test can SIGKILL and restart it);
``faulty_server`` runs it in a thread behind a small fault-injecting ASGI layer (429,
503, captive-portal HTML ...) for the client's error handling.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.loopback import free_port, wait_healthy
from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import parse_config
from mpp_server.db import add_kiosk, open_engine

LEGALISIR_ANSWERS = {
    "nik": "3510091203850001",
    "nama": "Budi Santoso",
    "dokumen": ["kk"],
    "jumlah_lembar": 2,
    "telepon": "081234567890",
    "persetujuan": True,
}

_SERVER_SCRIPT = """
import os, sys, time
import uvicorn
from mpp_server.app import ServerHooks, create_app

url, port = sys.argv[1], int(sys.argv[2])
exit_after = int(os.environ.get("MPP_TEST_EXIT_AFTER_COMMITS", "0"))
sleep_after = float(os.environ.get("MPP_TEST_SLEEP_AFTER_COMMIT", "0"))
commits = 0

def after_commit(n):
    global commits
    commits += 1
    if exit_after and commits >= exit_after:
        os._exit(9)  # the batch is committed; the answer is never sent
    if sleep_after:
        time.sleep(sleep_after)

app = create_app(url, hooks=ServerHooks(after_commit=after_commit))
uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
"""


class ServerProcess:
    """mpp_server in a child process on a fixed loopback port; kill -9 and restart at will."""

    def __init__(self, database_url: str, port: int | None = None) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self, **env: str) -> ServerProcess:
        child_env = {**os.environ, **env}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SERVER_SCRIPT, self.database_url, str(self.port)],
            env=child_env,
        )
        wait_healthy(self.url, proc=self.proc)
        return self

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(10)

    def restart(self, **env: str) -> ServerProcess:
        self.kill()
        return self.start(**env)

    def add_kiosk(self, kiosk_id: str, outpost: str = "rogojampi") -> str:
        engine = open_engine(self.database_url)
        try:
            return add_kiosk(engine, kiosk_id, outpost)
        finally:
            engine.dispose()

    def stored_ids(self) -> list[str]:
        from sqlalchemy import select

        from mpp_server.models import StoredRecord

        engine = open_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return list(connection.scalars(select(StoredRecord.id)))
        finally:
            engine.dispose()


class Faults:
    """What the fault layer does to the next requests to /api/v1/records:batch.

    Models what reaches a kiosk from a sick server or from what stands between: a 5xx or
    429 with ``Retry-After`` as RFC 9110 §10.2.3 defines it, a captive portal's 200 HTML page
    or 302 (the pages village Wi-Fi serves before a login), a truncated or non-protocol body.
    Every other request goes to the real reference server behind it.
    """

    def __init__(self) -> None:
        self.queue: deque[tuple[int, dict[str, str], bytes, str]] = deque()
        self.seen = 0

    def answer(
        self,
        status: int,
        body: bytes = b"",
        *,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
        times: int = 1,
    ) -> None:
        for _ in range(times):
            self.queue.append((status, headers or {}, body, content_type))


class _FaultLayer:
    def __init__(self, app: Any, faults: Faults) -> None:
        self.app, self.faults = app, faults

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].endswith("records:batch"):
            self.faults.seen += 1
            if self.faults.queue:
                status, headers, body, content_type = self.faults.queue.popleft()
                raw = [(b"content-type", content_type.encode())]
                raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
                raw.append((b"content-length", str(len(body)).encode()))
                await send({"type": "http.response.start", "status": status, "headers": raw})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


class ThreadServer:
    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", access_log=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> ThreadServer:
        self.thread.start()
        wait_healthy(self.url)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def server_db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.db'}"


@pytest.fixture
def server(server_db_url: str) -> Iterator[ServerProcess]:
    process = ServerProcess(server_db_url)
    process.start()
    yield process
    process.kill()


@pytest.fixture
def faulty_server(server_db_url: str) -> Iterator[tuple[ThreadServer, Faults, Any]]:
    from mpp_server.app import create_app

    app = create_app(server_db_url)
    faults = Faults()
    running = ThreadServer(_FaultLayer(app, faults)).start()
    yield running, faults, app.state.engine
    running.stop()
    app.state.engine.dispose()


def make_kiosk(
    data_dir: Path,
    url: str,
    token: str,
    *,
    kiosk_id: str = "k-rogojampi-1",
    batch_size: int = 200,
    read_timeout_s: float = 10.0,
) -> KioskApp:
    settings = parse_config(
        {
            "kiosk_id": kiosk_id,
            "outpost": "rogojampi",
            "data_dir": str(data_dir),
            "server": {
                "url": url,
                "token": token,
                "batch_size": batch_size,
                "connect_timeout_s": 2.0,
                "read_timeout_s": read_timeout_s,
            },
        }
    )
    return build_app(settings)


@pytest.fixture
def kiosk_factory(tmp_path: Path) -> Iterator[Any]:
    apps: list[KioskApp] = []

    def factory(url: str, token: str, name: str = "kiosk", **kwargs: Any) -> KioskApp:
        app = make_kiosk(tmp_path / name, url, token, **kwargs)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.close()


def _fresh_postgres_database(base_url: str) -> tuple[str, Any]:
    """A new empty database on the test cluster; returns its URL and a drop function."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"mpp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The server's database: SQLite always, PostgreSQL when MPP_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    base = os.environ.get("MPP_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("MPP_TEST_POSTGRES_URL is not set")
    url, drop = _fresh_postgres_database(base)
    yield url
    drop()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = os.environ.get("MPP_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("MPP_TEST_POSTGRES_URL is not set")
    url, drop = _fresh_postgres_database(base)
    yield url
    drop()
