"""A ``SyncClient`` for tests against the real server on loopback: the server's settings as a
plain dataclass (``sync.client.ServerConfig``, no kiosk config), a quick backoff and no real
sleeping between retries, so a test of the loop or the feed runs in milliseconds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync.backoff import Backoff
from sync.client import SyncClient


@dataclass(frozen=True)
class Server:
    url: str
    token: str
    ca_bundle: Path | None = None
    connect_timeout_s: float = 2.0
    read_timeout_s: float = 10.0


def client(url: str, token: str) -> SyncClient:
    return SyncClient(
        Server(url, token), backoff=Backoff(base_s=0.01, ceiling_s=1), sleep=lambda _s: None
    )
