"""Start the kiosk as systemd would with ``Type=notify`` and time it until ``READY=1``.

The kiosk sends ``READY=1`` and ``STATUS=Home on screen, WxH`` to ``$NOTIFY_SOCKET`` when Home
first paints (``kiosk.service_manager``; the protocol is sd_notify(3)'s: one datagram of
``KEY=value`` lines on a Unix socket). This module plays the service manager's part for the
start-up benchmarks and the bundle's tests: it listens on such a socket, starts the process,
and stops it with SIGTERM, as ``systemctl stop`` does, when asked.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO


class NeverReady(RuntimeError):
    """The process ended, or the time ran out, before it said READY=1."""


@dataclass
class Started:
    process: subprocess.Popen[bytes]
    ready_after_s: float
    """From just before the process was spawned to the READY=1 datagram."""
    status: str
    """The STATUS= line sent with READY=1 ("Home on screen, 1920x1080")."""
    output: tuple[IO[bytes], IO[bytes]]

    def stop(self, timeout: float = 30.0) -> tuple[int, str, str]:
        """SIGTERM, as ``systemctl stop`` sends it; returns (exit code, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        return code, *(_read(stream) for stream in self.output)


def _read(stream: IO[bytes]) -> str:
    stream.seek(0)
    text = stream.read().decode("utf-8", "replace")
    stream.close()
    return text


def start_until_ready(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 120.0,
) -> Started:
    """Start ``command`` with ``$NOTIFY_SOCKET`` set and wait for its READY=1."""
    with tempfile.TemporaryDirectory(prefix="ppp-notify-") as folder:
        path = str(Path(folder) / "notify.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.bind(path)
            sock.settimeout(0.2)
            # closed by Started.stop or below: they outlive this function
            output = (tempfile.TemporaryFile(), tempfile.TemporaryFile())  # noqa: SIM115
            started = time.time()
            process = subprocess.Popen(
                list(command),
                env={**(env if env is not None else os.environ), "NOTIFY_SOCKET": path},
                cwd=cwd,
                stdout=output[0],
                stderr=output[1],
            )
            deadline = time.monotonic() + timeout
            while True:
                try:
                    message = sock.recv(4096).decode("utf-8")
                except TimeoutError:
                    message = ""
                lines = dict(line.split("=", 1) for line in message.splitlines() if "=" in line)
                if lines.get("READY") == "1":
                    ready_after = time.time() - started
                    return Started(process, ready_after, lines.get("STATUS", ""), output)
                if process.poll() is not None or time.monotonic() > deadline:
                    if process.poll() is None:
                        process.kill()
                    process.wait()
                    stdout, stderr = (_read(stream) for stream in output)
                    raise NeverReady(
                        f"exit {process.returncode} before READY=1:\n"
                        f"{stdout[-1000:]}\n{stderr[-3000:]}"
                    )
