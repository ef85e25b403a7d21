"""`kiosk --demo --self-check` from the installed entry point: store, catalogue, printing, UI."""

from __future__ import annotations

import os
import subprocess
import sys


def test_demo_self_check_passes_headless(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--demo", "--self-check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "self-check ok" in result.stdout
    assert (tmp_path / "demo" / "data" / "kiosk.db").exists()


def test_bad_config_stops_start_up_naming_the_key(tmp_path):
    config = tmp_path / "kiosk.toml"
    config.write_text('kiosk_id = "x"\noutpost = "jember"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--self-check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "outpost" in result.stderr and "rogojampi" in result.stderr
