"""``python -m benchmarks lan``: the outpost LAN under a hall's load, on loopback.

Twelve counter consoles sign in and act (call next, then served) and three hall displays
read the call stream, from a separate load process (they are other machines at an
outpost: their Python must not share the kiosk's GIL). Meanwhile the kiosk's own Qt window
runs offscreen with the LAN bridge polling the call stream, and a 5 ms heartbeat on its GUI
thread measures the longest stall.

- ``call_to_display_p95_ms``: from a console's call-next request being sent to each
  display receiving that call (paced consoles: a press every 0.2-0.6 s each); target 300.
- ``lan_actions_per_s``: call-next + served answered per second, consoles pressing flat out.
- ``lan_ui_stall_ms``: the longest heartbeat gap of the kiosk's GUI thread over both
  phases, with the LAN service in its own process (as the kiosk runs it); target 50.
- ``lan_ui_stall_in_process_ms``: the same, had the service run as a thread of the GUI
  process: the figure behind the process decision (docs/decisions.md).

Each stall line also gives ``same_window_at_rest_ms``: the heartbeat's longest gap over
5 s before the load starts, what the machine itself costs (on a shared, busy machine the
scheduler alone makes gaps). The load process runs at a lower priority (``nice`` +10): at
an outpost the consoles and displays are other devices.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchmarks import emit, percentile

BENCH = "lan"
COUNTERS = [str(n) for n in range(1, 13)]
DISPLAYS = 3
PACED_S = 8.0
FLAT_OUT_S = 5.0
TICKETS_PER_COUNTER = 120
PIN = "246810"
PACE_S = (0.5, 1.5)
"""A paced console's pause after each press: about one action a second per console, some
hundred times an outpost's real pace, and below the store's capacity (``lan_actions_per_s``),
so the latency measured is the path's, not a queue's."""
IDLE_S = 5.0


def _prepare(folder: Path) -> tuple[Path, int]:
    """A kiosk with one operator and a long queue at every counter."""
    from devtools.loopback import free_port
    from kiosk.bootstrap import build_app
    from kiosk.config import demo_config_text, load_config
    from kiosk.usecases import add_operator, issue_ticket

    port = free_port()
    config = folder / "kiosk.toml"
    config.write_text(
        demo_config_text(folder / "data") + f'\n[lan]\nbind = "127.0.0.1"\nport = {port}\n',
        encoding="utf-8",
    )
    app = build_app(load_config(config))
    try:
        add_operator(app.context, "Petugas Bench", "operator", PIN)
        first_service = {}
        for service in app.catalogue.services:
            first_service.setdefault(service.counter, service.code)
        for _ in range(TICKETS_PER_COUNTER):
            for counter in COUNTERS:
                issue_ticket(app.context, first_service[counter])
    finally:
        app.close()
    return config, port


# --- the load: consoles and displays (its own process) ------------------------------------


def _load(url: str) -> dict:
    import httpx

    received: dict[str, list[float]] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def display(index: int) -> None:
        with (
            httpx.Client(base_url=url, timeout=httpx.Timeout(10, read=30)) as client,
            client.stream("GET", "/api/stream") as answer,
        ):
            for line in answer.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("data: ") and '"call_id"' in line:
                    number = json.loads(line[6:])["number"]
                    with lock:
                        received.setdefault(number, []).append(time.perf_counter())

    sent: dict[str, float] = {}
    actions = [0]
    errors = [0]

    def console(counter: str, until: float, paced: bool, rng: random.Random) -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            for _ in range(20):  # twelve sign-ins at once wait for each other's PIN check
                answer = client.post(
                    "/api/session", json={"pin": PIN, "device": f"bench-console-{counter}"}
                )
                if answer.status_code == 200:
                    break
                time.sleep(0.2)
            else:
                raise RuntimeError(f"sign-in failed: {answer.status_code} {answer.text[:200]}")
            headers = {"X-CSRF-Token": answer.json()["csrf"]}
            while time.perf_counter() < until:
                started = time.perf_counter()
                answer = client.post(
                    f"/api/counters/{counter}/call-next",
                    json={"action_id": str(uuid.uuid4())},
                    headers=headers,
                )
                if answer.status_code != 200 or answer.json()["ticket"] is None:
                    errors[0] += 1
                    continue
                ticket = answer.json()["ticket"]
                with lock:
                    sent[ticket["number"]] = started
                    actions[0] += 1
                if paced:
                    time.sleep(rng.uniform(*PACE_S))
                answer = client.post(
                    f"/api/tickets/{ticket['id']}/served",
                    json={"action_id": str(uuid.uuid4())},
                    headers=headers,
                )
                with lock:
                    actions[0] += answer.status_code == 200
                    errors[0] += answer.status_code != 200
                if paced:
                    time.sleep(rng.uniform(*PACE_S))

    readers = [threading.Thread(target=display, args=(i,), daemon=True) for i in range(DISPLAYS)]
    for reader in readers:
        reader.start()
    time.sleep(1.0)  # the displays are connected

    def phase(seconds: float, paced: bool) -> tuple[int, float]:
        before = actions[0]
        until = time.perf_counter() + seconds
        threads = [
            threading.Thread(target=console, args=(c, until, paced, random.Random(n)))
            for n, c in enumerate(COUNTERS)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return actions[0] - before, time.perf_counter() - started

    phase(PACED_S, paced=True)
    time.sleep(1.0)  # the last calls reach the displays
    with lock:
        latencies = [
            (seen - sent[number]) * 1000
            for number, times in received.items()
            if number in sent
            for seen in times
        ]
        missing = sum(DISPLAYS - len(received.get(number, [])) for number in sent)
        paced_calls = len(sent)
    done, seconds = phase(FLAT_OUT_S, paced=False)
    stop.set()
    return {
        "latencies": latencies,
        "paced_calls": paced_calls,
        "missing": missing,
        "actions": done,
        "seconds": seconds,
        "errors": errors[0],
    }


# --- the kiosk's GUI, offscreen, with a heartbeat -------------------------------------------


def _measure(folder: Path, in_process: bool) -> tuple[dict, float]:
    from PySide6.QtWidgets import QApplication

    from benchmarks.ui import Heartbeat
    from devtools.loopback import wait_healthy
    from kiosk.bootstrap import build_app
    from kiosk.config import load_config
    from kiosk.ui.app import MainWindow, ensure_qapp
    from kiosk.ui.lan_bridge import LanBridge, callout_getter
    from kiosk.ui.tasks import wait_for_tasks

    config, port = _prepare(folder)
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    service: subprocess.Popen[bytes] | None = None
    stop = threading.Event()
    server_thread: threading.Thread | None = None
    lan_app = None
    if in_process:
        from kiosk.lan.service import bind_socket, serve

        lan_app = build_app(load_config(config))
        sock = bind_socket("127.0.0.1", port)
        server_thread = threading.Thread(target=serve, args=(lan_app, sock), kwargs={"stop": stop})
        server_thread.start()
    else:
        service = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--lan-service", "--config", str(config)],
            env=env,
            stdin=subprocess.DEVNULL,
        )
    ensure_qapp()
    app = build_app(load_config(config))
    window = MainWindow(app, refresh_queue=False)
    try:
        wait_healthy(url, 30.0, service, path="/api/counters")
        window.resize(1920, 1080)
        window.show()
        counters = app.catalogue.counters()
        callout = callout_getter(counters)
        callout()  # as the kiosk does at start-up
        bridge = LanBridge(app.context, callout)
        bridge.start()
        end = time.perf_counter() + 2.5  # start-up work settles first
        while time.perf_counter() < end:
            QApplication.processEvents()
            time.sleep(0.005)
        heart = Heartbeat()
        heart.start()  # first at rest: what this machine's scheduler costs without the LAN
        end = time.perf_counter() + IDLE_S
        while time.perf_counter() < end:
            QApplication.processEvents()
            time.sleep(0.001)
        idle = heart.worst_ms
        # The consoles and displays are other machines at an outpost: here they run below
        # the kiosk's priority, so that they do not stand for the kiosk's own load.
        nice = ["nice", "-n", "10"] if shutil.which("nice") else []
        load = subprocess.Popen(
            [*nice, sys.executable, "-m", "benchmarks", "lan", "--load", url],
            env=env,
            stdout=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
        )
        heart.restart()
        while load.poll() is None:
            QApplication.processEvents()
            time.sleep(0.001)
        heart.stop()
        bridge.stop()
        output = load.stdout.read().decode() if load.stdout else ""
        if load.returncode != 0:
            raise RuntimeError(f"the load process failed ({load.returncode})")
        result = json.loads(output.strip().splitlines()[-1])
        result["idle_stall_ms"] = round(idle, 2)
        return result, heart.worst_ms
    finally:
        window.close()
        wait_for_tasks(30_000)
        app.close()
        if service is not None:
            service.terminate()
            service.wait(10)
        if server_thread is not None:
            stop.set()
            server_thread.join(10)
        if lan_app is not None:
            lan_app.close()


def main(argv: list[str]) -> None:
    if argv[:1] == ["--load"]:
        sys.stdout.write(json.dumps(_load(argv[1])) + "\n")
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "process").mkdir()
        result, stall = _measure(root / "process", in_process=False)
        latencies = result["latencies"]
        emit(
            BENCH, "call_to_display_p95_ms", percentile(latencies, 95), "ms",
            consoles=len(COUNTERS), displays=DISPLAYS, calls=result["paced_calls"],
            samples=len(latencies), missing=result["missing"],
            p50_ms=round(percentile(latencies, 50), 2),
        )  # fmt: skip
        emit(
            BENCH, "lan_actions_per_s", result["actions"] / result["seconds"], "actions/s",
            consoles=len(COUNTERS), errors=result["errors"],
        )  # fmt: skip
        emit(
            BENCH, "lan_ui_stall_ms", stall, "ms", lan_service="own process",
            same_window_at_rest_ms=result["idle_stall_ms"],
        )  # fmt: skip
        (root / "thread").mkdir()
        result, stall = _measure(root / "thread", in_process=True)
        emit(
            BENCH, "lan_ui_stall_in_process_ms", stall, "ms",
            lan_service="a thread of the GUI process",
            same_window_at_rest_ms=result["idle_stall_ms"],
            call_to_display_p95_ms=round(percentile(result["latencies"], 95), 2),
            lan_actions_per_s=round(result["actions"] / result["seconds"], 1),
        )  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1:])
