"""A newcomer's first ``kiosk --self-check`` creates the database without a screenful of
Alembic's migration steps on the terminal; the steps stay in the kiosk's log file."""

from __future__ import annotations

import os
import subprocess
import sys


def test_first_self_check_keeps_alembic_off_the_terminal(tmp_path):
    config = tmp_path / "kiosk.toml"
    data = tmp_path / "data"
    config.write_text(
        f'kiosk_id = "rgj-1"\noutpost = "rogojampi"\ndata_dir = "{data.as_posix()}"\n',
        encoding="utf-8",
    )
    assert not data.exists()  # a fresh data dir: the first start migrates the new database

    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--self-check"],
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "self-check ok" in result.stdout
    for line in (result.stdout + result.stderr).splitlines():
        assert "alembic" not in line.lower() and "Running upgrade" not in line, line
    log = (data / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "Running upgrade" in log  # kept where an admin looking into the start finds it
