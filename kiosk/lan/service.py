"""Running the LAN service: ``kiosk --lan-service`` (a process of its own, started by the GUI).

The service opens the same store as the touchscreen (SQLite in WAL with a busy timeout: one
writer at a time, readers never wait) and serves ``[lan].bind``:``[lan].port`` with uvicorn.
It binds the port itself first, so a port held by another program is one clear line in the
log and exit code ``EXIT_PORT_TAKEN``, after which the kiosk runs without the LAN.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp
    from kiosk.config import LanSettings
    from kiosk.lan.app import LanOptions

log = logging.getLogger(__name__)

EXIT_PORT_TAKEN = 4
"""The port is held by another program: the GUI does not restart the service."""
EXIT_TLS = 5
"""The TLS certificate or key cannot be used: the GUI does not restart the service."""
DEMO_BIND = "127.0.0.1"


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``; OSError (EADDRINUSE) when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def lan_options(lan: LanSettings, *, poll_s: float = 0.1) -> LanOptions:
    from kiosk.lan.app import LanOptions

    return LanOptions(
        tls=lan.tls_cert is not None,
        subnets=tuple(lan.allowed_subnets),
        voice_dir=lan.voice_dir,
        poll_s=poll_s,
    )


def serve(
    kiosk: KioskApp,
    sock: socket.socket,
    *,
    stop: threading.Event | None = None,
    poll_s: float = 0.1,
) -> None:
    """Serve the LAN on ``sock`` until SIGTERM/SIGINT (or ``stop`` is set)."""
    import uvicorn

    from kiosk.lan.app import create_app

    lan = kiosk.settings.lan
    app = create_app(kiosk, lan_options(lan, poll_s=poll_s))

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            app.state.lan.hub.end_streams()  # streams end cleanly, not cut off
            await super().shutdown(sockets)

    config = uvicorn.Config(
        app,
        proxy_headers=False,  # the peer address is the socket's, never X-Forwarded-For
        server_header=False,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_keep_alive=5,
        timeout_graceful_shutdown=1,
        ssl_certfile=str(lan.tls_cert) if lan.tls_cert else None,
        ssl_keyfile=str(lan.tls_key) if lan.tls_key else None,
    )
    server = Server(config)
    if stop is not None:

        def watch() -> None:
            stop.wait()
            server.should_exit = True

        threading.Thread(target=watch, name="lan-stop", daemon=True).start()
    server.run(sockets=[sock])


def _watch_parent(parent_pid: int, stop: threading.Event) -> None:
    """End with the GUI that started this service, even if the GUI was killed."""

    def watch() -> None:
        while not stop.wait(1.0):
            if os.getppid() != parent_pid:
                log.info("the kiosk app is gone: the LAN service stops")
                stop.set()

    threading.Thread(target=watch, name="lan-parent", daemon=True).start()


LAN_NICENESS = 5


def yield_to_the_touchscreen() -> None:
    """Run below the GUI's CPU priority: on a busy kiosk PC the resident's screen is served
    first, and the LAN's pages wait the few milliseconds instead."""
    if hasattr(os, "nice"):
        try:
            os.nice(LAN_NICENESS)
        except OSError:  # not allowed here: run at the same priority
            log.info("the LAN service runs at the GUI's priority")


def run_lan_service(config: Path, *, demo: bool = False, parent_pid: int | None = None) -> int:
    """``kiosk --lan-service``: the exit code (0 after a normal stop)."""
    from kiosk.bootstrap import CannotStart, open_kiosk

    yield_to_the_touchscreen()

    try:
        kiosk = open_kiosk(config)
    except CannotStart as exc:
        sys.stderr.write(f"kiosk LAN service: {exc}\n")
        return exc.kiosk_exit_code
    try:
        if demo:
            from kiosk.__main__ import seed_demo_operators

            seed_demo_operators(kiosk)
        lan = kiosk.settings.lan
        if not lan.enabled:
            log.info("the LAN service is off ([lan].enabled = false)")
            return 0
        if lan.tls_cert is not None and lan.tls_key is not None:
            for path in (lan.tls_cert, lan.tls_key):
                if not path.is_file():
                    log.error(
                        "LAN service: %s cannot be read; the kiosk runs without the LAN", path
                    )
                    return EXIT_TLS
        host = DEMO_BIND if demo else lan.bind
        try:
            sock = bind_socket(host, lan.port)
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                log.error(
                    "LAN service: port %d on %s is taken by another program (%s); the kiosk "
                    "runs without the LAN pages. Free the port or set [lan].port.",
                    lan.port,
                    host,
                    exc.strerror,
                )
                return EXIT_PORT_TAKEN
            raise
        stop = threading.Event()
        if parent_pid is not None:
            _watch_parent(parent_pid, stop)
        scheme = "https" if lan.tls_cert else "http"
        log.info("LAN service on %s://%s:%d (/counter, /display)", scheme, host, lan.port)
        started = time.monotonic()
        serve(kiosk, sock, stop=stop)
        log.info("LAN service stopped after %.0f s", time.monotonic() - started)
        return 0
    finally:
        kiosk.close()
