"""The kiosk tells systemd it is up (READY=1) when Home is first on the screen, and ends
cleanly on SIGTERM, as ``systemctl stop`` sends it (docs/deploy-linux.md, Type=notify)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from devtools.ready import start_until_ready
from kiosk.config import demo_config_text


def test_home_on_screen_is_reported_to_systemd_and_sigterm_ends_it(tmp_path: Path):
    config = tmp_path / "kiosk.toml"
    config.write_text(demo_config_text(tmp_path / "data"), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")

    started = start_until_ready(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--windowed"], env=env
    )
    code, _stdout, stderr = started.stop()

    assert started.status == "Home on screen, 1366x768"
    assert code == 0, stderr[-3000:]
    assert "Home on screen" in stderr  # the log says it too
