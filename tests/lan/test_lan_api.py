"""The LAN service's API against the real ``kiosk --lan-service`` process on loopback:
sign-in and its lockout, the cookie, cross-site refusals, idempotent actions, the one-called
rule, and what the store holds afterwards (read with the kiosk's own store)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select, text

from kiosk.store.models import AuditEntry, CallLog, QueueTicket
from kiosk.usecases import lockout_status
from tests.lan_fixtures import ADMIN_PIN, OPERATOR_PIN, sign_in

WRONG_PIN = "999111"


def _client(service) -> httpx.Client:  # noqa: ANN001
    return httpx.Client(base_url=service.url, timeout=10)


def _called(kiosk) -> list[str]:  # noqa: ANN001
    with kiosk.context.uow(read_only=True) as uow:
        rows = uow.session.scalars(
            select(QueueTicket.number).where(QueueTicket.status == "called")
        ).all()
    return sorted(rows)


def _calls(kiosk) -> list[tuple[int, str, str]]:  # noqa: ANN001
    with kiosk.context.uow(read_only=True) as uow:
        rows = uow.session.execute(
            select(CallLog.seq, CallLog.number, CallLog.kind).order_by(CallLog.seq)
        ).all()
    return [tuple(r) for r in rows]


def test_sign_in_gives_a_strict_http_only_cookie_and_a_csrf_token(lan_service):
    with _client(lan_service) as client:
        answer = client.post("/api/session", json={"pin": OPERATOR_PIN, "device": "desk-2-pc"})
        assert answer.status_code == 200
        body = answer.json()
        assert body["operator"]["name"] == "Petugas Demo" and body["operator"]["role"] == "operator"
        assert len(body["csrf"]) >= 20
        cookie = answer.headers["set-cookie"]
        parts = [p.strip().lower() for p in cookie.split(";")]
        assert parts[0].startswith("ppp_lan_session=") and len(parts[0]) > 40
        assert "httponly" in parts and "samesite=strict" in parts and "path=/" in parts
        assert "secure" not in parts  # plain HTTP on the LAN; Secure comes with TLS
        assert client.get("/api/session").json()["csrf"] == body["csrf"]
    with _client(lan_service) as stranger:  # no cookie: nothing
        answer = stranger.get("/api/counters/1/queue")
        assert answer.status_code == 401 and answer.json()["error"] == "signed_out"
        assert answer.json()["message"]["id"].startswith("Sesi Anda")


def test_wrong_pins_lock_the_lan_and_the_console_alike_and_the_lock_escalates(
    lan_service, lan_kiosk
):
    with _client(lan_service) as client:
        for left in (4, 3, 2, 1):
            answer = client.post("/api/session", json={"pin": WRONG_PIN, "device": "desk-1-pc"})
            assert answer.status_code == 401
            assert answer.json()["error"] == "wrong_pin" and answer.json()["attempts_left"] == left
        answer = client.post("/api/session", json={"pin": WRONG_PIN, "device": "desk-1-pc"})
        assert answer.status_code == 429 and answer.json()["error"] == "locked"
        first = answer.json()["retry_after_s"]
        assert 290 <= first <= 300 and answer.headers["retry-after"] == str(first)
        # Locked: even the right PIN opens nothing, here and on the kiosk's own console.
        assert (
            client.post(
                "/api/session", json={"pin": OPERATOR_PIN, "device": "desk-1-pc"}
            ).status_code
            == 429
        )
        assert lockout_status(lan_kiosk.context).locked

        # The first lock has run out (as after a restart, by the wall clock): five more
        # wrong PINs lock for the second step of the series, 15 minutes.
        with lan_kiosk.context.uow() as uow:
            state = json.loads(
                uow.session.execute(
                    text("SELECT value FROM kiosk_state WHERE key = 'console_lockout'")
                ).scalar_one()
            )
            state["locked_at"] = (datetime.now(UTC) - timedelta(minutes=6)).isoformat()
            state["run_id"], state["mono_until"] = "an-earlier-run", None
            uow.session.execute(
                text("UPDATE kiosk_state SET value = :v WHERE key = 'console_lockout'"),
                {"v": json.dumps(state)},
            )
            uow.commit()
        for _ in range(4):
            assert (
                client.post(
                    "/api/session", json={"pin": WRONG_PIN, "device": "desk-1-pc"}
                ).status_code
                == 401
            )
        answer = client.post("/api/session", json={"pin": WRONG_PIN, "device": "desk-1-pc"})
        assert answer.status_code == 429
        assert 890 <= answer.json()["retry_after_s"] <= 900


def test_a_state_change_without_the_csrf_token_is_refused_and_changes_nothing(
    lan_service, lan_kiosk
):
    with _client(lan_service) as client:
        csrf = sign_in(client)
        for headers in ({}, {"X-CSRF-Token": "not-the-token"}):
            answer = client.post(
                "/api/counters/1/call-next", json={"action_id": "press-0001"}, headers=headers
            )
            assert answer.status_code == 403 and answer.json()["error"] == "csrf"
        assert _called(lan_kiosk) == [] and _calls(lan_kiosk) == []
        assert client.delete("/api/session").status_code == 403  # signing out is a change too
        assert client.get("/api/session").status_code == 200
        assert client.delete("/api/session", headers={"X-CSRF-Token": csrf}).status_code == 200
        assert client.get("/api/session").status_code == 401


def test_a_request_from_another_sites_page_is_refused(lan_service, lan_kiosk):
    evil = {"Origin": "http://evil.example"}
    with _client(lan_service) as client:
        answer = client.post(
            "/api/session", json={"pin": OPERATOR_PIN, "device": "desk-1-pc"}, headers=evil
        )
        assert answer.status_code == 403 and answer.json()["error"] == "csrf"
        csrf = sign_in(client)
        answer = client.post(
            "/api/counters/1/call-next",
            json={"action_id": "press-0002"},
            headers={"X-CSRF-Token": csrf, **evil},
        )
        assert answer.status_code == 403
        answer = client.post(
            "/api/counters/1/call-next",
            json={"action_id": "press-0003"},
            headers={"X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"},
        )
        assert answer.status_code == 403
        assert _called(lan_kiosk) == []
        own = {"X-CSRF-Token": csrf, "Origin": lan_service.url}
        answer = client.post(
            "/api/counters/1/call-next", json={"action_id": "press-0004"}, headers=own
        )
        assert answer.status_code == 200 and _called(lan_kiosk) == ["A-001"]


def test_call_next_retried_with_the_same_action_id_calls_one_resident(lan_service, lan_kiosk):
    with _client(lan_service) as client:
        csrf = sign_in(client)
        headers = {"X-CSRF-Token": csrf}
        press = {"action_id": "3f1b7c1e-press-one", "allow_second": True}
        first = client.post("/api/counters/1/call-next", json=press, headers=headers)
        again = client.post("/api/counters/1/call-next", json=press, headers=headers)
        assert first.status_code == again.status_code == 200
        assert first.json() == again.json() and first.json()["ticket"]["number"] == "A-001"

        # Five retries of one press at once (a flaky link resending): one call.
        press = {"action_id": "3f1b7c1e-press-two", "allow_second": True}
        answers: list[httpx.Response] = []

        def retry() -> None:
            with _client(lan_service) as other:
                other.cookies = client.cookies
                answers.append(other.post("/api/counters/1/call-next", json=press, headers=headers))

        threads = [threading.Thread(target=retry) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [a.status_code for a in answers] == [200] * 5
        assert {a.json()["ticket"]["number"] for a in answers} == {"A-002"}
    assert _called(lan_kiosk) == ["A-001", "A-002"]
    assert [number for _seq, number, _kind in _calls(lan_kiosk)] == ["A-001", "A-002"]


def test_a_counter_calls_one_resident_at_a_time_unless_the_operator_says_so(lan_service, lan_kiosk):
    with _client(lan_service) as client:
        headers = {"X-CSRF-Token": sign_in(client)}
        first = client.post(
            "/api/counters/1/call-next", json={"action_id": "press-a-0001"}, headers=headers
        )
        assert first.json()["ticket"]["number"] == "A-001"
        second = client.post(
            "/api/counters/1/call-next", json={"action_id": "press-a-0002"}, headers=headers
        )
        assert second.status_code == 409
        body = second.json()
        assert body["error"] == "already_called" and body["ticket"]["number"] == "A-001"
        assert body["message"]["id"] == "Loket ini masih memanggil A-001. Tetap panggil berikutnya?"
        assert _called(lan_kiosk) == ["A-001"]
        anyway = client.post(
            "/api/counters/1/call-next",
            json={"action_id": "press-a-0003", "allow_second": True},
            headers=headers,
        )
        assert anyway.status_code == 200 and anyway.json()["ticket"]["number"] == "A-002"
    assert _called(lan_kiosk) == ["A-001", "A-002"]


def test_ticket_actions_and_the_audit_names_operator_and_device(lan_service, lan_kiosk):
    with _client(lan_service) as client:
        headers = {"X-CSRF-Token": sign_in(client, device="counter-2-tablet")}
        ticket = client.post(
            "/api/counters/2/call-next", json={"action_id": "press-b-0001"}, headers=headers
        ).json()["ticket"]
        assert ticket["number"] == "C-001"
        recall = client.post(
            f"/api/tickets/{ticket['id']}/recall",
            json={"action_id": "press-b-0002"},
            headers=headers,
        )
        assert recall.status_code == 200
        no_show = client.post(
            f"/api/tickets/{ticket['id']}/no-show",
            json={"action_id": "press-b-0003"},
            headers=headers,
        )
        assert no_show.json()["ticket"]["status"] == "no_show" and no_show.json()["undo_s"] == 5
        undo = client.post(
            f"/api/tickets/{ticket['id']}/undo-no-show",
            json={"action_id": "press-b-0004"},
            headers=headers,
        )
        assert undo.json()["ticket"]["status"] == "called"
        served = client.post(
            f"/api/tickets/{ticket['id']}/served",
            json={"action_id": "press-b-0005"},
            headers=headers,
        )
        assert served.json()["ticket"]["status"] == "served"
        wrong = client.post(
            f"/api/tickets/{ticket['id']}/recall",
            json={"action_id": "press-b-0006"},
            headers=headers,
        )
        assert wrong.status_code == 409 and wrong.json()["error"] == "invalid_transition"
        unknown = client.post(
            "/api/tickets/no-such-ticket/served",
            json={"action_id": "press-b-0007"},
            headers=headers,
        )
        assert unknown.status_code == 404
        bad = client.post("/api/counters/2/call-next", json={"action_id": "x"}, headers=headers)
        assert bad.status_code == 400 and bad.json()["message"]["en"]
        queue = client.get("/api/counters/2/queue").json()
        assert queue["called"] is None and [t["number"] for t in queue["waiting"]] == ["C-002"]
        assert queue["recent"][0]["number"] == "C-001"
    assert [kind for _s, _n, kind in _calls(lan_kiosk)] == ["call", "recall"]
    with lan_kiosk.context.uow(read_only=True) as uow:
        entries = uow.session.execute(
            select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.detail)
            .where(AuditEntry.action.like("ticket_%"))
            .order_by(AuditEntry.at)
        ).all()
        operator = uow.session.execute(
            text("SELECT id FROM operator_accounts WHERE name = 'Petugas Demo'")
        ).scalar_one()
    assert [e.action for e in entries] == [
        "ticket_called",
        "ticket_recalled",
        "ticket_no_show",
        "ticket_no_show_undone",
        "ticket_served",
    ]
    assert all(e.actor_id == operator and e.detail["device"] == "counter-2-tablet" for e in entries)


def test_walk_in_and_reprint_print_on_the_kiosks_printer(lan_service, lan_kiosk):
    printouts = lan_kiosk.settings.printer.pdf_folder
    before = set(printouts.glob("*.pdf")) if printouts.exists() else set()
    with _client(lan_service) as client:
        headers = {"X-CSRF-Token": sign_in(client)}
        walk_in = client.post(
            "/api/counters/5/walk-in",
            json={"action_id": "press-c-0001", "service_code": "SKCK"},
            headers=headers,
        )
        assert walk_in.status_code == 200 and walk_in.json()["ticket"]["number"] == "M-001"
        again = client.post(
            "/api/counters/5/walk-in",
            json={"action_id": "press-c-0001", "service_code": "SKCK"},
            headers=headers,
        )
        assert again.json() == walk_in.json()  # the retry issued no second ticket
        reprint = client.post(
            f"/api/tickets/{walk_in.json()['ticket']['id']}/reprint",
            json={"action_id": "press-c-0002"},
            headers=headers,
        )
        assert reprint.status_code == 200
        unknown = client.post(
            "/api/counters/5/walk-in",
            json={"action_id": "press-c-0003", "service_code": "NO_SUCH"},
            headers=headers,
        )
        assert unknown.status_code == 404 and unknown.json()["error"] == "unknown_service"
    printed = set(printouts.glob("*.pdf")) - before
    assert len(printed) == 2
    with lan_kiosk.context.uow(read_only=True) as uow:
        skck = uow.session.execute(
            select(QueueTicket.number, QueueTicket.print_count).where(
                QueueTicket.service_code == "SKCK"
            )
        ).all()
    assert [tuple(t) for t in skck] == [("M-001", 2)]


def test_an_admin_signs_in_too_and_the_report_counts_the_day(lan_service):
    with _client(lan_service) as client:
        sign_in(client, pin=ADMIN_PIN)
        report = client.get("/api/report").json()
    assert report["total_issued"] == 7 and report["total_served"] == 0
    assert {s["code"] for s in report["services"]} == {"KTP_BARU", "KK_BARU", "LEGALISIR"}
