"""Nothing lost under kill -9: a driver submitting while it is killed at random moments."""

from __future__ import annotations

import random

import pytest

from devtools.crash_harness import check_database, run_until_killed

KILLS = 50
TARGET = 1000


@pytest.mark.slow
def test_submissions_survive_fifty_kills(tmp_path):
    rng = random.Random(20261128)
    data_dir = tmp_path / "data"
    shown: list[list[str]] = []
    kills = 0
    while kills < KILLS or len(shown) < TARGET:
        shown += run_until_killed(data_dir, rng)
        kills += 1
        check_database(data_dir / "kiosk.db", shown)
        assert kills < 400, "the driver makes no progress"
    assert kills >= KILLS and len(shown) >= TARGET
