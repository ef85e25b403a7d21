"""The staff pages and the public status page in a real browser (Debian's chromium), against
the real reference server on loopback.

A staff officer signs in, finds the request in the list, sets it ready with a pickup place;
the resident's phone opens ``/s/<code>`` from the receipt's QR, reads "Selesai, siap
diambil", types the last 4 digits of the NIK and reads where to go. Screenshots are taken
on the way: into a scratch folder, or into ``docs/screenshots/status-*.png`` when
``PPP_SCREENSHOT_DIR`` names that folder (``make screenshots`` does).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy.orm import Session

from mpp_server.accounts import add_staff
from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from mpp_server.statuses import SEED_ACTOR, set_status
from tests.integration.conftest import ThreadServer
from tests.integration.test_status_server import NAME, NIK, PASSWORD, service_request
from tests.web.conftest import resize

SHOTS = Path(
    os.environ.get("PPP_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "ppp-status-shots"
)
"""Where ``shot`` writes; a test run leaves the committed pictures alone."""
CODE = "7KQ2-M9XD-4T1B"
PLACE = "Loket 3, MPP Banyuwangi (Jl. Ahmad Yani 100)"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    app = create_app(f"sqlite:///{tmp_path / 'server.db'}")
    running = ThreadServer(app).start()
    engine = app.state.engine
    token = add_kiosk(engine, "k1", "rogojampi")
    add_staff(engine, "siti", "officer", PASSWORD)
    others = ["1A2B-3C4D-5E6F", "9Z8Y-7X6W-5V4T", "HJ4K-5M6N-7P8Q", "R2S3-T4V5-W6X7"]
    services = ["KTP_BARU", "AKTA_KELAHIRAN", "LEGALISIR", "KIA"]
    records = [
        service_request(code, minutes_ago=90 - 10 * n, service=services[n])
        for n, code in enumerate(others)
    ]
    records.append(service_request(CODE, minutes_ago=5))
    answer = requests.post(
        running.url + "/api/v1/records:batch",
        json={"records": records},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 200, answer.text
    with Session(engine) as session, session.begin():
        set_status(session, others[0], "in_process", actor=SEED_ACTOR)
        set_status(
            session, others[1], "needs_documents", actor=SEED_ACTOR,
            missing_documents=["Fotokopi KK"],
        )  # fmt: skip
        set_status(
            session, others[2], "refused", actor=SEED_ACTOR,
            note="Dokumen yang dilegalisir bukan terbitan Dispendukcapil Banyuwangi",
        )  # fmt: skip
    try:
        yield running.url
    finally:
        running.stop()
        engine.dispose()


def shot(driver: WebDriver, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"status-{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 10_000, path
    return path


def click_and_load(driver: WebDriver, by: str, what: str) -> None:
    """Click what leads to a new page and wait until the new one has loaded.

    The old page is marked on its ``window``; a new page has a new ``window``. Asking
    the browser while it swaps documents can fail in passing (Chromium answers
    "Node with given id does not belong to the document" or "no such execution
    context"), so such answers only mean "ask again" — never an element handle
    from the old page.
    """
    driver.execute_script("window.__pppOldPage = true")
    driver.find_element(by, what).click()

    def loaded(d: WebDriver) -> bool:
        return d.execute_script(
            "return window.__pppOldPage === undefined && document.readyState === 'complete'"
        )

    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(loaded)


def fits_width(driver: WebDriver) -> bool:
    """Nothing sticks out sideways: no scrolling, no element past the viewport's edge."""
    return driver.execute_script(
        "const w = window.innerWidth;"
        "return document.documentElement.scrollWidth <= w && Array.from("
        "document.querySelectorAll('body *')).every(e => e.getBoundingClientRect().right <= w)"
    )


def test_staff_sets_ready_and_the_phone_shows_it(server: str, browser: WebDriver):
    resize(browser, 1366, 768)
    browser.get(server + "/staff/login")
    browser.find_element(By.ID, "name").send_keys("siti")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_load(browser, By.CSS_SELECTOR, "button.primary")
    assert browser.current_url.endswith("/staff")
    table = browser.find_element(By.CSS_SELECTOR, "table.list").text
    assert CODE in table and "Diterima" in table and "Ditolak" in table
    assert fits_width(browser)
    shot(browser, "staff-list-1366x768")

    click_and_load(browser, By.LINK_TEXT, CODE)
    assert NAME.upper() in browser.page_source.upper()  # staff see the answers
    # without a pickup place the page says so and nothing changes
    browser.find_element(By.CSS_SELECTOR, "input[name=status][value=ready]").click()
    click_and_load(browser, By.CSS_SELECTOR, "form.setstatus button.primary")
    assert "Isi tempat pengambilan" in browser.find_element(By.TAG_NAME, "main").text
    assert "Diterima" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "staff-request-refused-input-1366x768")

    browser.find_element(By.CSS_SELECTOR, "input[name=status][value=ready]").click()
    place = browser.find_element(By.ID, "pickup_place")
    assert place.is_displayed(), "the ready fields show once ready is chosen"
    assert not browser.find_element(By.ID, "missing_documents").is_displayed()
    place.send_keys(PLACE)
    pickup = (datetime.now(UTC) + timedelta(days=2)).date()
    browser.execute_script(
        "arguments[0].value = arguments[1]",
        browser.find_element(By.ID, "pickup_from"),
        pickup.isoformat(),
    )
    browser.find_element(By.ID, "note").send_keys("Bawa struk antrean dan KTP asli.")
    click_and_load(browser, By.CSS_SELECTOR, "form.setstatus button.primary")
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Status tersimpan" in main and PLACE in main
    assert "Selesai, siap diambil" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "staff-request-1366x768")

    phone = browser
    phone.delete_all_cookies()
    resize(phone, 390, 844, mobile=True)
    phone.get(f"{server}/s/{CODE}")
    body = phone.find_element(By.TAG_NAME, "body").text
    assert "Selesai, siap diambil" in body and "Legalisir" in body
    for private in (NIK, NAME, NAME.upper(), PLACE):
        assert private not in phone.page_source, private
    assert fits_width(phone)
    shot(phone, "public-390x844")

    phone.find_element(By.ID, "nik4").send_keys(NIK[-4:])
    click_and_load(phone, By.CSS_SELECTOR, "form.factor button")
    body = phone.find_element(By.TAG_NAME, "body").text
    assert PLACE in body and "Bawa struk antrean dan KTP asli." in body
    assert NIK not in phone.page_source and NAME not in phone.page_source
    assert fits_width(phone)
    shot(phone, "public-details-390x844")

    resize(phone, 360, 740, mobile=True)
    phone.get(f"{server}/s/{CODE}")
    assert fits_width(phone), "a 360 px phone needs no sideways scrolling"

    resize(phone, 1366, 768)
    phone.get(f"{server}/s/{CODE}")
    assert "Selesai, siap diambil" in phone.find_element(By.TAG_NAME, "body").text
    shot(phone, "public-1366x768")
    phone.get(f"{server}/s/ZZZZ-ZZZZ-ZZZZ")
    assert "Belum ada status untuk kode ini" in phone.find_element(By.TAG_NAME, "body").text
