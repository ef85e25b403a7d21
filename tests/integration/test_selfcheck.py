"""`kiosk --demo --self-check` from the installed entry point: store, catalogue, printing, UI."""

from __future__ import annotations

import os
import subprocess
import sys


def _demo(module: str, *args: str, home) -> subprocess.CompletedProcess:  # noqa: ANN001
    """``python -m module --demo args``, headless, with the demo's files under ``home``."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(home))
    return subprocess.run(
        [sys.executable, "-m", module, "--demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_self_check_passes_headless(tmp_path):
    result = _demo("kiosk", "--self-check", home=tmp_path)
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


def test_a_damaged_answers_key_stops_start_up_with_words_and_is_kept(tmp_path):
    first = _demo("kiosk", "--self-check", home=tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    key = tmp_path / "demo" / "data" / "keys" / "answers.key"
    key.write_bytes(b"cut short")  # e.g. a restore that went wrong
    for module, *args in (["kiosk", "--self-check"], ["kiosk.sync_cli", "status"]):
        done = _demo(module, *args, home=tmp_path)
        assert done.returncode != 0, module
        assert "answers key" in done.stderr and "damaged" in done.stderr, done.stderr[-2000:]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        assert key.read_bytes() == b"cut short"  # never replaced by a new key
