"""`kiosk --self-check` says whether the data folder is on an encrypted volume, and only warns."""

from __future__ import annotations

import os
import subprocess
import sys


def test_self_check_says_whether_the_data_folder_is_encrypted_and_still_passes(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(tmp_path))

    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--demo", "--self-check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    data = str(tmp_path / "demo" / "data")
    (line,) = [
        line
        for line in done.stdout.splitlines()
        if line.startswith(("disk encryption:", "warning:")) and "encrypted volume" in line
    ]
    assert data in line
    assert done.stdout.splitlines()[-1].startswith("self-check ok")
