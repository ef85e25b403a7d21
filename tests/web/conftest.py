"""A real browser for the web pages: Debian's chromium driven through chromium-driver.

Each test gets a fresh headless Chromium with its own profile. ``browser`` opens at
1920×1080; ``resize(driver, w, h)`` sets the page's viewport for the other sizes
(1366×768, a phone in portrait).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

from tests.lan_fixtures import lan_service  # noqa: F401 - the LAN service, for the LAN pages

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")


def chromium_options(profile: str, *, autoplay: bool = True) -> Options:
    options = Options()
    options.binary_location = CHROMIUM or "chromium"
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--mute-audio",
        f"--user-data-dir={profile}",
        "--window-size=1920,1080",
        "--lang=id",
    ):
        options.add_argument(flag)
    if autoplay:
        # What the hall TV's start command sets (docs/outpost-lan.md).
        options.add_argument("--autoplay-policy=no-user-gesture-required")
    return options


def start_chromium(profile: str, *, autoplay: bool = True) -> webdriver.Chrome:
    if CHROMIUM is None or DRIVER is None:
        pytest.fail(
            "chromium and chromium-driver are needed (Debian packages; .ci/run installs them)"
        )
    driver = webdriver.Chrome(
        service=Service(DRIVER), options=chromium_options(profile, autoplay=autoplay)
    )
    driver.set_page_load_timeout(30)
    return driver


def resize(driver: webdriver.Chrome, width: int, height: int, *, mobile: bool = False) -> None:
    """Set the viewport (not the window) to width×height CSS pixels."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


@pytest.fixture
def browser() -> Iterator[webdriver.Chrome]:
    with tempfile.TemporaryDirectory(prefix="ppp-chromium-") as profile:
        driver = start_chromium(profile)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture
def browser_factory() -> Iterator:
    """Start as many browsers as a test needs (several consoles, several displays)."""
    started: list[tuple[webdriver.Chrome, tempfile.TemporaryDirectory]] = []

    def start(*, autoplay: bool = True) -> webdriver.Chrome:
        profile = tempfile.TemporaryDirectory(prefix="ppp-chromium-")
        driver = start_chromium(profile.name, autoplay=autoplay)
        started.append((driver, profile))
        return driver

    yield start
    for driver, profile in started:
        driver.quit()
        profile.cleanup()
