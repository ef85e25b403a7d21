"""Request statuses on the real server over loopback: ingest, staff pages, the back office,
the kiosks' changes feed, the public page, retention. SQLite always; PostgreSQL too when
``MPP_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session
from uuid6 import uuid7

from mpp_server.accounts import add_backoffice, add_staff
from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from mpp_server.models import AuditEntry, StoredRecord, TrackedRequest
from mpp_server.ratelimit import PublicLimits
from mpp_server.retention import purge_answers
from mpp_server.statuses import SEED_ACTOR, set_status
from sync.protocol import StatusChange, StatusChangesPage, StatusHistory, status_secret
from tests.integration.conftest import LEGALISIR_ANSWERS, ThreadServer

NIK = "3510091203857319"
NAME = "Budi Santoso"
PASSWORD = "kata-sandi-panjang"
ROOMY = PublicLimits(page_per_minute=10_000, factor_failures_per_hour=1000)


@dataclass
class Server:
    url: str
    engine: Any
    kiosk: requests.Session
    genteng: requests.Session
    backoffice: requests.Session
    kiosk_token: str


def _bearer(token: str) -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return session


def _start(url: str, limits: PublicLimits) -> Iterator[Server]:
    app = create_app(url, public_limits=limits)
    running = ThreadServer(app).start()
    engine = app.state.engine
    kiosk_token = add_kiosk(engine, "k1", "rogojampi")
    genteng = add_kiosk(engine, "k2", "genteng")
    add_staff(engine, "siti", "officer", PASSWORD)
    add_staff(engine, "admin", "admin", PASSWORD)
    backoffice = add_backoffice(engine, "simpel")
    server = Server(
        running.url, engine, _bearer(kiosk_token), _bearer(genteng), _bearer(backoffice),
        kiosk_token,
    )  # fmt: skip
    yield server
    for session in (server.kiosk, server.genteng, server.backoffice):
        session.close()
    running.stop()
    engine.dispose()


@pytest.fixture
def server(any_db_url: str) -> Iterator[Server]:
    yield from _start(any_db_url, ROOMY)


@pytest.fixture
def strict_server(tmp_path) -> Iterator[Server]:
    limits = PublicLimits(page_per_minute=8, factor_failures_per_hour=3)
    yield from _start(f"sqlite:///{tmp_path / 'strict.db'}", limits)


def new_code() -> str:
    raw = uuid7().hex[-12:].upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def service_request(
    code: str | None,
    *,
    kiosk_id: str = "k1",
    outpost: str = "rogojampi",
    days_ago: int = 0,
    minutes_ago: int = 0,
    service: str = "LEGALISIR",
) -> dict[str, Any]:
    """A kiosk's record of a request (the legalisir form's answers) as a batch carries it."""
    created = datetime.now(UTC) - timedelta(days=days_ago, minutes=minutes_ago)
    payload: dict[str, Any] = {
        "service_code": service,
        "language": "id",
        "answers": {**LEGALISIR_ANSWERS, "nik": NIK, "nama": NAME},
        "ticket_id": str(uuid7()),
        "ticket_number": "J-001",
        "day": created.date().isoformat(),
        "notice_version": "2026.1",
        "notice_accepted_at": created.isoformat(),
    }
    if code is not None:
        payload["tracking_code"] = code
        payload["status_secret"] = status_secret(code, NIK[-4:])
    return {
        "id": str(uuid7()),
        "kind": "service_request",
        "kiosk_id": kiosk_id,
        "outpost": outpost,
        "created_at": created.isoformat(),
        "form_id": "legalisir",
        "form_version": 1,
        "payload": payload,
    }


def push(server: Server, *records: dict[str, Any], session: requests.Session | None = None):
    answer = (session or server.kiosk).post(
        server.url + "/api/v1/records:batch", json={"records": list(records)}
    )
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * len(records), (
        answer.text
    )


def tracked(server: Server, code: str) -> TrackedRequest:
    with Session(server.engine) as session:
        row = session.scalars(
            select(TrackedRequest).where(TrackedRequest.tracking_code == code)
        ).one()
        session.expunge(row)
        return row


def audit_rows(server: Server) -> list[tuple[str, str, str | None]]:
    with Session(server.engine) as session:
        return [
            (row.actor, row.action, row.detail)
            for row in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def csrf_of(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def signed_in(server: Server, name: str = "siti") -> requests.Session:
    staff = requests.Session()
    form = staff.get(server.url + "/staff/login")
    answer = staff.post(
        server.url + "/staff/login",
        data={"name": name, "password": PASSWORD, "csrf": csrf_of(form.text)},
    )
    assert answer.status_code == 200 and answer.url.endswith("/staff"), answer.text[:500]
    return staff


def set_on_page(
    server: Server, staff: requests.Session, code: str, **fields: str
) -> requests.Response:
    request = tracked(server, code)
    page = staff.get(f"{server.url}/staff/requests/{request.request_id}")
    data = {"csrf": csrf_of(page.text), "expected_version": str(request.version), **fields}
    return staff.post(f"{server.url}/staff/requests/{request.request_id}/status", data=data)


def feed(server: Server, session: requests.Session | None = None, **params: Any):
    return (session or server.kiosk).get(server.url + "/api/v1/status-changes", params=params)


# --- ingest ------------------------------------------------------------------------------


def test_a_pushed_request_is_received_version_1_with_its_code_and_secret(server):
    code = new_code()
    push(server, service_request(code), service_request(None))
    row = tracked(server, code)
    assert (row.status, row.version, row.outpost, row.service_code) == (
        "received", 1, "rogojampi", "LEGALISIR",
    )  # fmt: skip
    assert row.status_secret == status_secret(code, NIK[-4:])
    answer = server.backoffice.get(f"{server.url}/api/v1/requests/{code.lower()}")
    assert answer.status_code == 200, answer.text
    history = StatusHistory.model_validate(answer.json())
    assert [(c.status, c.version) for c in history.history] == [("received", 1)]
    with Session(server.engine) as session:  # the older kiosk's request: stored, no status
        assert session.scalar(select(StoredRecord.id).where(StoredRecord.kind != "x")) is not None
        assert len(session.scalars(select(TrackedRequest)).all()) == 1


def test_the_same_record_pushed_twice_keeps_one_status(server):
    code = new_code()
    record = service_request(code)
    push(server, record)
    again = server.kiosk.post(server.url + "/api/v1/records:batch", json={"records": [record]})
    assert again.json()["results"][0]["status"] == "duplicate"
    changes = StatusChangesPage.model_validate(feed(server).json()).changes
    assert [(c.tracking_code, c.version) for c in changes] == [(code, 1)]


# --- staff pages -------------------------------------------------------------------------


def test_staff_sign_in_wrong_password_then_lockout(server):
    staff = requests.Session()
    for attempt in range(5):
        form = staff.get(server.url + "/staff/login")
        answer = staff.post(
            server.url + "/staff/login",
            data={"name": "siti", "password": "salah-salah", "csrf": csrf_of(form.text)},
        )
        expected = 423 if attempt == 4 else 401
        assert answer.status_code == expected, (attempt, answer.status_code)
    assert "akun dikunci" in answer.text and "locked" in answer.text
    form = staff.get(server.url + "/staff/login")
    right = staff.post(
        server.url + "/staff/login",
        data={"name": "siti", "password": PASSWORD, "csrf": csrf_of(form.text)},
    )
    assert right.status_code == 423, "the right password is refused while locked"
    assert staff.get(server.url + "/staff", allow_redirects=False).status_code == 303
    actions = [action for actor, action, _ in audit_rows(server) if actor == "siti"]
    assert actions.count("sign_in_failed") == 4 and "locked" in actions
    assert "sign_in_locked" in actions and "sign_in" not in actions


def test_the_session_cookie_is_httponly_and_strict(server):
    staff = requests.Session()
    form = staff.get(server.url + "/staff/login")
    answer = staff.post(
        server.url + "/staff/login",
        data={"name": "siti", "password": PASSWORD, "csrf": csrf_of(form.text)},
        allow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "mpp_staff=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http on loopback; https sets Secure


def test_sign_in_and_status_forms_without_csrf_are_refused_and_change_nothing(server):
    staff = requests.Session()
    staff.get(server.url + "/staff/login")
    answer = staff.post(
        server.url + "/staff/login", data={"name": "siti", "password": PASSWORD, "csrf": "x"}
    )
    assert answer.status_code == 403 and "kedaluwarsa" in answer.text
    assert staff.get(server.url + "/staff", allow_redirects=False).status_code == 303

    code = new_code()
    push(server, service_request(code))
    staff = signed_in(server)
    request = tracked(server, code)
    answer = staff.post(
        f"{server.url}/staff/requests/{request.request_id}/status",
        data={"csrf": "forged", "status": "in_process"},
    )
    assert answer.status_code == 403 and "Tidak ada yang diubah" in answer.text
    assert tracked(server, code).version == 1


def test_staff_set_each_status_with_its_fields(server):
    code = new_code()
    push(server, service_request(code))
    staff = signed_in(server)
    listing = staff.get(server.url + "/staff", params={"q": code[:6].lower()})
    assert code in listing.text and "Diterima" in listing.text

    assert set_on_page(server, staff, code, status="in_process").url.endswith("done=1")
    answer = set_on_page(
        server, staff, code, status="needs_documents",
        missing_documents="Fotokopi KK\n\nSurat pengantar RT/RW\n", note="Bawa aslinya",
    )  # fmt: skip
    assert "Status tersimpan" in answer.text
    answer = set_on_page(
        server, staff, code, status="ready", pickup_place="Loket 3, MPP Banyuwangi",
        pickup_from="2026-12-02", missing_documents="ignored when ready",
    )  # fmt: skip
    assert answer.status_code == 200 and "Loket 3, MPP Banyuwangi" in answer.text
    history = StatusHistory.model_validate(
        server.backoffice.get(f"{server.url}/api/v1/requests/{code}").json()
    ).history
    assert [(c.status, c.version) for c in history] == [
        ("received", 1), ("in_process", 2), ("needs_documents", 3), ("ready", 4),
    ]  # fmt: skip
    assert history[2].missing_documents == ["Fotokopi KK", "Surat pengantar RT/RW"]
    assert history[2].note == "Bawa aslinya"
    assert (history[3].pickup_place, history[3].pickup_from) == (
        "Loket 3, MPP Banyuwangi", date(2026, 12, 2),
    )  # fmt: skip
    assert history[3].missing_documents == []
    assert [a for a in audit_rows(server) if a[1] == "set_status"][-1] == (
        "siti", "set_status", "needs_documents -> ready (v4)",
    )  # fmt: skip

    other = new_code()
    push(server, service_request(other))
    answer = set_on_page(
        server, staff, other, status="refused", note="Dokumen bukan untuk layanan ini"
    )
    assert answer.url.endswith("done=1") and tracked(server, other).status == "refused"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": "ready", "pickup_from": "2026-12-02"}, "Isi tempat pengambilan"),
        ({"status": "ready", "pickup_place": "Loket 3"}, "Isi tanggal mulai dapat diambil"),
        ({"status": "ready", "pickup_place": "Loket 3", "pickup_from": "2/12"}, "tttt-bb-hh"),
        ({"status": "needs_documents", "missing_documents": " \n "}, "Sebutkan dokumen"),
        ({"status": "refused", "note": "tidak"}, "alasan penolakan"),
        ({"status": "received"}, "tidak dapat dipilih"),
        ({}, "tidak dapat dipilih"),
    ],
)
def test_a_status_without_its_fields_is_refused_with_a_message(server, fields, message):
    code = new_code()
    push(server, service_request(code))
    staff = signed_in(server)
    answer = set_on_page(server, staff, code, **fields)
    assert answer.status_code == 422 and message in html.unescape(answer.text)
    assert "tidak ada yang diubah" in answer.text
    assert (tracked(server, code).status, tracked(server, code).version) == ("received", 1)


def test_a_final_request_is_reopened_by_an_admin_only_and_audited(server):
    code = new_code()
    push(server, service_request(code))
    officer = signed_in(server)
    set_on_page(server, officer, code, status="refused", note="Berkas untuk layanan lain")
    page = officer.get(f"{server.url}/staff/requests/{tracked(server, code).request_id}")
    assert "Hanya admin yang dapat membukanya kembali" in page.text
    answer = set_on_page(server, officer, code, status="in_process")
    assert answer.status_code == 409 and tracked(server, code).version == 2
    admin = signed_in(server, "admin")
    assert set_on_page(server, admin, code, status="in_process").url.endswith("done=1")
    assert ("admin", "reopen", "refused -> in_process (v3)") in audit_rows(server)


def test_a_stale_form_is_refused(server):
    code = new_code()
    push(server, service_request(code))
    staff = signed_in(server)
    request = tracked(server, code)
    page = staff.get(f"{server.url}/staff/requests/{request.request_id}")
    server.backoffice.post(
        f"{server.url}/api/v1/requests/{code}/status", json={"status": "in_process"}
    )
    answer = staff.post(
        f"{server.url}/staff/requests/{request.request_id}/status",
        data={"csrf": csrf_of(page.text), "expected_version": "1", "status": "refused",
              "note": "Berkas untuk layanan lain"},
    )  # fmt: skip
    assert answer.status_code == 409 and "muat ulang" in answer.text
    assert tracked(server, code).status == "in_process"


def test_the_request_page_shows_the_answers_and_the_audit_is_for_admins(server):
    code = new_code()
    push(server, service_request(code))
    staff = signed_in(server)
    page = staff.get(f"{server.url}/staff/requests/{tracked(server, code).request_id}")
    assert NIK in page.text and NAME in page.text and "Legalisir" in page.text
    assert staff.get(server.url + "/staff/audit").status_code == 403
    audit_page = signed_in(server, "admin").get(server.url + "/staff/audit")
    assert audit_page.status_code == 200 and "sign_in" in audit_page.text


def test_staff_list_filters(server):
    first, second = new_code(), new_code()
    push(server, service_request(first), service_request(second))
    push(
        server, service_request(new_code(), kiosk_id="k2", outpost="genteng"),
        session=server.genteng,
    )  # fmt: skip
    staff = signed_in(server)
    set_on_page(server, staff, first, status="in_process")
    listed = staff.get(server.url + "/staff", params={"status": "in_process"}).text
    assert first in listed and second not in listed
    by_outpost = staff.get(server.url + "/staff", params={"outpost": "genteng"}).text
    assert first not in by_outpost and "1 permohonan" in by_outpost


# --- back office -------------------------------------------------------------------------


def test_the_back_office_sets_a_status_and_a_kiosk_token_cannot(server):
    code = new_code()
    push(server, service_request(code))
    url = f"{server.url}/api/v1/requests/{code}/status"
    body = {"status": "ready", "pickup_place": "Loket 2", "pickup_from": "2026-12-03"}
    assert server.kiosk.post(url, json=body).status_code == 403
    assert server.kiosk.get(f"{server.url}/api/v1/requests/{code}").status_code == 403
    assert requests.post(url, json=body).status_code == 401
    assert tracked(server, code).version == 1

    answer = server.backoffice.post(url, json={**body, "expected_version": 1})
    assert answer.status_code == 200, answer.text
    change = StatusChange.model_validate(answer.json())
    assert (change.status, change.version, change.pickup_place) == ("ready", 2, "Loket 2")
    assert ("simpel", "set_status", "received -> ready (v2)") in audit_rows(server)

    refused = server.backoffice.post(url, json={"status": "in_process"})
    assert refused.status_code == 409 and refused.json()["error"] == "status_conflict"
    stale = server.backoffice.post(url, json={**body, "expected_version": 1})
    assert stale.status_code == 409
    missing = server.backoffice.post(f"{server.url}/api/v1/requests/{new_code()}/status", json=body)
    assert missing.status_code == 404
    assert tracked(server, code).version == 2


@pytest.mark.parametrize(
    "body",
    [
        {"status": "ready", "pickup_place": "Loket 2"},
        {"status": "refused"},
        {"status": "needs_documents", "missing_documents": []},
        {"status": "in_process", "pickup_place": "Loket 2"},
        {"status": "done"},
        {"status": "in_process", "colour": "red"},
    ],
)
def test_the_back_office_gets_422_for_bad_fields_and_nothing_changes(server, body):
    code = new_code()
    push(server, service_request(code))
    answer = server.backoffice.post(f"{server.url}/api/v1/requests/{code}/status", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] in ("invalid", "invalid_status")
    assert tracked(server, code).version == 1


def test_a_back_office_token_cannot_push_records_or_read_the_feed(server):
    record = service_request(new_code())
    answer = server.backoffice.post(
        server.url + "/api/v1/records:batch", json={"records": [record]}
    )
    assert answer.status_code == 403 and "back-office token" in answer.json()["detail"]
    refused = feed(server, server.backoffice)
    assert refused.status_code == 403 and "back-office token" in refused.json()["detail"]


# --- the feed ----------------------------------------------------------------------------


def test_the_feed_pages_in_order_and_replays_the_same(server):
    codes = [new_code() for _ in range(5)]
    push(server, *[service_request(code) for code in codes])
    with Session(server.engine) as session, session.begin():
        set_status(session, codes[0], "in_process", actor=SEED_ACTOR)
    changes, cursor, pages = [], None, 0
    while True:
        answer = feed(server, limit=2, **({"since": cursor} if cursor else {}))
        assert answer.status_code == 200, answer.text
        page = StatusChangesPage.model_validate(answer.json())
        again = StatusChangesPage.model_validate(feed(server, limit=2, since=cursor or "").json())
        assert (again.changes, again.cursor) == (page.changes, page.cursor), "replay: same page"
        changes += page.changes
        cursor, pages = page.cursor, pages + 1
        if not page.more:
            break
    assert pages == 3
    assert [(c.tracking_code, c.version) for c in changes] == [
        *[(code, 1) for code in codes], (codes[0], 2),
    ]  # fmt: skip
    assert all(c.changed_at.tzinfo is not None for c in changes)
    empty = StatusChangesPage.model_validate(feed(server, since=cursor).json())
    assert empty.changes == [] and not empty.more and empty.cursor == cursor

    server.backoffice.post(
        f"{server.url}/api/v1/requests/{codes[1]}/status", json={"status": "in_process"}
    )
    newer = StatusChangesPage.model_validate(feed(server, since=cursor).json())
    assert [(c.tracking_code, c.version) for c in newer.changes] == [(codes[1], 2)]


def read_feed_while(server: Server, threads: list, limit: int) -> list[tuple[str, int]]:
    """Start ``threads`` and read the feed page by page (``limit`` a page) all the while they
    run, then once more after they end: every (tracking code, version) read, in order."""
    seen: list[tuple[str, int]] = []
    cursor = ""

    def pull() -> None:
        nonlocal cursor
        while True:
            page = StatusChangesPage.model_validate(feed(server, since=cursor, limit=limit).json())
            seen.extend((c.tracking_code, c.version) for c in page.changes)
            cursor = page.cursor
            if not page.more:
                return

    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        pull()
    for thread in threads:
        thread.join()
    pull()
    return seen


def test_a_reader_pulling_while_writers_write_misses_nothing_and_sees_nothing_twice(server):
    import threading

    codes = [new_code() for _ in range(3)]
    push(server, *[service_request(code) for code in codes])
    errors: list[str] = []

    def writer(n: int) -> None:
        with requests.Session() as session:
            session.headers.update(server.backoffice.headers)
            for i in range(8):
                code = codes[(n + i) % len(codes)]
                body = {"status": "needs_documents", "missing_documents": [f"dok {n}-{i}"]}
                answer = session.post(f"{server.url}/api/v1/requests/{code}/status", json=body)
                if answer.status_code != 200:
                    errors.append(answer.text)

    writers = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    seen = read_feed_while(server, writers, limit=3)
    assert errors == []
    assert len(seen) == len(set(seen)) == 3 + 4 * 8, "each change once"
    for code in codes:
        versions = [version for seen_code, version in seen if seen_code == code]
        assert versions == list(range(1, len(versions) + 1)), "in order, none skipped"


def test_batches_pushed_at_once_while_a_reader_pulls_give_each_change_once_in_order(server):
    """Ingest numbers a batch's ``received`` changes from one range reserved under the feed
    row's lock (mpp_server.statuses.record_received): with several kiosks pushing at once
    and the back office writing too, a reader pulling all along misses none, none twice."""
    import threading

    early = [new_code() for _ in range(2)]
    push(server, *[service_request(code) for code in early])
    pushed: list[str] = list(early)
    errors: list[str] = []
    lock = threading.Lock()

    def pusher() -> None:
        with _bearer(server.kiosk_token) as session:
            for _ in range(4):
                codes = [new_code() for _ in range(7)]
                records = [service_request(code) for code in codes]
                answer = session.post(
                    server.url + "/api/v1/records:batch", json={"records": records}
                )
                results = answer.json().get("results", []) if answer.ok else []
                if [r["status"] for r in results] != ["accepted"] * len(codes):
                    errors.append(answer.text)
                with lock:
                    pushed.extend(codes)

    def writer() -> None:
        with requests.Session() as session:
            session.headers.update(server.backoffice.headers)
            for i in range(6):
                body = {"status": "needs_documents", "missing_documents": [f"dok {i}"]}
                code = early[i % 2]
                answer = session.post(f"{server.url}/api/v1/requests/{code}/status", json=body)
                if answer.status_code != 200:
                    errors.append(answer.text)

    threads = [threading.Thread(target=pusher) for _ in range(3)]
    threads.append(threading.Thread(target=writer))
    seen = read_feed_while(server, threads, limit=5)
    assert errors == []
    assert len(pushed) == 2 + 3 * 4 * 7
    assert len(seen) == len(set(seen)), "each change once"
    expected = {(code, 1) for code in pushed} | {(code, v) for code in early for v in (2, 3, 4)}
    assert set(seen) == expected, "none skipped"
    for code in early:
        assert [v for seen_code, v in seen if seen_code == code] == [1, 2, 3, 4], "in order"


def test_the_feed_holds_only_the_kiosks_outpost(server):
    push(server, service_request(new_code()))
    theirs = new_code()
    push(server, service_request(theirs, kiosk_id="k2", outpost="genteng"), session=server.genteng)
    ours = StatusChangesPage.model_validate(feed(server).json()).changes
    assert theirs not in [c.tracking_code for c in ours] and len(ours) == 1
    genteng = StatusChangesPage.model_validate(feed(server, server.genteng).json())
    assert [c.tracking_code for c in genteng.changes] == [theirs]
    # a cursor made for another outpost is not accepted
    answer = feed(server, since=genteng.cursor)
    assert answer.status_code == 410 and answer.json()["error"] == "cursor_reset"


@pytest.mark.parametrize(
    "cursor", ["garbage", "1.2", "0123456789abcdef.1.000000000000000000000000", "a.b.c"]
)
def test_a_cursor_the_server_did_not_make_is_410(server, cursor):
    answer = feed(server, since=cursor)
    assert answer.status_code == 410, answer.text
    assert answer.json()["error"] == "cursor_reset"


def test_a_cursor_from_another_database_is_410(server, tmp_path):
    push(server, service_request(new_code()))
    cursor = StatusChangesPage.model_validate(feed(server).json()).cursor
    other = create_app(f"sqlite:///{tmp_path / 'wiped.db'}")
    running = ThreadServer(other).start()
    try:
        token = add_kiosk(other.state.engine, "k1", "rogojampi")
        answer = requests.get(
            running.url + "/api/v1/status-changes",
            params={"since": cursor},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 410 and answer.json()["error"] == "cursor_reset"
    finally:
        running.stop()
        other.state.engine.dispose()


def test_the_feed_needs_a_kiosk_token_and_checks_its_limit(server):
    assert requests.get(server.url + "/api/v1/status-changes").status_code == 401
    assert feed(server, limit=0).status_code == 422
    assert feed(server, limit=1001).status_code == 422


# --- the public page ---------------------------------------------------------------------


def _no_personal_data(text: str) -> None:
    for secret in (NIK, NIK[-4:], NAME, NAME.upper(), LEGALISIR_ANSWERS["telepon"]):
        assert secret not in text, secret


def test_the_public_page_shows_status_words_and_no_personal_data(server):
    code = new_code()
    push(server, service_request(code))
    server.backoffice.post(
        f"{server.url}/api/v1/requests/{code}/status",
        json={"status": "ready", "pickup_place": "Loket 3 MPP", "pickup_from": "2026-12-02"},
    )
    page = requests.get(f"{server.url}/s/{code}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "Selesai, siap diambil" in page.text and "Ready for pickup" in page.text
    assert "Legalisir" in page.text and "Kecamatan Rogojampi" in page.text
    assert "2 Desember 2026" in page.text and "WIB" in page.text
    assert "Loket 3 MPP" not in page.text, "the pickup place needs the second factor"
    _no_personal_data(page.text)

    wrong = requests.post(f"{server.url}/s/{code}", data={"nik4": "0000"})
    assert wrong.status_code == 403 and "tidak cocok" in wrong.text
    assert "Loket 3 MPP" not in wrong.text
    right = requests.post(f"{server.url}/s/{code}", data={"nik4": NIK[-4:]})
    assert right.status_code == 200 and "Loket 3 MPP" in right.text
    assert right.headers["Cache-Control"] == "no-store"
    _no_personal_data(right.text)
    # typed as printed or not: dashes and case do not matter
    assert "Selesai" in requests.get(f"{server.url}/s/{code.replace('-', '').lower()}").text


def test_an_unknown_code_gets_the_same_page_and_the_second_factor_fails_alike(server):
    known = new_code()
    push(server, service_request(known))
    unknown = new_code()
    page = requests.get(f"{server.url}/s/{unknown}")
    assert page.status_code == 200 and "Belum ada status untuk kode ini" in page.text
    assert 'name="nik4"' in page.text
    for code in (known, unknown):
        wrong = requests.post(f"{server.url}/s/{code}", data={"nik4": "1234"})
        assert wrong.status_code == 403 and "Kode atau 4 angka NIK tidak cocok" in wrong.text
    unknown_right = requests.post(f"{server.url}/s/{unknown}", data={"nik4": NIK[-4:]})
    assert unknown_right.status_code == 403
    bad = requests.post(f"{server.url}/s/{unknown}", data={"nik4": "12a"})
    assert bad.status_code == 422 and "tepat 4 angka" in bad.text
    hostile = requests.get(f"{server.url}/s/<script>alert(1)<%2Fscript>")
    assert "<script>" not in hostile.text


def test_the_public_page_is_rate_limited_per_address(strict_server):
    server = strict_server
    code = new_code()
    push(server, service_request(code))
    answers = [requests.get(f"{server.url}/s/{code}") for _ in range(9)]
    assert [a.status_code for a in answers[:8]] == [200] * 8
    assert answers[8].status_code == 429
    assert 1 <= int(answers[8].headers["Retry-After"]) <= 60
    assert answers[8].headers["Cache-Control"] == "no-store"


def test_wrong_nik_digits_are_limited_per_code(strict_server):
    server = strict_server
    code = new_code()
    push(server, service_request(code))
    tries = [requests.post(f"{server.url}/s/{code}", data={"nik4": "0000"}) for _ in range(4)]
    assert [t.status_code for t in tries] == [403, 403, 403, 429]
    assert int(tries[3].headers["Retry-After"]) > 60
    # now even the right digits wait
    assert requests.post(f"{server.url}/s/{code}", data={"nik4": NIK[-4:]}).status_code == 429


# --- retention ---------------------------------------------------------------------------


def test_retention_erases_the_answers_of_final_requests_only(server):
    done, refused, open_ = new_code(), new_code(), new_code()
    push(server, *[service_request(code, days_ago=200) for code in (done, refused, open_)])
    fresh = new_code()
    push(server, service_request(fresh))
    for code, body in (
        (done, {"status": "ready", "pickup_place": "Loket 1", "pickup_from": "2026-12-01"}),
        (refused, {"status": "refused", "note": "Bukan berkas untuk layanan ini"}),
        (open_, {"status": "in_process"}),
        (fresh, {"status": "refused", "note": "Bukan berkas untuk layanan ini"}),
    ):
        assert (
            server.backoffice.post(
                f"{server.url}/api/v1/requests/{code}/status", json=body
            ).status_code
            == 200
        )

    summary = purge_answers(server.engine, 180)
    assert (summary.requests, summary.kept_open) == (2, 1)
    for code, erased in ((done, True), (refused, True), (open_, False), (fresh, False)):
        request_id = tracked(server, code).request_id
        with Session(server.engine) as session:
            row = session.get(StoredRecord, request_id)
            payload = json.loads(row.payload)
            assert (payload["answers"] is None) is erased, code
            assert payload["service_code"] == "LEGALISIR"
    # the statuses, and what the public page shows, stay
    assert "Selesai" in requests.get(f"{server.url}/s/{done}").text


# --- the schema --------------------------------------------------------------------------


def test_a_database_at_0003_is_upgraded_and_its_old_requests_have_no_status(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    from mpp_server.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    bare = create_engine(url)
    command.upgrade(alembic_config(bare), "0003")
    bare.dispose()
    app = create_app(url, public_limits=ROOMY)  # opening it migrates to head
    running = ThreadServer(app).start()
    try:
        session = _bearer(add_kiosk(app.state.engine, "k1", "rogojampi"))
        server = Server(running.url, app.state.engine, session, session, session, "")
        push(server, service_request(None))
        page = StatusChangesPage.model_validate(feed(server).json())
        assert page.changes == [] and not page.more
        assert feed(server, since=page.cursor).status_code == 200
    finally:
        running.stop()
        app.state.engine.dispose()


# --- the admin's commands ----------------------------------------------------------------


def test_add_staff_reads_the_password_from_stdin_and_add_backoffice_prints_a_token(
    tmp_path, monkeypatch, capsys
):
    import io

    from mpp_server.accounts import find_backoffice, sign_in
    from mpp_server.cli import main as mpp_server
    from mpp_server.db import open_engine
    from mpp_server.models import StaffUser

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert mpp_server(["add-staff", "rina", "--role", "admin", "--database-url", url]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("pendek\n"))
    assert mpp_server(["add-staff", "dodi", "--role", "officer", "--database-url", url]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert mpp_server(["add-staff", "rina", "--role", "officer", "--database-url", url]) == 1
    assert "already exists" in capsys.readouterr().err

    assert mpp_server(["add-backoffice", "simpel", "--database-url", url]) == 0
    printed = capsys.readouterr()
    token = printed.out.strip()
    assert len(token) >= 40 and "not shown again" in printed.err
    assert mpp_server(["add-backoffice", "simpel", "--database-url", url]) == 1

    engine = open_engine(url)
    try:
        with Session(engine) as session:
            users = {u.name: u for u in session.scalars(select(StaffUser))}
            assert set(users) == {"rina"} and users["rina"].role == "admin"
            assert PASSWORD not in users["rina"].password_hash
            assert users["rina"].password_hash.startswith("scrypt$")
            assert find_backoffice(session, token) is not None
        assert sign_in(engine, "rina", PASSWORD, address=None, now=datetime.now(UTC)).token
    finally:
        engine.dispose()
