"""The audit log in a real browser (Debian's chromium) against the real reference server on
loopback: an admin signs in (once wrongly), sets a request ready on its page, a disabled
officer tries to sign in, and the admin reads it all in words at ``/staff/audit``. The
screenshot ``status-staff-audit-1366x768.png`` is taken on the way (where ``shot`` writes:
see tests/web/test_status_pages.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from mpp_server.accounts import CLI, add_backoffice, add_staff, set_active
from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from tests.integration.conftest import ThreadServer
from tests.integration.test_status_server import PASSWORD, csrf_of, service_request
from tests.web.conftest import resize
from tests.web.test_status_pages import CODE, click_and_load, fits_width, shot


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """Admin ``rina.admin``, officer ``dewi`` (disabled), and request CODE which the back
    office has marked as needing documents."""
    app = create_app(f"sqlite:///{tmp_path / 'server.db'}")
    running = ThreadServer(app).start()
    engine = app.state.engine
    token = add_kiosk(engine, "k1", "rogojampi")
    add_staff(engine, "rina.admin", "admin", PASSWORD)
    add_staff(engine, "dewi", "officer", PASSWORD)
    backoffice = add_backoffice(engine, "simpel")
    pushed = requests.post(
        running.url + "/api/v1/records:batch",
        json={"records": [service_request(CODE, minutes_ago=30)]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert pushed.status_code == 200, pushed.text
    marked = requests.post(
        f"{running.url}/api/v1/requests/{CODE}/status",
        json={"status": "needs_documents", "missing_documents": ["Fotokopi KK"]},
        headers={"Authorization": f"Bearer {backoffice}"},
    )
    assert marked.status_code == 200, marked.text
    set_active(engine, CLI, "dewi", False, now=datetime.now(UTC))
    try:
        yield running.url
    finally:
        running.stop()
        engine.dispose()


def sign_in_elsewhere(server: str, name: str) -> int:
    """Another browser's sign-in with the right password; the answer's status code."""
    with requests.Session() as other:
        form = other.get(server + "/staff/login")
        return other.post(
            server + "/staff/login",
            data={"name": name, "password": PASSWORD, "csrf": csrf_of(form.text)},
        ).status_code


def sign_in_on_page(browser: WebDriver, server: str, name: str, password: str) -> None:
    browser.get(server + "/staff/login")
    browser.find_element(By.ID, "name").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    click_and_load(browser, By.CSS_SELECTOR, "button.primary")


def test_an_admin_reads_the_audit_log_in_words(server: str, browser: WebDriver):
    resize(browser, 1366, 768)
    sign_in_on_page(browser, server, "rina.admin", "salah-salah-salah")
    sign_in_on_page(browser, server, "Rina.Admin", PASSWORD)  # letter case aside
    assert browser.current_url.endswith("/staff")

    click_and_load(browser, By.LINK_TEXT, CODE)
    browser.find_element(By.CSS_SELECTOR, "input[name=status][value=ready]").click()
    browser.find_element(By.ID, "pickup_place").send_keys("Loket 3")
    browser.execute_script(
        "arguments[0].value = arguments[1]",
        browser.find_element(By.ID, "pickup_from"),
        (datetime.now(UTC) + timedelta(days=2)).date().isoformat(),
    )
    click_and_load(browser, By.CSS_SELECTOR, "form.setstatus button.primary")
    assert "Status tersimpan" in browser.find_element(By.TAG_NAME, "main").text
    # the disabled officer tries to sign in elsewhere
    assert sign_in_elsewhere(server, "dewi") == 401

    click_and_load(browser, By.PARTIAL_LINK_TEXT, "Jejak audit")
    rows = [
        row.text.replace("\n", " ")
        for row in browser.find_elements(By.CSS_SELECTOR, "table.list tbody tr")
    ]
    newest = rows[0]
    assert "dewi" in newest and "Gagal masuk" in newest and "Sign-in failed" in newest
    assert "akun nonaktif" in newest and "account disabled" in newest
    changed = next(row for row in rows if "rina.admin" in row and "Status diubah" in row)
    assert CODE in changed, "the Request column shows the tracking code"
    assert "Perlu dilengkapi → Selesai, siap diambil (versi 3)" in changed
    assert "Documents needed → Ready for pickup (version 3)" in changed
    by_backoffice = next(row for row in rows if "simpel" in row and "Status diubah" in row)
    assert "Diterima → Perlu dilengkapi" in by_backoffice and CODE in by_backoffice
    assert any("Masuk" in row and "Signed in" in row for row in rows)
    assert any("1 kali berturut-turut" in row for row in rows)
    assert any("Akun dinonaktifkan" in row and "Account disabled" in row for row in rows)
    table = browser.find_element(By.CSS_SELECTOR, "table.list").text
    for raw in ("sign_in_failed", "set_status", "needs_documents -> ready", "staff_disabled"):
        assert raw not in table, raw
    assert fits_width(browser)
    shot(browser, "staff-audit-1366x768")
