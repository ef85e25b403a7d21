"""Records keep the kiosk's time; the server files them by it, by it corrected with the
kiosk's measured clock skew, or by the day it received them, and says which.

The server's clock is fixed at 00:30 WIB on 28 November 2026 (17:30 UTC on the 27th).
Every expected day below is written out by hand, never computed with zoneinfo.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from uuid6 import uuid7

from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from tests.integration.conftest import ThreadServer

SERVER_NOW = datetime(2026, 11, 27, 17, 30, tzinfo=UTC)  # 2026-11-28 00:30 WIB
RESET_TO_2000 = (SERVER_NOW - datetime(1999, 12, 31, 17, 30, tzinfo=UTC)).total_seconds()
"""The skew of a kiosk whose clock reads 2000-01-01 00:30 WIB at that moment."""
RAN_TO_2031 = (SERVER_NOW - datetime(2030, 12, 31, 17, 30, tzinfo=UTC)).total_seconds()
"""... and of one whose clock reads 2031-01-01 00:30 WIB."""
DAYS = ["1999-12-31", "2000-01-01", "2026-11-27", "2026-11-28", "2030-12-31", "2031-01-01"]

# (case, the kiosk's skew at the push or None for a kiosk that sends none,
#  created_at as the kiosk wrote it, the day it is filed under, its time flag)
CASES = [
    ("clock reset to 2000, written 23:50 WIB server time", RESET_TO_2000,
     "1999-12-31T23:50:00+07:00", "2026-11-27", "corrected"),
    ("clock reset to 2000, written 00:10 WIB server time", RESET_TO_2000,
     "2000-01-01T00:10:00+07:00", "2026-11-28", "corrected"),
    ("clock ran to 2031, written 23:50 WIB server time", RAN_TO_2031,
     "2030-12-31T23:50:00+07:00", "2026-11-27", "corrected"),
    ("right clock now, a record from when it read 2000", 2.5,
     "2000-01-01T10:00:00+07:00", "2026-11-28", "implausible"),
    ("right clock now, a record from when it read 2031", 2.5,
     "2031-01-01T10:00:00+07:00", "2026-11-28", "implausible"),
    ("right clock now, a record of yesterday evening", 2.5,
     "2026-11-27T23:58:00+07:00", "2026-11-27", None),
    ("5 minutes behind: under 10 minutes, not corrected", 300.0,
     "2026-11-27T23:58:00+07:00", "2026-11-27", None),
    ("clock reset to 2000 after a record written right: corrected into 2053", RESET_TO_2000,
     "2026-11-27T20:00:00+07:00", "2026-11-28", "implausible"),
    ("a kiosk that sends no skew, yesterday evening", None,
     "2026-11-27T23:50:00+07:00", "2026-11-27", None),
    ("a kiosk that sends no skew, a record dated 2031", None,
     "2031-01-01T10:00:00+07:00", "2026-11-28", "implausible"),
]  # fmt: skip


@pytest.fixture
def api(any_db_url: str):
    app = create_app(any_db_url, clock=lambda: SERVER_NOW)
    running = ThreadServer(app).start()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {add_kiosk(app.state.engine, 'k1', 'rogojampi')}"
    yield running.url, session
    session.close()
    running.stop()
    app.state.engine.dispose()


def ticket_event(created_at: str) -> dict:
    return {
        "id": str(uuid7()),
        "kind": "ticket_event",
        "kiosk_id": "k1",
        "outpost": "rogojampi",
        "created_at": created_at,
        "payload": {"event": "issued", "number": "A-001"},
    }


def push(url: str, session: requests.Session, record: dict, skew: float | None) -> dict:
    envelope: dict = {"records": [record]}
    if skew is not None:
        envelope["clock_skew_s"] = skew
    answer = session.post(url + "/api/v1/records:batch", json=envelope)
    assert answer.status_code == 200, answer.text
    return answer.json()


def filed(url: str, session: requests.Session) -> dict[str, dict]:
    rows: dict[str, dict] = {}
    for day in DAYS:
        listed = session.get(url + "/api/v1/records", params={"day": day, "limit": 1000})
        rows.update({row["id"]: row for row in listed.json()})
    return rows


def test_each_record_is_filed_by_its_corrected_time_or_flagged(api):
    url, session = api
    sent = {}
    for case, skew, created_at, _day, _flag in CASES:
        sent[case] = ticket_event(created_at)
        push(url, session, sent[case], skew)

    rows = filed(url, session)

    got = {case: (rows[record["id"]]["day"], rows[record["id"]]["time_flag"])
           for case, record in sent.items()}  # fmt: skip
    assert got == {case: (day, flag) for case, _skew, _created_at, day, flag in CASES}
    for case, skew, created_at, _day, _flag in CASES:
        row = rows[sent[case]["id"]]
        assert row["kiosk_clock_skew_s"] == skew, case
        assert datetime.fromisoformat(row["created_at"]) == datetime.fromisoformat(created_at)
        assert datetime.fromisoformat(row["received_at"]) == SERVER_NOW


def test_the_overview_counts_corrected_and_implausible_times_per_day(api):
    url, session = api
    for _case, skew, created_at, _day, _flag in CASES:
        push(url, session, ticket_event(created_at), skew)

    page = requests.get(url + "/").text

    # outpost, day, requests, ticket events, audit, total, time corrected, time implausible
    assert (
        "<tr><td>Kecamatan Rogojampi</td><td>rogojampi</td><td>2026-11-28</td>"
        "<td>0</td><td>5</td><td>0</td><td>5</td>"
        "<td>1</td><td>4</td></tr>"
    ) in page
    assert (
        "<tr><td>Kecamatan Rogojampi</td><td>rogojampi</td><td>2026-11-27</td>"
        "<td>0</td><td>5</td><td>0</td><td>5</td>"
        "<td>2</td><td>0</td></tr>"
    ) in page
    assert "2000-01-01" not in page and "2031-01-01" not in page


def test_the_answer_carries_the_server_time_only_when_the_kiosk_sends_its_skew(api):
    url, session = api
    new = push(url, session, ticket_event("2026-11-27T23:00:00+07:00"), 0.0)
    null = session.post(
        url + "/api/v1/records:batch",
        json={"records": [ticket_event("2026-11-27T23:00:00+07:00")], "clock_skew_s": None},
    ).json()
    old = push(url, session, ticket_event("2026-11-27T23:00:00+07:00"), None)

    assert datetime.fromisoformat(new["server_time"]) == SERVER_NOW
    assert datetime.fromisoformat(null["server_time"]) == SERVER_NOW
    assert set(old) == {"protocol", "results"}  # what kiosks from before the field expect
    health = session.get(url + "/api/v1/health").json()
    assert datetime.fromisoformat(health["server_time"]) == SERVER_NOW


@pytest.mark.parametrize("skew", ["3600", True, 1e11, -1e11, [1]])
def test_a_skew_that_is_not_a_number_of_seconds_refuses_the_batch(api, skew):
    url, session = api
    answer = session.post(
        url + "/api/v1/records:batch",
        json={"records": [ticket_event("2026-11-27T23:00:00+07:00")], "clock_skew_s": skew},
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "bad_batch" and "clock_skew_s" in answer.json()["detail"]
