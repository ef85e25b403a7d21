"""The LAN's rules one at a time, on a real SQLite file: the subnet guard (the ASGI app with a
made-up peer), sessions that end, idempotent actions, the board, and the migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.lan.app import LanOptions, create_app
from kiosk.lan.security import address_allowed, parse_subnets
from kiosk.usecases import (
    AlreadyCalled,
    add_operator,
    board,
    call_next,
    issue_ticket,
    mark_served,
    run_once,
)
from kiosk.usecases.calls import (
    lan_session,
    open_lan_session,
    prune_lan_actions,
    stream_changes,
    stream_snapshot,
)
from kiosk.usecases.errors import BadRequest, PinRejected
from tests.fakes import SteppingClock

PIN = "246810"


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def kiosk(tmp_path: Path, clock: SteppingClock):  # noqa: ANN201
    settings = KioskSettings(
        kiosk_id="lan-unit-1",
        outpost="rogojampi",
        data_dir=tmp_path / "data",
        printer={"backend": "pdf_folder", "pdf_folder": str(tmp_path / "printouts")},
    )
    app = build_app(settings, clock=clock, monotonic=clock.monotonic)
    add_operator(app.context, "Petugas Satu", "operator", PIN)
    yield app
    app.close()


async def _get(app, peer: str, path: str, **headers: str) -> httpx.Response:  # noqa: ANN001
    transport = httpx.ASGITransport(app=app, client=(peer, 50123))
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk:8470") as client:
        return await client.get(path, headers=headers)


def test_only_the_allowed_subnets_are_served_by_the_sockets_own_address(kiosk):
    import asyncio

    app = create_app(kiosk, LanOptions(subnets=("192.168.10.0/24",)))
    inside = asyncio.run(_get(app, "192.168.10.21", "/api/counters"))
    assert inside.status_code == 200 and "1" in inside.json()["counters"]
    outside = asyncio.run(_get(app, "10.1.2.3", "/api/counters"))
    assert outside.status_code == 403 and outside.json()["error"] == "forbidden"
    assert outside.json()["message"]["id"].startswith("Alamat perangkat")
    # A client cannot claim another address: forwarding headers are not read.
    forged = asyncio.run(
        _get(app, "10.1.2.3", "/api/stream", **{"X-Forwarded-For": "192.168.10.21"})
    )
    assert forged.status_code == 403


def test_addresses_are_matched_as_ip_networks():
    nets = parse_subnets(["192.168.1.0/24", "::1/128"])
    assert address_allowed("192.168.1.7", nets)
    assert address_allowed("::ffff:192.168.1.7", nets)  # IPv4 on a dual-stack socket
    assert address_allowed("::1", nets)
    assert not address_allowed("192.168.2.7", nets)
    assert not address_allowed("127.0.0.1", nets)
    assert not address_allowed("not-an-address", nets)
    assert not address_allowed(None, nets)


def test_a_session_ends_after_twelve_hours_and_with_the_queue_day(kiosk, clock):
    ctx = kiosk.context
    session = open_lan_session(ctx, PIN, "desk-1-pc")
    assert lan_session(ctx, session.token).operator.name == "Petugas Satu"
    assert lan_session(ctx, "a-guessed-token") is None
    clock.advance(hours=11)  # 19:00 WIB: still the day, still signed in
    assert lan_session(ctx, session.token) is not None
    clock.advance(hours=1, minutes=1)
    assert lan_session(ctx, session.token) is None

    late = open_lan_session(ctx, PIN, "desk-1-pc")  # 20:01 WIB
    clock.advance(hours=3)
    assert lan_session(ctx, late.token) is not None
    clock.advance(hours=1)  # 00:01 WIB: four hours on, but the queue day has ended
    assert lan_session(ctx, late.token) is None


def test_a_session_needs_a_right_pin_and_a_proper_device_id(kiosk):
    with pytest.raises(PinRejected):
        open_lan_session(kiosk.context, "999111", "desk-1-pc")
    with pytest.raises(BadRequest):
        open_lan_session(kiosk.context, PIN, "<script>")


def test_run_once_does_the_work_once_and_keeps_no_refusal(kiosk, clock):
    ctx = kiosk.context
    issue_ticket(ctx, "KTP_BARU")
    issue_ticket(ctx, "KTP_BARU")
    done: list[str] = []

    def press(c):  # noqa: ANN001, ANN202
        ticket = call_next(c, counter="1")
        done.append(ticket.number)
        return {"status": 200, "body": {"number": ticket.number}}

    assert run_once(ctx, "press-0000-1", None, press) == {
        "status": 200,
        "body": {"number": "A-001"},
    }
    assert run_once(ctx, "press-0000-1", None, press) == {
        "status": 200,
        "body": {"number": "A-001"},
    }
    assert done == ["A-001"]
    with pytest.raises(AlreadyCalled):  # refused: nothing kept, so it may be asked again
        run_once(ctx, "press-0000-2", None, press)
    mark_served(ctx, call_next_called(ctx))
    assert run_once(ctx, "press-0000-2", None, press)["body"]["number"] == "A-002"
    clock.advance(days=3)
    assert prune_lan_actions(ctx) == 2
    with pytest.raises(BadRequest):
        run_once(ctx, "short", None, press)


def call_next_called(ctx) -> str:  # noqa: ANN001
    with ctx.uow(read_only=True) as uow:
        return uow.session.execute(
            text("SELECT id FROM queue_tickets WHERE status = 'called'")
        ).scalar_one()


def test_the_board_and_the_stream_changes(kiosk):
    ctx = kiosk.context
    for _ in range(2):
        issue_ticket(ctx, "KTP_BARU")
    start = stream_snapshot(ctx)
    assert start.last_seq == 0 and all(b.number is None for b in start.board)
    first = call_next(ctx, counter="1")
    changes = stream_changes(ctx, start.last_seq, start.events_mark)
    assert [c.number for c in changes.calls] == ["A-001"] and changes.counters == {"1"}
    assert {b.counter: b.number for b in changes.board}["1"] == "A-001"
    mark_served(ctx, first.ticket_id)
    after = stream_changes(ctx, changes.calls[-1].seq, changes.events_mark)
    assert after.calls == [] and after.board is not None
    assert {b.counter: b.number for b in board(ctx)}["1"] is None
    quiet = stream_changes(ctx, changes.calls[-1].seq, after.events_mark)
    assert quiet.calls == [] and quiet.board is None and not quiet.counters


def test_a_kiosk_upgraded_from_0003_keeps_its_rows_and_gets_the_call_stream(tmp_path: Path):
    from alembic import command

    from kiosk.store.db import open_engine
    from kiosk.store.migrate import alembic_config, migrate_to_head

    path = tmp_path / "kiosk.db"
    engine = open_engine(path)
    command.upgrade(alembic_config(engine), "0003")
    engine.dispose()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO queue_tickets (id, number, letter, sequence, day, service_code, counter,"
            " kiosk_id, outpost, status, tracking_code, issued_at, recall_count, print_count)"
            " VALUES ('t1', 'A-001', 'A', 1, '2026-11-27', 'KTP_BARU', '1', 'k', 'rogojampi',"
            " 'called', 'AAAA-BBBB-CCCC', '2026-11-27 01:00:00', 0, 1)"
        )
        db.execute("INSERT INTO kiosk_state (key, value) VALUES ('queue_day', '{}')")
    engine = open_engine(path)
    backup = migrate_to_head(engine, path, tmp_path / "backups")
    engine.dispose()
    assert backup is not None and backup.exists()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT number, status FROM queue_tickets").fetchall() == [
            ("A-001", "called")
        ]
        assert db.execute("SELECT count(*) FROM kiosk_state").fetchone() == (1,)
        db.execute(
            "INSERT INTO call_log (call_id, ticket_id, number, counter, kind, at)"
            " VALUES ('c1', 't1', 'A-001', '1', 'call', '2026-11-27 01:00:00')"
        )
        db.execute("DELETE FROM call_log")
        db.execute(
            "INSERT INTO call_log (call_id, ticket_id, number, counter, kind, at)"
            " VALUES ('c2', 't1', 'A-001', '1', 'recall', '2026-11-27 01:01:00')"
        )
        assert db.execute("SELECT seq FROM call_log").fetchall() == [(2,)]  # AUTOINCREMENT
