"""The outpost LAN service for tests: the real ``kiosk --lan-service`` process on a free
loopback port, over a temporary SQLite store with the demo operators and a few waiting
tickets. Shared by tests/lan (the API) and tests/web (the pages in a real browser)::

    from tests.lan_fixtures import lan_service  # noqa: F401 - a fixture

    def test_something(lan_service):
        httpx.get(lan_service.url + "/api/counters")
        lan_service.restart()
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from devtools.loopback import free_port, stop_process, wait_healthy
from kiosk.__main__ import DEMO_ADMIN_PIN, DEMO_OPERATOR_PIN

OPERATOR_PIN = DEMO_OPERATOR_PIN
ADMIN_PIN = DEMO_ADMIN_PIN
WAITING = {"KTP_BARU": 3, "KK_BARU": 2, "LEGALISIR": 2}
"""Tickets waiting when the service starts, per service."""
ROOT = Path(__file__).resolve().parents[1]


def lan_config_text(data_dir: Path, port: int, extra: str = "") -> str:
    from kiosk.config import demo_config_text

    return (
        demo_config_text(data_dir)
        + f'\n[lan]\nbind = "127.0.0.1"\nport = {port}\n'
        + 'allowed_subnets = ["127.0.0.0/8", "::1/128"]\n'
        + extra
    )


@dataclass
class LanService:
    """A running LAN service process; ``kiosk`` is the same store opened in the test."""

    config: Path
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), **self.extra_env)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kiosk", "--lan-service", "--config", str(self.config)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=out,
            )
        self.starts += 1
        try:
            wait_healthy(self.url, timeout, self.process, path="/api/counters")
        except RuntimeError as exc:
            raise RuntimeError(f"the LAN service: {exc}: {self.log.read_text()[-3000:]}") from exc

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)
        self.process = None

    def kill(self) -> None:
        """As a crash: no goodbye to any stream."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


def prepare_store(folder: Path, port: int, extra_config: str = "") -> Path:
    """A kiosk config and store: demo operators, and ``WAITING`` tickets issued."""
    from kiosk.__main__ import seed_demo_operators
    from kiosk.bootstrap import build_app
    from kiosk.config import load_config
    from kiosk.usecases import issue_ticket

    config = folder / "kiosk.toml"
    config.write_text(lan_config_text(folder / "data", port, extra_config), encoding="utf-8")
    app = build_app(load_config(config))
    try:
        seed_demo_operators(app)
        for code, count in WAITING.items():
            for _ in range(count):
                issue_ticket(app.context, code)
    finally:
        app.close()
    return config


@pytest.fixture
def lan_service(tmp_path: Path) -> Iterator[LanService]:
    port = free_port()
    config = prepare_store(tmp_path, port)
    service = LanService(config=config, port=port, log=tmp_path / "lan-service.log")
    service.start()
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def lan_kiosk(lan_service: LanService) -> Iterator:
    """The same store as ``lan_service``, opened in the test: the touchscreen's side."""
    from kiosk.bootstrap import build_app
    from kiosk.config import load_config

    app = build_app(load_config(lan_service.config))
    try:
        yield app
    finally:
        app.close()


def sign_in(client: httpx.Client, pin: str = OPERATOR_PIN, device: str = "test-device-1") -> str:
    """Sign ``client`` in; returns the CSRF token (the cookie stays in the client)."""
    answer = client.post("/api/session", json={"pin": pin, "device": device})
    assert answer.status_code == 200, answer.text
    return answer.json()["csrf"]


@dataclass(frozen=True)
class SseEvent:
    event: str
    data: dict
    id: str | None


def sse_events(response: httpx.Response) -> Iterator[SseEvent]:
    """The events of a ``text/event-stream`` answer read with httpx streaming, as a browser's
    EventSource parses them (comment lines such as ``: ping`` are skipped)."""
    import json

    event, data, seq = "message", [], None
    for line in response.iter_lines():
        if line == "":
            if data:
                yield SseEvent(event, json.loads("\n".join(data)), seq)
            event, data, seq = "message", [], None
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
            elif name == "id":
                seq = value
