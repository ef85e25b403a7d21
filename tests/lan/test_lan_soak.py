"""Soak, in compressed time: three hall displays stay connected and in step while counters
call, the kiosk's LAN service is restarted twice (once killed outright) and the displays'
connections drop at random. Every call reaches every display exactly once, in order."""

from __future__ import annotations

import random
import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import select

from kiosk.store.models import CallLog
from kiosk.usecases import call_next, issue_ticket
from tests.lan_fixtures import sign_in, sse_events

CALLS_PER_PHASE = 12
COUNTERS = ("1", "2", "5")
SERVICE_OF = {"1": "KTP_BARU", "2": "KK_BARU", "5": "SKCK"}


class Display:
    """A hall display as the page behaves: reconnect with backoff, replay by Last-Event-ID."""

    def __init__(self, url: str, seed: int) -> None:
        self.url = url
        self.seqs: list[int] = []
        self.hellos = 0
        self.drops = 0
        self.stop = threading.Event()
        self.random = random.Random(seed)
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        backoff = 0.05
        while not self.stop.is_set():
            headers = {"Last-Event-ID": str(self.seqs[-1])} if self.seqs else {}
            params = {} if self.seqs else {"after": "0"}
            drop_after = self.random.randint(2, 8)  # the LAN drops after a few events
            try:
                with (
                    httpx.Client(base_url=self.url, timeout=httpx.Timeout(5, read=2)) as client,
                    client.stream("GET", "/api/stream", headers=headers, params=params) as answer,
                ):
                    backoff = 0.05
                    got = 0
                    for event in sse_events(answer):
                        if event.event == "hello":
                            self.hellos += 1
                        elif event.event == "call":
                            assert int(event.id) == event.data["seq"]
                            self.seqs.append(event.data["seq"])
                            got += 1
                            if got >= drop_after:
                                self.drops += 1
                                break
                        if self.stop.is_set():
                            return
            except (httpx.TransportError, httpx.StreamError):
                time.sleep(backoff)
                backoff = min(backoff * 2, 0.5)


def _press(url: str, cookies: httpx.Cookies, csrf: str, counter: str) -> None:
    """One press of "Panggil berikutnya", retried (same action id) until the kiosk answers."""
    press = {"action_id": str(uuid.uuid4()), "allow_second": True}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with httpx.Client(base_url=url, cookies=cookies, timeout=3) as client:
                answer = client.post(
                    f"/api/counters/{counter}/call-next",
                    json=press,
                    headers={"X-CSRF-Token": csrf},
                )
            if answer.status_code == 200:
                assert answer.json()["ticket"] is not None
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError("the kiosk never answered a call-next press")


@pytest.mark.slow
def test_three_displays_stay_in_step_through_restarts_and_drops(lan_service, lan_kiosk):
    ctx = lan_kiosk.context
    for counter in COUNTERS:
        for _ in range(CALLS_PER_PHASE * 3):
            issue_ticket(ctx, SERVICE_OF[counter])
    with httpx.Client(base_url=lan_service.url, timeout=10) as client:
        csrf = sign_in(client)
        cookies = client.cookies
    displays = [Display(lan_service.url, seed) for seed in (1, 2, 3)]
    for display in displays:
        display.thread.start()
    rng = random.Random(7)

    def phase() -> None:
        for n in range(CALLS_PER_PHASE):
            counter = rng.choice(COUNTERS)
            if n % 3 == 0:  # on the kiosk's own console
                call_next(ctx, counter=counter, allow_second=True)
            else:
                _press(lan_service.url, cookies, csrf, counter)
            time.sleep(rng.uniform(0.0, 0.05))

    phase()
    lan_service.kill()  # a crash: no goodbye to any stream
    call_next(ctx, counter="1", allow_second=True)  # the touchscreen goes on meanwhile
    lan_service.start()
    phase()
    lan_service.restart()  # a clean restart
    phase()

    with ctx.uow(read_only=True) as uow:
        expected = list(uow.session.scalars(select(CallLog.seq).order_by(CallLog.seq)))
    assert len(expected) == 3 * CALLS_PER_PHASE + 1
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(d.seqs[-1:] != expected[-1:] for d in displays):
        time.sleep(0.1)
    for display in displays:
        display.stop.set()
    for display in displays:
        display.thread.join(5)
    for display in displays:
        assert display.seqs == expected  # every call once, in order: no gap, no repeat
        assert display.hellos >= 3 and display.drops >= 2
