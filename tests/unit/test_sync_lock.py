"""The push lock: one pusher at a time, and no stale lock after a crash."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sync.lock import PushAlreadyRunning, PushLock

_HOLDER = """
import sys, time
from sync.lock import PushLock
lock = PushLock(sys.argv[1]); lock.acquire()
print("locked", flush=True)
time.sleep(60)
"""


def test_a_second_pusher_in_the_same_process_is_refused(tmp_path: Path):
    with PushLock(tmp_path / "sync.lock"), pytest.raises(PushAlreadyRunning):
        PushLock(tmp_path / "sync.lock").acquire()
    with PushLock(tmp_path / "sync.lock") as again:
        assert again.held


def test_the_lock_does_not_outlive_a_killed_process(tmp_path: Path):
    path = tmp_path / "sync.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(PushAlreadyRunning):
            PushLock(path).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)

    with PushLock(path) as lock:  # the file is still there; the lock is not
        assert lock.held and path.exists()
