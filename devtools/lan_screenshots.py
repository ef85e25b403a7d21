"""``python -m devtools.lan_screenshots [OUTDIR]``: the outpost LAN pages in Debian's chromium.

Renders ``/counter`` (a phone at 390 x 844, 1366 x 768 and 1920 x 1080, in Bahasa Indonesia
and English; the PIN pad, the counter picker, the day report) and ``/display`` (1920 x 1080,
1366 x 768 and 1080 x 1920; and a TV that refuses sound until a tap) to
``OUTDIR/lan-*.png`` (default ``docs/screenshots``). The pages are the real ones, served by the
real LAN service (``kiosk --lan-service``) on a free loopback port over a throw-away demo
store: a morning's tickets at the twelve counters, several of them already called.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from devtools.loopback import free_port, stop_process, wait_healthy

ROOT = Path(__file__).resolve().parents[1]
COUNTER_SIZES = ((390, 844, True), (1366, 768, False), (1920, 1080, False))
DISPLAY_SIZES = ((1920, 1080), (1366, 768), (1080, 1920))
DEVICE = "screenshots-desk"


def _demo_store(folder: Path, port: int) -> Path:
    """A demo config with the LAN on loopback, the demo operators, a morning's tickets."""
    from kiosk.__main__ import seed_demo_operators
    from kiosk.bootstrap import build_app
    from kiosk.config import demo_config_text, load_config
    from kiosk.usecases import issue_ticket

    config = folder / "kiosk.toml"
    config.write_text(
        demo_config_text(folder / "data")
        + f'\n[lan]\nbind = "127.0.0.1"\nport = {port}\nallowed_subnets = ["127.0.0.0/8"]\n',
        encoding="utf-8",
    )
    app = build_app(load_config(config))
    try:
        seed_demo_operators(app)
        for index, service in enumerate(app.catalogue.services):
            for _ in range(2 + index % 3):
                issue_ticket(app.context, service.code)
    finally:
        app.close()
    return config


def _start_service(config: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--lan-service", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=out,
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", 60, process, path="/api/counters")
    except RuntimeError as exc:
        stop_process(process)
        ended = log.read_text()[-2000:]
        raise SystemExit(f"the LAN service did not start ({exc}): {ended}") from exc
    return process


def _morning(base: str) -> None:
    """Calls at most counters, one served, so the board and the lists look like a day's work."""
    from kiosk.__main__ import DEMO_OPERATOR_PIN

    with httpx.Client(base_url=base, timeout=10) as client:
        csrf = client.post("/api/session", json={"pin": DEMO_OPERATOR_PIN, "device": DEVICE})
        headers = {"X-CSRF-Token": csrf.json()["csrf"]}

        def call(counter: str, allow_second: bool = False) -> dict | None:
            answer = client.post(
                f"/api/counters/{counter}/call-next",
                json={"action_id": os.urandom(8).hex(), "allow_second": allow_second},
                headers=headers,
            )
            return answer.json().get("ticket") if answer.status_code == 200 else None

        first = call("1")
        if first is not None:
            client.post(
                f"/api/tickets/{first['id']}/served",
                json={"action_id": os.urandom(8).hex()},
                headers=headers,
            )
        for counter in ("1", "2", "4", "5", "6", "7", "8", "9", "10", "12"):
            call(counter)


def _call(base: str, counter: str) -> None:
    from kiosk.__main__ import DEMO_OPERATOR_PIN

    with httpx.Client(base_url=base, timeout=10) as client:
        csrf = client.post("/api/session", json={"pin": DEMO_OPERATOR_PIN, "device": DEVICE})
        client.post(
            f"/api/counters/{counter}/call-next",
            json={"action_id": os.urandom(8).hex(), "allow_second": False},
            headers={"X-CSRF-Token": csrf.json()["csrf"]},
        )


def _chromium(profile: Path, *, autoplay: bool = True):  # noqa: ANN202 - a Chrome driver
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver is None:
        raise SystemExit("needs Debian's chromium and chromium-driver")
    options = Options()
    options.binary_location = chromium
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--mute-audio",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--window-size=1920,1080",
        "--lang=id",
    ):
        options.add_argument(flag)
    if autoplay:  # as the hall TV's start command in docs/operator-guide.md
        options.add_argument("--autoplay-policy=no-user-gesture-required")
    return webdriver.Chrome(service=Service(driver), options=options)


def _size(driver, width: int, height: int, mobile: bool = False) -> None:  # noqa: ANN001
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )
    time.sleep(0.4)  # a layout pass, and the page's own resize handling


def _shoot(driver, outdir: Path, name: str, sizes) -> list[Path]:  # noqa: ANN001
    """One picture at each ``(width, height[, mobile])``: ``OUTDIR/NAME-WIDTHxHEIGHT.png``."""
    written = []
    for width, height, *mobile in sizes:
        _size(driver, width, height, *mobile)
        path = outdir / f"{name}-{width}x{height}.png"
        driver.save_screenshot(str(path))
        written.append(path)
    return written


def _until(probe: Callable[[], object], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    from selenium.common.exceptions import NoSuchElementException

    while True:
        try:
            if probe():
                return
        except NoSuchElementException:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the page did not show {what}")
        time.sleep(0.1)


def render_display(driver, base: str, outdir: Path) -> list[Path]:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    driver.get(base + "/display")
    _until(lambda: driver.find_elements(By.CSS_SELECTOR, "#recent li"), "the last calls")
    before = driver.find_element(By.ID, "now-number").text
    _call(base, "3")  # a call while the hall watches: the newest number, spoken
    _until(lambda: driver.find_element(By.ID, "now-number").text != before, "the new call")
    time.sleep(3.5)  # past the flash
    return _shoot(driver, outdir, "lan-display", DISPLAY_SIZES)


def render_blocked_display(driver, base: str, outdir: Path) -> list[Path]:  # noqa: ANN001
    """A TV browser that refuses sound until someone taps: the button the guide describes."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/display")
    _until(lambda: driver.find_element(By.ID, "sound-on").is_displayed(), "'Aktifkan suara'")
    return _shoot(driver, outdir, "lan-display-sound-blocked", ((1920, 1080), (1080, 1920)))


def render_counter(driver, base: str, outdir: Path) -> list[Path]:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    from kiosk.__main__ import DEMO_OPERATOR_PIN

    written = []
    _size(driver, 390, 844, mobile=True)
    driver.get(base + "/counter")
    _until(lambda: driver.find_element(By.ID, "signin").is_displayed(), "the PIN pad")
    for digit in DEMO_OPERATOR_PIN[:4]:
        driver.find_element(By.CSS_SELECTOR, f'#pad [data-digit="{digit}"]').click()
    path = outdir / "lan-counter-signin-id-390x844.png"
    driver.save_screenshot(str(path))
    written.append(path)
    for digit in DEMO_OPERATOR_PIN[4:]:
        driver.find_element(By.CSS_SELECTOR, f'#pad [data-digit="{digit}"]').click()
    driver.find_element(By.ID, "pin-ok").click()
    _until(lambda: driver.find_element(By.ID, "pick").is_displayed(), "the counter picker")
    path = outdir / "lan-counter-pick-id-390x844.png"
    driver.save_screenshot(str(path))
    written.append(path)
    driver.find_element(By.CSS_SELECTOR, '#pick-grid [data-counter="1"]').click()
    _until(lambda: driver.find_element(By.CSS_SELECTOR, "#waiting li"), "the waiting list")
    _until(lambda: "aktif" in driver.find_element(By.ID, "health").text, "the hall's sound")
    for language in ("id", "en"):
        if language == "en":
            driver.find_element(By.ID, "lang").click()
        written += _shoot(driver, outdir, f"lan-counter-{language}", COUNTER_SIZES)
    driver.find_element(By.ID, "report").click()
    _until(lambda: driver.find_elements(By.ID, "report-table"), "the day report")
    written += _shoot(driver, outdir, "lan-counter-report-en", ((1366, 768),))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    outdir = Path(args[0]) if args else ROOT / "docs" / "screenshots"
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ppp-lan-shots-") as tmp:
        folder = Path(tmp)
        port = free_port()
        config = _demo_store(folder, port)
        service = _start_service(config, port, folder / "lan-service.log")
        base = f"http://127.0.0.1:{port}"
        drivers = []
        try:
            _morning(base)
            display = _chromium(folder / "display")
            drivers.append(display)
            counter = _chromium(folder / "counter")
            drivers.append(counter)
            written = render_display(display, base, outdir)
            written += render_counter(counter, base, outdir)
            blocked = _chromium(folder / "blocked", autoplay=False)
            drivers.append(blocked)
            written += render_blocked_display(blocked, base, outdir)
        finally:
            for driver in drivers:
                driver.quit()
            stop_process(service)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
