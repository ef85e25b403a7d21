"""``sync.puller`` on its own: the status pull from the real reference server on loopback into
an in-memory inbox. No kiosk and no kiosk database: ``sync`` is a library."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from uuid6 import uuid7

from mpp_server.db import add_kiosk
from mpp_server.statuses import SEED_ACTOR, Received, record_received, set_status
from sync.client import CursorReset, SyncAuthError
from sync.protocol import StatusChange, StatusChangesPage
from sync.puller import CursorKeepsResetting, PullProgress, pull_statuses
from tests.integration.conftest import ThreadServer
from tests.sync_client import client

OUTPOST = "rogojampi"


@dataclass
class MemoryStatusInbox:
    """The contract of ``sync.puller.StatusInbox`` kept in dicts: a change is kept only when
    its version is higher than the one held; the cursor moves with each page applied."""

    held: dict[str, StatusChange] = field(default_factory=dict)
    stored_cursor: str | None = None
    pages: list[int] = field(default_factory=list)
    resets: int = 0

    def cursor(self) -> str | None:
        return self.stored_cursor

    def apply(self, page: StatusChangesPage) -> int:
        applied = 0
        for change in page.changes:
            old = self.held.get(change.request_id)
            if old is None or change.version > old.version:
                self.held[change.request_id] = change
                applied += 1
        self.stored_cursor = page.cursor
        self.pages.append(len(page.changes))
        return applied

    def reset(self) -> None:
        self.resets += 1
        self.stored_cursor = None


@pytest.fixture
def feed_server(tmp_path: Path) -> Iterator[tuple[str, object]]:
    from mpp_server.app import create_app

    app = create_app(f"sqlite:///{tmp_path / 'server.db'}")
    running = ThreadServer(app).start()
    yield running.url, app.state.engine
    running.stop()
    app.state.engine.dispose()


def seed(engine, count: int, outpost: str = OUTPOST) -> list[str]:  # noqa: ANN001
    """``count`` requests received at the server (version 1 each); their tracking codes."""
    now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    codes = [f"T{n:03d}-AAAA-{n:04d}" for n in range(count)]
    with Session(engine) as session:
        record_received(
            session,
            [
                Received(
                    request_id=str(uuid7()),
                    tracking_code=code,
                    status_secret=None,
                    outpost=outpost,
                    service_code="LEGALISIR",
                    day=date(2026, 11, 30),
                    submitted_at=now,
                )
                for code in codes
            ],
            now,
        )
        session.commit()
    return codes


def set_ready(engine, code: str) -> StatusChange:  # noqa: ANN001
    with Session(engine) as session:
        change = set_status(
            session,
            code,
            "ready",
            actor=SEED_ACTOR,
            note="Bawa KTP asli",
            pickup_place="MPP Banyuwangi, loket 4",
            pickup_from=date(2026, 12, 2),
        )
        session.commit()
    return change


@pytest.fixture
def token(feed_server) -> str:  # noqa: ANN001
    _url, engine = feed_server
    return add_kiosk(engine, "k-rogojampi-1", OUTPOST)


def test_every_change_arrives_in_pages_until_there_are_no_more(feed_server, token):
    url, engine = feed_server
    seed(engine, 23)
    seed(engine, 5, outpost="genteng")  # another outpost's: never sent to this kiosk
    inbox = MemoryStatusInbox()
    seen: list[PullProgress] = []

    summary = pull_statuses(inbox, client(url, token), page_size=10, progress=seen.append)

    assert (summary.pages, summary.changes, summary.applied) == (3, 23, 23)
    assert inbox.pages == [10, 10, 3]
    assert [p.changes for p in seen] == [10, 20, 23]
    assert len(inbox.held) == 23 and inbox.stored_cursor


def test_a_second_pull_brings_only_what_changed_since(feed_server, token):
    url, engine = feed_server
    codes = seed(engine, 4)
    inbox = MemoryStatusInbox()
    pull_statuses(inbox, client(url, token))

    set_ready(engine, codes[2])
    summary = pull_statuses(inbox, client(url, token))

    assert (summary.changes, summary.applied) == (1, 1)
    ready = next(c for c in inbox.held.values() if c.tracking_code == codes[2])
    assert (ready.status, ready.version, ready.pickup_place) == (
        "ready",
        2,
        "MPP Banyuwangi, loket 4",
    )


def test_a_replayed_feed_applies_nothing_twice(feed_server, token):
    url, engine = feed_server
    codes = seed(engine, 6)
    set_ready(engine, codes[0])
    inbox = MemoryStatusInbox()
    pull_statuses(inbox, client(url, token))

    inbox.stored_cursor = None  # as if the cursor had been lost: the whole feed again
    summary = pull_statuses(inbox, client(url, token))

    assert (summary.changes, summary.applied, summary.replayed) == (7, 0, 7)


def test_a_cursor_the_server_refuses_is_dropped_and_the_feed_read_again(feed_server, token):
    url, engine = feed_server
    seed(engine, 3)
    inbox = MemoryStatusInbox(stored_cursor="not-a-cursor-of-this-server")

    summary = pull_statuses(inbox, client(url, token))

    assert (summary.resets, summary.changes, inbox.resets) == (1, 3, 1)
    assert inbox.stored_cursor and inbox.stored_cursor != "not-a-cursor-of-this-server"


def test_the_client_says_410_as_a_cursor_reset(feed_server, token):
    url, _engine = feed_server
    with pytest.raises(CursorReset):
        client(url, token).status_changes("1.2.3", 10)


def test_a_server_that_refuses_every_cursor_stops_the_pull(feed_server, token, monkeypatch):
    url, _engine = feed_server
    sync_client = client(url, token)

    def always_410(since, limit):  # noqa: ANN001, ANN202
        raise CursorReset("server answered HTTP 410", 410)

    monkeypatch.setattr(sync_client, "status_changes", always_410)
    inbox = MemoryStatusInbox(stored_cursor="old")
    with pytest.raises(CursorKeepsResetting):
        pull_statuses(inbox, sync_client)
    assert inbox.resets == 1  # once per pull, never a loop


def test_a_wrong_token_raises_and_keeps_the_cursor(feed_server, token):
    url, engine = feed_server
    seed(engine, 2)
    inbox = MemoryStatusInbox(stored_cursor=None)
    with pytest.raises(SyncAuthError):
        pull_statuses(inbox, client(url, "wrong-token"))
    assert inbox.pages == [] and inbox.stored_cursor is None


def test_max_pages_bounds_one_pull_and_the_next_goes_on(feed_server, token):
    url, engine = feed_server
    seed(engine, 25)
    inbox = MemoryStatusInbox()
    first = pull_statuses(inbox, client(url, token), page_size=10, max_pages=1)
    rest = pull_statuses(inbox, client(url, token), page_size=10)
    assert (first.changes, rest.changes, len(inbox.held)) == (10, 15, 25)


def test_the_pull_reads_the_servers_clock(feed_server, token):
    url, _engine = feed_server
    sync_client = client(url, token)
    pull_statuses(MemoryStatusInbox(), sync_client)
    assert sync_client.last_reading is not None  # the page's server_time was read
