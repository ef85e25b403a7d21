"""The real server on loopback and kiosks that push to it: reused from the integration tests."""

from __future__ import annotations

from tests.integration.conftest import (  # noqa: F401 - fixtures, registered by import
    ServerProcess,
    free_port,
    kiosk_factory,
    make_kiosk,
    server,
    server_db_url,
    wait_healthy,
)
