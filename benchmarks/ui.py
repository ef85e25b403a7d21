"""``python -m benchmarks ui``: start-up, memory, tap-to-ticket and event-loop stalls.

- ``cold_start_s``: median of 5 fresh processes, from spawn to the first painted Home
  (offscreen), with ``cold_start_vs_bare_ratio`` against a bare PySide6 window.
- ``idle_rss_mb``: peak RSS of a kiosk process idling at Home.
- ``tap_to_ticket_p95_ms``: notice accepted ("submit") -> success screen shown and painted.
- ``max_ui_stall_ms``: the longest gap of a 5 ms heartbeat while a receipt prints and,
  when the sync worker is available, 10,000 outbox records are pushed to a local server.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import emit, percentile

BENCH = "ui"
STARTS = 5
TAPS = 20
# A bare window that says READY=1 on its first paint, as the kiosk does for Home.
_BARE = """
import sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel
from kiosk.service_manager import notify
app = QApplication(sys.argv[:1])
class Probe(QObject):
    def eventFilter(self, w, e):
        if e.type() == QEvent.Type.Paint:
            w.removeEventFilter(self)
            notify("READY=1")
        return False
label = QLabel("PPP Kiosk")
probe = Probe()
label.installEventFilter(probe)
label.resize(1920, 1080)
label.show()
app.exec()
"""
_KIOSK = """
import resource, sys
from kiosk.__main__ import main
code = main(["--config", sys.argv[1], "--windowed"])
print(f"peak-rss-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
raise SystemExit(code)
"""


def _config(folder: Path) -> Path:
    from kiosk.config import demo_config_text

    path = folder / "kiosk.toml"
    path.write_text(demo_config_text(folder / "data"), encoding="utf-8")
    return path


def _env() -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


def _start(code: str, *args: str) -> float:
    """Seconds from spawn to READY=1 (Home's first paint); then stopped as systemd would."""
    from devtools.ready import start_until_ready

    started = start_until_ready([sys.executable, "-c", code, *args], env=_env())
    started.stop()
    return started.ready_after_s


def cold_start(folder: Path) -> None:
    config = _config(folder)
    _start(_KIOSK, str(config))  # creates and migrates the database once, not measured
    kiosk = [_start(_KIOSK, str(config)) for _ in range(STARTS)]
    bare = [_start(_BARE) for _ in range(STARTS)]
    kiosk_s, bare_s = statistics.median(kiosk), statistics.median(bare)
    emit(BENCH, "cold_start_s", kiosk_s, "s", runs=STARTS)
    emit(BENCH, "cold_start_vs_bare_ratio", kiosk_s / bare_s, "ratio", bare_s=round(bare_s, 4))


def idle_rss(folder: Path) -> None:
    from devtools.ready import start_until_ready

    config = _config(folder)
    started = start_until_ready([sys.executable, "-c", _KIOSK, str(config)], env=_env())
    time.sleep(3)  # idle at Home
    _code, stdout, stderr = started.stop()
    line = next((x for x in stdout.splitlines() if x.startswith("peak-rss-kb")), None)
    if line is None:
        raise RuntimeError(stderr[-2000:])
    emit(BENCH, "idle_rss_mb", int(line.split()[1]) / 1024, "MB", idle_s=3)


def _window(folder: Path, server: tuple[str, str] | None = None):  # noqa: ANN202
    from kiosk.bootstrap import build_app
    from kiosk.config import load_config
    from kiosk.ui.app import MainWindow, ensure_qapp

    ensure_qapp()
    settings = load_config(_config(folder))
    if server is not None:
        url, token = server
        settings = settings.model_copy(
            update={
                "kiosk_id": "bench-rogojampi-1",
                "server": settings.server.model_copy(update={"url": url, "token": token}),
            }
        )
    app = build_app(settings)
    window = MainWindow(app, refresh_queue=False)
    window.resize(1920, 1080)
    window.show()
    _idle(2.5)  # a kiosk waits at Home before its first resident: let start-up work finish
    return app, window


def _idle(seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.tasks import wait_for_tasks

    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        QApplication.processEvents()
        time.sleep(0.005)
    wait_for_tasks()
    QApplication.processEvents()


class Heartbeat:
    """A 5 ms timer on the GUI thread: each gap between two beats (ms) is how long the thread
    was kept from its event loop, so the longest gap is the worst stall a resident could feel.
    Build it after the QApplication; beats count only while the caller processes events."""

    def __init__(self, interval_ms: int = 5) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self._last = now

    def start(self) -> None:
        self._timer.start()
        self.restart()

    def restart(self) -> None:
        """Forget the gaps so far: what follows is measured on its own."""
        self.gaps.clear()
        self._last = time.perf_counter()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def worst_ms(self) -> float:
        return max(self.gaps) if self.gaps else 0.0


def _fill(window) -> None:  # noqa: ANN001
    from devtools.screenshots import _fill

    _fill(window.form_screen)


def tap_to_ticket(folder: Path) -> None:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.tasks import wait_for_tasks

    app, window = _window(folder)
    service = next(s for s in app.catalogue.services if s.form_id)
    samples: list[float] = []
    try:
        for _ in range(TAPS + 2):
            window.start_form(service.code)
            _fill(window)
            window.show_screen(window.notice)
            QApplication.processEvents()
            started = time.perf_counter()
            window.notice.accept_button.click()
            while window.current_screen() is not window.success:
                QApplication.processEvents()
                if time.perf_counter() - started > 10:
                    raise RuntimeError("no success screen: " + window.overlay.text.text())
            window.success.repaint()  # the receipt on screen, painted
            samples.append((time.perf_counter() - started) * 1000)
            wait_for_tasks()
            QApplication.processEvents()
            window.reset_to_home()
        samples = samples[2:]  # the first submits warm the caches
        emit(BENCH, "tap_to_ticket_p95_ms", percentile(samples, 95), "ms", runs=len(samples))
    finally:
        window.close()
        wait_for_tasks()
        app.close()


def ui_stall(folder: Path) -> None:
    """A 5 ms heartbeat on the GUI thread while a receipt prints and 10,000 records sync."""
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.tasks import run_task, wait_for_tasks

    server = _sync_server(folder)
    app, window = _window(folder, server[1:] if server else None)
    heart = Heartbeat()
    ran = ["submit", "receipt_pdf_print"]
    pending = [0]
    outcome: list[object] = []

    def finished(result, error) -> None:  # noqa: ANN001
        pending[0] -= 1
        outcome.append(error or result)

    try:
        service = next(s for s in app.catalogue.services if s.form_id)
        window.start_form(service.code)
        _fill(window)
        window.show_screen(window.notice)
        job = _sync_job(app) if server else None
        QApplication.processEvents()
        heart.start()
        if job is not None:
            ran.append("sync_push_10000_records")
            pending[0] += 1
            run_task(job, finished, kind="io")
        window.notice.accept_button.click()  # submit, then print through run_task("io")
        deadline = time.perf_counter() + 300
        while time.perf_counter() < deadline and (
            pending[0]
            or window.current_screen() is not window.success
            or window.success._print_state == "printing"
        ):
            QApplication.processEvents()
            time.sleep(0.001)
        heart.stop()
        emit(
            BENCH, "max_ui_stall_ms", heart.worst_ms, "ms",
            ran=ran, heartbeats=len(heart.gaps), sync_result=str(outcome[:1])[:120],
        )  # fmt: skip
    finally:
        window.close()
        wait_for_tasks(60_000)
        app.close()
        if server:
            server[0].terminate()
            server[0].wait(10)


def _sync_server(folder: Path):  # noqa: ANN202
    """The reference server on loopback with one kiosk token, if the server is installed."""
    try:
        from benchmarks.sync import start_server
        from mpp_server.db import add_kiosk, open_engine
    except ImportError:
        return None
    db_url = f"sqlite:///{folder / 'server.db'}"
    engine = open_engine(db_url)
    token = add_kiosk(engine, "bench-rogojampi-1", "rogojampi")
    engine.dispose()
    proc, url = start_server(db_url)
    return proc, url, token


def _sync_job(app):  # noqa: ANN001, ANN202
    from devtools.backlog import seed_audit_backlog
    from sync.client import SyncClient
    from sync.pusher import push_pending

    seed_audit_backlog(app.store.engine, 10_000)

    def push() -> object:
        client = SyncClient(app.settings.server)
        try:
            return push_pending(app.outbox, client)
        finally:
            client.close()

    return push


def main(argv: list[str]) -> None:
    # headless, as the subprocess measurements are, even where a display or xcb is present
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, step in (
            ("start", cold_start),
            ("rss", idle_rss),
            ("tap", tap_to_ticket),
            ("stall", ui_stall),
        ):
            folder = root / name
            folder.mkdir()
            step(folder)


if __name__ == "__main__":
    main(sys.argv[1:])
