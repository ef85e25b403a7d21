"""Staff accounts in a real browser (Debian's chromium) against the real reference server
on loopback: an admin changes their own password through the form, then opens the staff
accounts page. The screenshots ``status-staff-password-1366x768.png`` and
``status-staff-people-1366x768.png`` are taken on the way (where ``shot`` writes: see
tests/web/test_status_pages.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from mpp_server.accounts import CLI, MAX_FAILED_SIGNINS, add_staff, set_active, sign_in
from mpp_server.app import create_app
from tests.integration.conftest import ThreadServer
from tests.integration.test_status_server import PASSWORD
from tests.web.conftest import resize
from tests.web.test_status_pages import click_and_load, fits_width, shot

NEW_PASSWORD = "kata-sandi-baru-2026"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    app = create_app(f"sqlite:///{tmp_path / 'server.db'}")
    running = ThreadServer(app).start()
    engine = app.state.engine
    add_staff(engine, "rina.admin", "admin", PASSWORD)
    for name in ("siti", "budi.santoso", "dewi"):
        add_staff(engine, name, "officer", PASSWORD)
    add_staff(engine, "agus", "admin", PASSWORD)
    set_active(engine, CLI, "dewi", False, now=datetime.now(UTC))
    for _ in range(MAX_FAILED_SIGNINS):
        sign_in(engine, "budi.santoso", "salah-salah", address=None, now=datetime.now(UTC))
    try:
        yield running.url
    finally:
        running.stop()
        engine.dispose()


def test_an_admin_changes_their_password_and_keeps_the_staff(server: str, browser: WebDriver):
    resize(browser, 1366, 768)
    browser.get(server + "/staff/login")
    browser.find_element(By.ID, "name").send_keys("rina.admin")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_load(browser, By.CSS_SELECTOR, "button.primary")

    click_and_load(browser, By.PARTIAL_LINK_TEXT, "Kata sandi saya")
    browser.find_element(By.ID, "current_password").send_keys(PASSWORD)
    browser.find_element(By.ID, "new_password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "new_again").send_keys(NEW_PASSWORD + "x")
    click_and_load(browser, By.CSS_SELECTOR, "form button.primary")
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "Kedua kata sandi baru tidak sama" in alert and "Nothing was changed" in alert

    browser.find_element(By.ID, "current_password").send_keys(PASSWORD)
    browser.find_element(By.ID, "new_password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "new_again").send_keys(NEW_PASSWORD)
    click_and_load(browser, By.CSS_SELECTOR, "form button.primary")
    done = browser.find_element(By.CSS_SELECTOR, "[role=status]").text
    assert "Kata sandi sudah diganti" in done and "Your password is changed" in done
    assert fits_width(browser)
    shot(browser, "staff-password-1366x768")

    click_and_load(browser, By.PARTIAL_LINK_TEXT, "Akun petugas")
    table = browser.find_element(By.CSS_SELECTOR, "table.people").text
    for seen in ("budi.santoso", "Nonaktif", "Terkunci", "WIB", "Petugas", "(Anda"):
        assert seen in table, seen
    locked = browser.find_element(By.ID, "new-budi.santoso")
    assert not locked.is_displayed()
    locked.find_element(By.XPATH, "./ancestor::details/summary").click()
    assert locked.is_displayed(), "the new-password form opens without a script"
    assert fits_width(browser)
    shot(browser, "staff-people-1366x768")
