"""The outpost LAN pages in a real browser (Debian's chromium), against the real LAN service.

Given the kiosk's LAN service over a temporary store (tests/lan_fixtures.py: demo operators,
tickets waiting at counters 1 and 2), an operator on /counter and the hall on /display, the
tests check what a person would notice: the number on the hall screen, the clips the hall
heard (the page's audio log, in the order the clips *ended*), the messages on the counter.
Waits poll for a bound; no test asserts how long anything took.

Most tests share one service (``hall``) whose outpost has its own clips (``[lan] voice_dir``):
short tones, so two playings take a fraction of a second; each test works at its own counter.
The slow test plays the shipped recordings.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from devtools.chaos_proxy import ChaosProxy
from kiosk.voice import CLIP_NAMES, announcement, write_wav
from tests.lan_fixtures import OPERATOR_PIN, LanService, free_port, prepare_store, sign_in
from tests.web.conftest import resize

T = TypeVar("T")
WRONG_PIN = "999999"
CLIPS_S = 30.0
"""Two playings of a call in the shipped recordings last about 12 s: the bound for them."""


HALL_WAITING = {
    "AKTA_KELAHIRAN": 2,
    "BPJS_KES_DAFTAR": 2,
    "SKCK": 2,
    "NIB_OSS": 2,
    "SKTM": 2,
    "KARTU_AK1": 2,
}
"""Tickets for counters 3, 4, 5, 6, 8 and 9 on top of the fixture's (counters 1 and 2)."""


def short_clips(folder: Path) -> Path:
    """An outpost's own clip set: a 60 ms tone per clip, each its own pitch."""
    folder.mkdir()
    for index, name in enumerate(CLIP_NAMES):
        pitch = 300 + 15 * index
        write_wav(
            folder / f"{name}.wav",
            (int(8000 * math.sin(2 * math.pi * pitch * i / 22050)) for i in range(1323)),
        )
    return folder


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LanService]:
    from kiosk.bootstrap import build_app
    from kiosk.config import load_config
    from kiosk.usecases import issue_ticket

    folder = tmp_path_factory.mktemp("hall")
    port = free_port()
    voice = short_clips(folder / "voice")
    config = prepare_store(folder, port, f'voice_dir = "{voice.as_posix()}"\n')
    app = build_app(load_config(config))
    try:
        for code, count in HALL_WAITING.items():
            for _ in range(count):
                issue_ticket(app.context, code)
    finally:
        app.close()
    service = LanService(config=config, port=port, log=folder / "lan-service.log")
    service.start()
    try:
        yield service
    finally:
        service.stop()


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 3.0) -> T:
    """Poll ``probe`` until it gives something truthy; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while True:
        try:
            last = probe()
        except (NoSuchElementException, StaleElementReferenceException):
            last = None
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what} (last seen: {last!r})")
        time.sleep(0.05)


def text_of(driver: WebDriver, css: str) -> str:
    """The text of what ``css`` finds, found again when the page redrew it between the find
    and the read (the board is redrawn whole when the stream's state arrives)."""
    for _ in range(4):
        try:
            return driver.find_element(By.CSS_SELECTOR, css).text
        except StaleElementReferenceException:
            continue
    return driver.find_element(By.CSS_SELECTOR, css).text


def shown(driver: WebDriver, css: str) -> bool:
    return driver.find_element(By.CSS_SELECTOR, css).is_displayed()


def click(driver: WebDriver, by: str, selector: str) -> None:
    """Click what ``selector`` finds, finding it again if the page redrew it meanwhile."""

    def clicked() -> bool:
        driver.find_element(by, selector).click()
        return True

    wait_until(clicked, f"a click on {selector}")


def type_pin(driver: WebDriver, pin: str) -> None:
    for digit in pin:
        driver.find_element(By.CSS_SELECTOR, f'#pad [data-digit="{digit}"]').click()
    driver.find_element(By.ID, "pin-ok").click()


def open_counter(driver: WebDriver, url: str, counter: str = "1") -> None:
    """/counter, signed in with the demo operator's PIN, at ``counter``, its list loaded."""
    driver.get(url + "/counter")
    wait_until(lambda: shown(driver, "#signin"), "the PIN pad")
    type_pin(driver, OPERATOR_PIN)
    wait_until(lambda: shown(driver, "#pick"), "the counter picker")
    driver.find_element(By.CSS_SELECTOR, f'#pick-grid [data-counter="{counter}"]').click()
    wait_until(lambda: shown(driver, "#desk"), "the desk")
    wait_until(lambda: driver.find_element(By.ID, "call-next").is_enabled(), "the counter's list")


def open_display(driver: WebDriver, url: str) -> None:
    driver.get(url + "/display")
    wait_until(
        lambda: len(driver.find_elements(By.CSS_SELECTOR, "#board .tile")) == 12, "12 counter tiles"
    )
    wait_until(
        lambda: driver.execute_script("return window.pppDisplay.stream.connected"), "the stream"
    )


def audio_log(driver: WebDriver) -> list[str]:
    return driver.execute_script("return window.pppAudioLog.slice()")


def heard(driver: WebDriver, count: int, what: str, timeout: float = 5.0) -> list[str]:
    """The audio log once ``count`` clips have ended (each clip is real audio: allow for it)."""
    return wait_until(
        lambda: (lambda log: log if len(log) >= count else None)(audio_log(driver)), what, timeout
    )


def message_with(driver: WebDriver, css: str, part: str) -> str:
    return wait_until(
        lambda: (lambda text: text if part in text else None)(text_of(driver, css)),
        f"{part!r} in {css}",
    )


def called_at(service: LanService, counter: str) -> dict | None:
    """The counter's called ticket as the kiosk has it (read through the API, not the page)."""
    with httpx.Client(base_url=service.url, timeout=5.0) as client:
        sign_in(client, device="test-reader")
        return client.get(f"/api/counters/{counter}/queue").json()["called"]


def call_next(driver: WebDriver) -> str:
    """Press "Panggil berikutnya"; returns the number the counter page then shows as called."""
    before = text_of(driver, "#called-number")
    driver.find_element(By.ID, "call-next").click()
    return wait_until(
        lambda: (lambda now: now if now not in (before, "—") else None)(
            text_of(driver, "#called-number")
        ),
        "a new called number on /counter",
    )


def test_a_call_reaches_the_hall_spoken_twice_and_a_reload_does_not_repeat_it(
    hall, browser_factory
):
    display, counter = browser_factory(), browser_factory()
    open_display(display, hall.url)
    open_counter(counter, hall.url, "3")

    number = call_next(counter)

    assert called_at(hall, "3")["number"] == number
    wait_until(lambda: text_of(display, "#now-number") == number, f"{number} on the hall display")
    wait_until(
        lambda: "flash" in display.find_element(By.ID, "now").get_attribute("class"), "flash"
    )
    assert text_of(display, '#board [data-counter="3"] .num') == number
    assert "LOKET 3" in text_of(display, "#now-counter")
    expected = announcement(number, "3") * 2
    assert heard(display, len(expected), "both playings") == expected
    wait_until(
        lambda: "aktif" in text_of(counter, "#health"), "the display's audio health on /counter"
    )

    display.refresh()
    open_display(display, hall.url)
    wait_until(
        lambda: text_of(display, '#board [data-counter="3"] .num') == number,
        "counter 3's number on the reloaded board",
    )
    wait_until(
        lambda: text_of(display, "#now-number") == number, "the last call, from the kiosk's history"
    )
    time.sleep(1.0)  # ten times what two playings of the short clips need: nothing is said
    assert audio_log(display) == []
    assert "flash" not in display.find_element(By.ID, "now").get_attribute("class")

    counter.find_element(By.ID, "served").click()  # the counter calls nobody now
    wait_until(lambda: text_of(display, '#board [data-counter="3"] .num') == "—", "an idle tile")
    display.refresh()
    open_display(display, hall.url)
    wait_until(lambda: text_of(display, "#now-number") == number, "the last call, from history")
    assert text_of(display, '#board [data-counter="3"] .num') == "—"  # history is not the board


def test_the_called_number_is_readable_across_the_hall(hall, browser_factory):
    """At least 15 % of the screen's height as CSS size everywhere and as drawn digits
    (canvas metrics) on a landscape screen; the counters all on screen; nothing cut off."""
    display, counter = browser_factory(), browser_factory()
    open_counter(counter, hall.url, "4")
    number = call_next(counter)
    open_display(display, hall.url)
    wait_until(lambda: text_of(display, "#now-number") == number, f"{number} on the hall display")
    for width, height in ((1920, 1080), (1366, 768), (1080, 1920)):
        resize(display, width, height)
        wait_until(
            lambda h=height: display.execute_script("return innerHeight") == h, "the new size"
        )
        glyph, font_px, overflow, tiles_inside = display.execute_script(
            """
            const node = document.getElementById('now-number');
            const style = getComputedStyle(node);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = style.fontWeight + ' ' + style.fontSize + ' ' + style.fontFamily;
            const m = ctx.measureText(node.textContent);
            const tiles = [...document.querySelectorAll('#board .tile')].every(t => {
              const r = t.getBoundingClientRect();
              return r.top >= 0 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1
                && t.scrollHeight <= t.clientHeight + 1;  // nothing clipped inside
            }) && [...document.querySelectorAll('#recent li')].every(
              li => li.scrollWidth <= li.clientWidth + 1);
            return [m.actualBoundingBoxAscent + m.actualBoundingBoxDescent,
                    parseFloat(style.fontSize), node.scrollWidth > node.clientWidth, tiles];
            """
        )
        assert font_px >= 0.15 * height, (width, height, font_px)
        if width > height:
            assert glyph >= 0.15 * height, (width, height, glyph)
        assert not overflow, (width, height)
        assert tiles_inside, (width, height)


def test_autoplay_refused_asks_for_one_tap_and_the_counter_sees_it(hall, browser_factory):
    display, counter = browser_factory(autoplay=False), browser_factory()
    open_display(display, hall.url)
    wait_until(lambda: shown(display, "#sound-on"), "the 'Aktifkan suara' button")
    assert "Aktifkan suara" in text_of(display, "#sound-on")
    for width, height in ((1920, 1080), (1080, 1920)):
        resize(display, width, height)
        wait_until(lambda h=height: display.execute_script("return innerHeight") == h, "the size")
        covered = display.execute_script(
            """
            const top = document.getElementById('sound-on').getBoundingClientRect().top;
            return [...document.querySelectorAll('#board .tile')]
              .filter(t => t.getBoundingClientRect().bottom > top + 1)
              .map(t => t.dataset.counter);
            """
        )
        assert covered == [], f"behind the button at {width}x{height}: {covered}"
    open_counter(counter, hall.url, "5")
    wait_until(lambda: "diblokir" in text_of(counter, "#health"), "'diblokir' on /counter")

    number = call_next(counter)
    wait_until(lambda: text_of(display, "#now-number") == number, f"{number} on the hall display")
    time.sleep(0.5)
    assert audio_log(display) == []  # nothing could play yet
    display.find_element(By.ID, "sound-on").click()

    expected = announcement(number, "5") * 2
    assert heard(display, len(expected), "the call, played after the tap") == expected
    assert not shown(display, "#sound-on")
    wait_until(lambda: "aktif" in text_of(counter, "#health"), "'aktif' on /counter")


def test_no_show_is_undone_within_five_seconds(hall, browser):
    open_counter(browser, hall.url, "6")
    number = call_next(browser)

    browser.find_element(By.ID, "no-show").click()
    wait_until(lambda: shown(browser, "#undo"), "the undo bar")
    assert re.fullmatch(r"Batalkan \([1-5]\)", text_of(browser, "#undo-button"))
    wait_until(lambda: called_at(hall, "6") is None, "the no-show recorded at the kiosk")
    browser.find_element(By.ID, "undo-button").click()

    message_with(browser, "#status", "Tidak hadir dibatalkan")
    assert called_at(hall, "6")["number"] == number
    wait_until(
        lambda: text_of(browser, "#called-number") == number, "the number called again on /counter"
    )
    assert not shown(browser, "#undo")


def test_call_next_while_a_number_is_called_asks_first(hall, browser):
    open_counter(browser, hall.url, "2")
    first = call_next(browser)

    browser.find_element(By.ID, "call-next").click()
    wait_until(lambda: shown(browser, "#call-anyway"), "'Tetap panggil'")
    assert first in text_of(browser, "#dialog")
    assert called_at(hall, "2")["number"] == first  # nothing more called yet
    browser.find_element(By.ID, "call-anyway").click()

    message_with(browser, "#status", "dipanggil ke loket 2")
    calls = httpx.get(hall.url + "/api/calls?after=0&limit=500", timeout=5.0).json()["calls"]
    at_two = [c["number"] for c in calls if c["counter"] == "2"]
    assert len(at_two) == 2 and at_two[0] == first and at_two[1] != first


def test_both_languages_have_every_string_with_the_same_placeholders(hall, browser):
    browser.get(hall.url + "/")
    strings = browser.execute_script("return window.PPP.STRINGS")
    assert set(strings["id"]) == set(strings["en"])
    for key, text in strings["id"].items():
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(
            re.findall(r"\{\w+\}", strings["en"][key])
        ), key


def test_a_display_forgets_what_it_heard_from_a_replaced_store(hall, browser_factory):
    """The seq kept in localStorage belongs to one store (server_id): a display that comes
    back to a kiosk whose store was replaced must not replay "the gap" from the new store."""
    display, counter = browser_factory(), browser_factory()
    open_display(display, hall.url)
    open_counter(counter, hall.url, "9")
    number = call_next(counter)
    expected = announcement(number, "9") * 2
    assert heard(display, len(expected), "the call") == expected
    calls = httpx.get(hall.url + "/api/calls?after=0&limit=500", timeout=5.0).json()["calls"]
    seq = next(c["seq"] for c in calls if c["number"] == number)

    display.execute_script(
        "localStorage.setItem('ppp.display.last', JSON.stringify(arguments[0]))",
        {"server_id": "a-replaced-store", "seq": seq - 1},
    )
    display.refresh()
    open_display(display, hall.url)

    time.sleep(1.0)  # what it would need to replay and speak the call after seq - 1
    assert audio_log(display) == []
    kept = display.execute_script("return JSON.parse(localStorage.getItem('ppp.display.last'))")
    assert kept["server_id"] != "a-replaced-store" and kept["seq"] >= seq


def test_wrong_pin_shows_the_kiosks_message_then_the_lockout(lan_service, browser):
    browser.get(lan_service.url + "/counter")
    wait_until(lambda: shown(browser, "#signin"), "the PIN pad")

    type_pin(browser, WRONG_PIN)

    message = message_with(browser, "#pin-message", "Sisa")
    left = int(re.fullmatch(r"PIN salah\. Sisa percobaan: (\d+)\.", message).group(1))
    assert not shown(browser, "#desk")
    with httpx.Client(base_url=lan_service.url, timeout=5.0) as client:
        answer = client.post("/api/session", json={"pin": WRONG_PIN, "device": "test-other"})
        assert answer.json()["message"]["id"] == f"PIN salah. Sisa percobaan: {left - 1}."
        for _ in range(left - 1):
            client.post("/api/session", json={"pin": WRONG_PIN, "device": "test-other"})

    browser.find_element(By.ID, "lang").click()  # English, then the right PIN: still locked
    type_pin(browser, OPERATOR_PIN)

    locked = message_with(browser, "#pin-message", "Too many")
    assert "Try again" in locked
    assert not shown(browser, "#desk")
    assert text_of(browser, "#lang") == "Bahasa Indonesia"


@pytest.mark.slow
def test_the_pages_say_when_the_kiosk_is_gone_and_recover_by_themselves(
    lan_service, browser_factory
):
    """With the shipped recordings, through a stop and a start of the service."""
    display, counter = browser_factory(), browser_factory()
    open_display(display, lan_service.url)
    open_counter(counter, lan_service.url, "1")

    lan_service.stop()
    wait_until(lambda: shown(display, "#lost"), "the display's banner", timeout=10)
    wait_until(lambda: shown(counter, "#lost"), "the counter's banner", timeout=10)
    assert "Terputus" in text_of(counter, "#lost")
    lan_service.start()

    wait_until(lambda: not shown(display, "#lost"), "the display reconnected", timeout=20)
    wait_until(lambda: not shown(counter, "#lost"), "the counter reconnected", timeout=20)
    number = call_next(counter)  # the same pages, never reloaded
    wait_until(lambda: text_of(display, "#now-number") == number, f"{number} on the hall display")
    expected = announcement(number, "1") * 2
    assert heard(display, len(expected), "spoken", timeout=CLIPS_S) == expected


def test_a_walk_in_ticket_is_printed_reprinted_and_voided_from_the_list(hall, browser):
    open_counter(browser, hall.url, "7")
    browser.find_element(By.ID, "walk-in").click()
    wait_until(lambda: browser.find_elements(By.CSS_SELECTOR, "#dialog [data-service]"), "services")
    browser.find_element(By.CSS_SELECTOR, "#dialog .choices [data-service]").click()

    printed = message_with(browser, "#status", "dicetak.")
    number = re.fullmatch(r"Tiket (\S+) dicetak\.", printed).group(1)
    row = f'//ul[@id="waiting"]//button[.//span[@class="num" and text()="{number}"]]'
    wait_until(lambda: browser.find_elements(By.XPATH, row), f"{number} in the waiting list")
    click(browser, By.XPATH, row)
    click(browser, By.ID, "row-reprint")
    message_with(browser, "#status", f"Tiket {number} dicetak ulang.")

    click(browser, By.XPATH, row)
    click(browser, By.ID, "row-void")
    wait_until(lambda: shown(browser, "#void-yes"), "the confirmation")
    browser.find_element(By.ID, "void-yes").click()

    message_with(browser, "#status", f"Tiket {number} dibatalkan.")
    wait_until(lambda: not browser.find_elements(By.XPATH, row), f"{number} gone from the list")
    with httpx.Client(base_url=hall.url, timeout=5.0) as client:
        sign_in(client, device="test-reader")
        queue = client.get("/api/counters/7/queue").json()
    assert number not in [t["number"] for t in queue["waiting"]]
    assert number in [t["number"] for t in queue["recent"] if t["status"] == "void"]


def test_a_press_whose_answer_was_lost_is_retried_and_calls_one_resident(hall, browser):
    """The kiosk records "call next", the answer is lost on the way back (a proxy drops it),
    the page resends the same action_id: one call, and the page shows it."""
    with ChaosProxy(hall.port, seed=17, weights={"pass": 1.0}) as proxy:
        open_counter(browser, proxy.url, "8")
        waiting_before = len(browser.find_elements(By.CSS_SELECTOR, "#waiting .ticket"))
        proxy.weights = {"drop_after": 1.0}
        browser.find_element(By.ID, "call-next").click()
        wait_until(lambda: proxy.counts["drop_after"] >= 1, "an answer lost")
        proxy.weights = {"pass": 1.0}

        status = message_with(browser, "#status", "dipanggil ke loket 8")

    number = status.split(" ")[0]
    calls = httpx.get(hall.url + "/api/calls?after=0&limit=500", timeout=5.0).json()["calls"]
    assert [c["number"] for c in calls if c["counter"] == "8"] == [number]
    assert called_at(hall, "8")["number"] == number
    with httpx.Client(base_url=hall.url, timeout=5.0) as client:
        sign_in(client, device="test-reader")
        assert len(client.get("/api/counters/8/queue").json()["waiting"]) == waiting_before - 1


def test_the_counters_list_follows_what_other_desks_do(hall, browser):
    """A ticket printed for counter 2 at another desk shows up on this page by itself."""
    open_counter(browser, hall.url, "2")
    with httpx.Client(base_url=hall.url, timeout=5.0) as client:
        csrf = sign_in(client, device="test-other-desk")
        answer = client.post(
            "/api/counters/2/walk-in",
            json={"action_id": "test-walk-in-0001", "service_code": "KK_BARU"},
            headers={"X-CSRF-Token": csrf},
        )
    number = answer.json()["ticket"]["number"]

    row = f'//ul[@id="waiting"]//span[@class="num" and text()="{number}"]'
    wait_until(lambda: browser.find_elements(By.XPATH, row), f"{number} on the page, unasked")


SMALL_TARGETS = """
return [...document.querySelectorAll('button')]
  .filter(b => b.offsetParent !== null)
  .map(b => [b.id || b.textContent.trim(), b.getBoundingClientRect()])
  .filter(([, r]) => r.width < 48 || r.height < 48)
  .map(([name, r]) => `${name}: ${Math.round(r.width)}x${Math.round(r.height)}`);
"""


def test_on_a_phone_every_target_is_at_least_48_px_and_nothing_runs_off_the_side(hall, browser):
    resize(browser, 390, 844, mobile=True)
    browser.get(hall.url + "/counter")
    wait_until(lambda: shown(browser, "#signin"), "the PIN pad")
    assert browser.execute_script(SMALL_TARGETS) == []
    open_counter(browser, hall.url, "1")
    for language in ("id", "en"):
        if language == "en":
            click(browser, By.ID, "lang")
            wait_until(lambda: text_of(browser, "#call-next") == "Call next", "English")
        assert browser.execute_script(SMALL_TARGETS) == [], language
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
