"""The GUI's keeper of the LAN service process: started with the kiosk, started again if
it dies, stopped with the kiosk (docs/decisions.md, "The outpost LAN service").

The service runs in a process of its own so that nothing it does (a dozen consoles, the
hall's streams, a page's burst of requests) can hold the touchscreen's GIL: the resident's
screen never waits for the LAN. Both processes share the SQLite file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from kiosk.lan.service import EXIT_PORT_TAKEN, EXIT_TLS

log = logging.getLogger(__name__)

GIVE_UP_CODES = {
    2: "the configuration",
    3: "the data",
    EXIT_PORT_TAKEN: "the port",
    EXIT_TLS: "TLS",
}
"""Exit codes that a restart cannot mend: the kiosk goes on without the LAN."""
BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


def lan_service_command(config: Path, *, demo: bool) -> list[str]:
    """``kiosk --lan-service``: the bundle's own executable when frozen, else this Python."""
    head = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "kiosk"]
    where = ["--demo"] if demo else ["--config", str(config)]
    return [*head, "--lan-service", *where, "--parent-pid", str(os.getpid())]


class LanSupervisor:
    def __init__(self, command: list[str], *, env: dict[str, str] | None = None) -> None:
        self._command = command
        self._env = env
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self.starts = 0
        self.gave_up: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._keep, name="lan-supervisor", daemon=True)
        self._thread.start()

    @property
    def pid(self) -> int | None:
        with self._lock:
            return self._process.pid if self._process is not None else None

    def _keep(self) -> None:
        failures = 0
        while not self._stop.is_set():
            with self._lock:
                if self._stop.is_set():
                    return
                try:
                    self._process = subprocess.Popen(
                        self._command, stdin=subprocess.DEVNULL, env=self._env
                    )
                except OSError:
                    log.exception("the LAN service could not be started")
                    self.gave_up = "start"
                    return
                self.starts += 1
                process = self._process
            code = process.wait()
            if self._stop.is_set():
                return
            if code in GIVE_UP_CODES:
                self.gave_up = GIVE_UP_CODES[code]
                log.error(
                    "the LAN service cannot run (%s, exit %d); the kiosk goes on without it",
                    self.gave_up,
                    code,
                )
                return
            failures = failures + 1 if code != 0 else 0
            delay = BACKOFF_S[min(failures, len(BACKOFF_S) - 1)]
            log.warning("the LAN service ended (exit %s); starting it again in %.0f s", code, delay)
            if self._stop.wait(delay):
                return

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the service (SIGTERM, then kill) and the keeper."""
        self._stop.set()
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if self._thread is not None:
            self._thread.join(timeout)
