"""The real server on loopback and kiosks that push to it: reused from the integration tests."""

from __future__ import annotations

import pytest

from tests.integration.conftest import (  # noqa: F401 - fixtures, registered by import
    ServerProcess,
    free_port,
    kiosk_factory,
    make_kiosk,
    server,
    server_db_url,
    wait_healthy,
)

# the checks shared with the benchmark are plain asserts: rewritten, a failure shows its values
pytest.register_assert_rewrite("devtools.crash_harness", "devtools.server_attacks")
