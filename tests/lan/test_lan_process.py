"""The LAN service as the kiosk runs it: ``kiosk --lan-service`` in a process of its own,
kept alive by the GUI's supervisor, and a port taken by another program."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from kiosk.lan.service import EXIT_PORT_TAKEN
from kiosk.lan.supervisor import LanSupervisor
from tests.lan_fixtures import ROOT, free_port, prepare_store


def _command(config: Path) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--lan-service", "--config", str(config)]


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT))


def _ready(url: str, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/counters", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.1)
    return False


def test_a_taken_port_is_one_clear_line_and_no_lan(tmp_path: Path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        config = prepare_store(tmp_path, port)
        done = subprocess.run(
            _command(config), cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=60
        )
    assert done.returncode == EXIT_PORT_TAKEN
    assert f"port {port} on 127.0.0.1 is taken by another program" in done.stderr
    assert "runs without the LAN" in done.stderr
    assert "Traceback" not in done.stderr

    keeper = LanSupervisor(_command(config), env=_env())
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", port))
        holder.listen()
        keeper.start()
        deadline = time.monotonic() + 60
        while keeper.gave_up is None and time.monotonic() < deadline:
            time.sleep(0.1)
    keeper.stop()
    assert keeper.gave_up == "the port" and keeper.starts == 1  # not started over and over


def test_the_supervisor_starts_the_service_again_when_it_dies_and_stops_it(tmp_path: Path):
    port = free_port()
    config = prepare_store(tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    keeper = LanSupervisor(_command(config), env=_env())
    keeper.start()
    try:
        assert _ready(url)
        first = keeper.pid
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while keeper.pid in (None, first) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert keeper.pid not in (None, first)
        assert _ready(url)
        assert keeper.starts == 2
    finally:
        keeper.stop()
    with pytest.raises(httpx.TransportError):  # stopped with the kiosk: nothing answers
        httpx.get(url + "/api/counters", timeout=1)
