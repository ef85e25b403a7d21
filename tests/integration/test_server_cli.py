"""``mpp-server add-kiosk`` and ``serve`` as an operator runs them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.integration.conftest import free_port, wait_healthy


def test_add_kiosk_prints_a_token_once_and_stores_only_its_hash(tmp_path: Path):
    db = tmp_path / "server.db"
    url = f"sqlite:///{db}"
    done = subprocess.run(
        [sys.executable, "-m", "mpp_server.cli", "add-kiosk", "k-genteng-1", "--outpost",
         "genteng", "--database-url", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    token = done.stdout.strip()
    assert len(token) >= 40 and "not shown again" in done.stderr
    assert token.encode() not in db.read_bytes()

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mpp_server.cli", "serve", "--database-url", url, "--port",
         str(port), "--log-level", "warning"],
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base, proc=server)
        answer = requests.get(
            base + "/api/v1/kiosks/me/summary", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.json() == {"kiosk_id": "k-genteng-1", "count": 0, "digest": "0" * 64}
    finally:
        server.terminate()
        server.wait(10)
