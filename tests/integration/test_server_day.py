"""The reference server files each record under its WIB day (UTC+7), not its UTC date.

Midnight WIB is 17:00 UTC, so the seven hours from 17:00 to 23:59 UTC belong to the next
day. The expected days below are written out by hand, never computed with zoneinfo.
"""

from __future__ import annotations

import pytest
import requests
from uuid6 import uuid7

from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from tests.integration.conftest import ThreadServer

# (what the case is, created_at as the kiosk sends it, the WIB day it belongs to)
BOUNDARIES = [
    ("23:59:59.999999 WIB, last instant", "2026-11-27T16:59:59.999999+00:00", "2026-11-27"),
    ("00:00 WIB, 17:00 UTC", "2026-11-27T17:00:00+00:00", "2026-11-28"),
    ("23:59 WIB, sent in WIB", "2026-11-27T23:59:00+07:00", "2026-11-27"),
    ("00:00 WIB, sent in WIB", "2026-11-28T00:00:00+07:00", "2026-11-28"),
    ("06:59 WIB, 23:59 UTC the day before", "2026-11-27T06:59:00+07:00", "2026-11-27"),
    ("06:59 WIB, sent in UTC", "2026-11-27T23:59:00Z", "2026-11-28"),
    ("07:00 WIB, 00:00 UTC", "2026-11-28T00:00:00Z", "2026-11-28"),
    ("00:00 WIB on New Year's Day", "2025-12-31T17:00:00Z", "2026-01-01"),
    ("16:59 WIB on New Year's Eve", "2025-12-31T09:59:00Z", "2025-12-31"),
]
# Every day a record above could be filed under, right or wrong (UTC dates included).
CANDIDATE_DAYS = ["2025-12-31", "2026-01-01", "2026-11-26", "2026-11-27", "2026-11-28"]


@pytest.fixture
def api(any_db_url: str):
    app = create_app(any_db_url)
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


def test_records_are_filed_under_their_wib_day(api):
    url, session = api
    records = {case: ticket_event(created_at) for case, created_at, _day in BOUNDARIES}
    answer = session.post(url + "/api/v1/records:batch", json={"records": list(records.values())})
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * len(BOUNDARIES)

    filed: dict[str, str] = {}
    for day in CANDIDATE_DAYS:
        listed = session.get(url + "/api/v1/records", params={"day": day, "limit": 1000}).json()
        filed.update({row["id"]: row["day"] for row in listed if row["day"] == day})

    assert {case: filed.get(records[case]["id"]) for case, *_ in BOUNDARIES} == {
        case: day for case, _created_at, day in BOUNDARIES
    }


def test_the_overview_counts_a_record_at_midnight_wib_on_the_new_day(api):
    url, session = api
    session.post(
        url + "/api/v1/records:batch",
        json={"records": [ticket_event("2026-11-27T17:00:00+00:00")]},
    )

    page = requests.get(url + "/").text

    assert "<td>rogojampi</td><td>2026-11-28</td>" in page
    assert "2026-11-27" not in page
