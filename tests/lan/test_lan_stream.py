"""The call stream against the real LAN service process: replay after a reconnect, numbers
that survive restarts, the hall's events, and no personal data on the way."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
from sqlalchemy import text

from kiosk.usecases import call_next, recall, submit_request
from tests.lan_fixtures import SseEvent, sign_in, sse_events

CALL_KEYS = {"seq", "call_id", "number", "counter", "kind", "at", "clips"}


def _stream(client: httpx.Client, **headers: str) -> tuple[httpx.Response, Iterator[SseEvent]]:
    response = client.send(client.build_request("GET", "/api/stream", headers=headers), stream=True)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return response, sse_events(response)


def _next(events: Iterator[SseEvent], name: str) -> SseEvent:
    for event in events:
        if event.event == name:
            return event
    raise AssertionError(f"the stream ended before a {name!r} event")


def test_a_page_that_reconnects_gets_the_calls_it_missed_once_and_in_order(lan_service, lan_kiosk):
    ctx = lan_kiosk.context
    with httpx.Client(base_url=lan_service.url, timeout=10) as client:
        response, events = _stream(client)
        hello = _next(events, "hello").data
        assert hello["last_seq"] == 0 and len(hello["server_id"]) >= 8
        assert [b["counter"] for b in hello["board"]][:3] == ["1", "2", "3"]
        first = call_next(ctx, counter="1")  # on the touchscreen's console
        seen = _next(events, "call")
        assert (seen.id, seen.data["number"], seen.data["kind"]) == ("1", "A-001", "call")
        assert seen.data["clips"] == [
            "chime", "nomor_antrean", "a", "satu", "silakan_menuju_loket", "satu",
        ]  # fmt: skip
        response.close()  # the LAN drops

        recall(ctx, first.ticket_id)
        call_next(ctx, counter="2")
        response, events = _stream(client, **{"Last-Event-ID": seen.id})
        assert _next(events, "hello").data["last_seq"] == 3
        replayed = [_next(events, "call"), _next(events, "call")]
        assert [(e.id, e.data["number"], e.data["kind"]) for e in replayed] == [
            ("2", "A-001", "recall"),
            ("3", "C-001", "call"),
        ]
        call_next(ctx, counter="2", allow_second=True)  # live after the replay, none twice
        live = _next(events, "call")
        assert (live.id, live.data["number"]) == ("4", "C-002")
        response.close()

        # A fresh display (no seq of its own) gets the board, not the old calls.
        response, events = _stream(client)
        hello = _next(events, "hello").data
        assert hello["last_seq"] == 4
        board = {b["counter"]: b["number"] for b in hello["board"]}
        assert board["1"] == "A-001" and board["2"] == "C-002"  # the newest call
        call_next(ctx, counter="1", allow_second=True)
        assert _next(events, "call").data["seq"] == 5
        response.close()

        # ?after= works as Last-Event-ID does (a page reopening with its own memory).
        response, events = _stream(client)
        response.close()
        answer = client.get("/api/calls", params={"after": 2, "limit": 2}).json()
        assert [c["seq"] for c in answer["calls"]] == [3, 4] and answer["last_seq"] == 5


def test_sequence_numbers_are_never_reused_across_restarts(lan_service, lan_kiosk):
    ctx = lan_kiosk.context
    call_next(ctx, counter="1")
    call_next(ctx, counter="2")
    with ctx.uow() as uow:  # the newest call vanishes (a restore, a purge): its number stays taken
        uow.session.execute(text("DELETE FROM call_log WHERE seq = 2"))
        uow.commit()
    lan_service.restart()
    with httpx.Client(base_url=lan_service.url, timeout=10) as client:
        headers = {"X-CSRF-Token": sign_in(client)}
        ticket = client.post(
            "/api/counters/1/call-next",
            json={"action_id": "press-restart-1", "allow_second": True},
            headers=headers,
        )
        assert ticket.status_code == 200 and ticket.json()["ticket"]["number"] == "A-002"
        calls = client.get("/api/calls", params={"after": 0}).json()
    assert [c["seq"] for c in calls["calls"]] == [1, 3] and calls["last_seq"] == 3
    with httpx.Client(base_url=lan_service.url, timeout=10) as client:
        response, events = _stream(client)
        first_id = _next(events, "hello").data["server_id"]
        response.close()
        lan_service.restart()
        response, events = _stream(client)
        assert _next(events, "hello").data["server_id"] == first_id
        response.close()


def test_the_hall_gets_no_personal_data(lan_service, lan_kiosk):
    """A request with a name, a NIK and answers is called; nothing of it reaches /api/calls
    or the stream, only the number, the counter, the time and the clips."""
    from devtools.sample_answers import KTP_BARU

    ctx = lan_kiosk.context
    submit_request(ctx, "KTP_BARU", dict(KTP_BARU), language="id", notice_version="v1")
    secrets = [KTP_BARU["nik"], KTP_BARU["nama"], KTP_BARU["nama"].upper(), "3456", "Raya"]
    with httpx.Client(base_url=lan_service.url, timeout=10) as client:
        response, events = _stream(client)
        hello = _next(events, "hello")
        headers = {"X-CSRF-Token": sign_in(client)}
        for action in ("press-pd-0001", "press-pd-0002", "press-pd-0003"):
            client.post(
                "/api/counters/1/call-next",
                json={"action_id": action, "allow_second": True},
                headers=headers,
            )
        streamed = [hello] + [_next(events, "call") for _ in range(3)]
        response.close()
        calls = client.get("/api/calls", params={"after": 0}).json()
        latest = client.get("/api/calls").json()
    for call in calls["calls"] + latest["calls"]:
        assert set(call) == CALL_KEYS
    assert [e.data["number"] for e in streamed[1:]] == ["A-001", "A-002", "A-003"]
    everything = json.dumps([e.data for e in streamed]) + json.dumps(calls) + json.dumps(latest)
    for secret in secrets:
        assert secret not in everything
    assert "operator" not in everything and "device" not in everything


def test_display_audio_health_reaches_the_consoles(lan_service):
    with httpx.Client(base_url=lan_service.url, timeout=10) as client:
        response, events = _stream(client)
        _next(events, "hello")
        posted = client.post("/api/displays/hall-tv-0001/health", json={"audio": "blocked"})
        assert posted.status_code == 200
        health = _next(events, "health").data["displays"]
        assert [(d["device"], d["audio"]) for d in health] == [("hall-tv-0001", "blocked")]
        assert (
            client.post("/api/displays/hall-tv-0001/health", json={"audio": "loud"}).status_code
            == 400
        )
        assert (
            client.post(
                "/api/displays/hall-tv-0001/health",
                json={"audio": "ok"},
                headers={"Origin": "http://evil.example"},
            ).status_code
            == 403
        )
        client.post("/api/displays/hall-tv-0001/health", json={"audio": "ok"})
        health = _next(events, "health").data["displays"]
        assert health[0]["audio"] == "ok"
        response.close()
