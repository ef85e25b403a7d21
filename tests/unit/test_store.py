"""The SQLite file itself: pragmas, migrations, permissions, faults."""

from __future__ import annotations

import base64
import json
import sqlite3
import stat
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select, text

from kiosk.bootstrap import open_store
from kiosk.store import StoreCorrupt, StoreUnavailable, open_engine
from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.migrate import alembic_config, head_revision
from kiosk.store.models import OutboxEntry, QueueTicket, TicketEvent
from kiosk.store.uow import make_uow_factory
from kiosk.usecases import KioskContext, issue_ticket
from tests.fakes import FakeCatalogue


def test_pragmas_are_durable(store):
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_database_file_is_owner_only(store):
    mode = stat.S_IMODE(store.path.stat().st_mode)
    assert mode & 0o077 == 0


def test_upgrade_from_first_migration_keeps_every_row(tmp_path):
    from alembic import command

    path = tmp_path / "old.db"
    engine = open_engine(path)
    command.upgrade(alembic_config(engine), "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO queue_tickets (id, number, letter, sequence, day, service_code,"
                " counter, kiosk_id, outpost, status, tracking_code, issued_at, recall_count,"
                " print_count)"
                " VALUES ('t1','A-001','A',1,'2026-01-05','KTP','1','k1','genteng','served',"
                " 'AAAA-BBBB-CCCC','2026-01-05 01:00:00',0,1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO service_requests (id, service_code, form_id, form_version, answers,"
                " language, created_at, kiosk_id, outpost, ticket_id) VALUES ('r1','KTP','ktp',1,"
                " '{\"nama\": \"SITI\"}','id','2026-01-05 01:00:00','k1','genteng','t1')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO outbox (record_id, kind, state, attempts, created_at)"
                " VALUES ('r1','service_request','pending',0,'2026-01-05 01:00:00')"
            )
        )
    engine.dispose()

    store = open_store(path, tmp_path / "backups")
    assert store.backup_made is not None and store.backup_made.exists()
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
        row = conn.execute(
            text("SELECT answers, ticket_id, notice_version FROM service_requests")
        ).one()
        assert json.loads(row.answers) == {"nama": "SITI"} and row.ticket_id == "t1"
        assert row.notice_version is None
        assert conn.execute(text("SELECT number FROM queue_tickets")).scalar() == "A-001"
        assert conn.execute(text("SELECT state FROM outbox")).scalar() == "pending"
    # the backup is the database as it was before the upgrade
    with sqlite3.connect(store.backup_made) as old:
        assert old.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    store.engine.dispose()


def test_opening_at_head_makes_no_backup(tmp_path):
    open_store(tmp_path / "k.db", tmp_path / "b").engine.dispose()
    again = open_store(tmp_path / "k.db", tmp_path / "b")
    assert again.backup_made is None
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())
    again.engine.dispose()


def test_corrupt_database_is_reported_and_kept(tmp_path):
    path = tmp_path / "kiosk.db"
    garbage = b"this is not a database" * 500
    path.write_bytes(garbage)
    with pytest.raises(StoreCorrupt, match="damaged"):
        open_store(path, tmp_path / "b")
    assert path.read_bytes() == garbage


def _ctx(store, clock) -> KioskContext:  # noqa: ANN001
    return KioskContext(
        uow=store.uow,
        catalogue=FakeCatalogue(),
        kiosk_id="k1",
        outpost="rogojampi",
        clock=clock,
        monotonic=clock.monotonic,
    )


def _counts(store) -> tuple[int, int, int]:  # noqa: ANN001
    with store.uow(read_only=True) as uow:
        return tuple(
            uow.session.scalar(select(func.count()).select_from(m))
            for m in (QueueTicket, TicketEvent, OutboxEntry)
        )


def test_full_disk_gives_a_clear_error_and_no_half_rows(store, clock):
    ctx = _ctx(store, clock)
    issue_ticket(ctx, "KTP")
    before = _counts(store)
    with store.engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar()

    @event.listens_for(store.engine, "connect")
    def _tiny(dbapi_conn, _rec):  # noqa: ANN001
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    store.engine.dispose()
    with pytest.raises(StoreUnavailable) as caught:
        for _ in range(200):
            issue_ticket(ctx, "KTP")
    assert caught.value.reason == "disk_full"
    event.remove(store.engine, "connect", _tiny)
    store.engine.dispose()
    after = _counts(store)
    # whatever fitted was written whole: every ticket has its event and outbox row
    assert after[0] - before[0] == after[1] - before[1] == after[2] - before[2]


def test_read_only_database_gives_a_clear_error(store, clock):
    @event.listens_for(store.engine, "connect")
    def _ro(dbapi_conn, _rec):  # noqa: ANN001
        dbapi_conn.execute("PRAGMA query_only = ON")

    store.engine.dispose()
    with pytest.raises(StoreUnavailable) as caught:
        issue_ticket(_ctx(store, clock), "KTP")
    assert caught.value.reason == "read_only"


def test_locked_database_gives_a_clear_error(tmp_path, clock):
    path = tmp_path / "k.db"
    open_store(path, tmp_path / "b").engine.dispose()
    engine = open_engine(path, busy_timeout_ms=200)
    ctx = KioskContext(
        uow=make_uow_factory(engine),
        catalogue=FakeCatalogue(),
        kiosk_id="k1",
        outpost="rogojampi",
        clock=clock,
        monotonic=clock.monotonic,
    )
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreUnavailable) as caught:
            issue_ticket(ctx, "KTP")
        assert caught.value.reason == "locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert issue_ticket(ctx, "KTP").number == "A-001"  # the failed try took no number
    engine.dispose()


def test_answer_cipher_round_trip_and_key_outside_db(tmp_path):
    key = tmp_path / "keys" / "answers.key"
    cipher = AnswerCipher.from_key_file(key)
    sealed = cipher.encrypt('{"nik": "3510011201900001"}', "rid-1")
    assert "3510011201900001" not in sealed
    assert AnswerCipher.from_key_file(key).decrypt(sealed, "rid-1") == (
        '{"nik": "3510011201900001"}'
    )
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    with pytest.raises(ValueError):  # bound to its record: refused on another
        cipher.decrypt(sealed, "rid-2")
    tampered = sealed[:-6] + ("A" if sealed[-6] != "A" else "B") + sealed[-5:]
    with pytest.raises(ValueError):
        cipher.decrypt(tampered, "rid-1")
    with pytest.raises(ValueError):
        cipher.decrypt("v1:AAAA", "rid-1")


def test_answer_cipher_is_standard_aes_256_gcm():
    # NIST GCM test case 14 (key, nonce and 16-byte plaintext all zero, no associated data):
    # answers stored by any AES-GCM implementation in this layout stay readable.
    key = bytes(32)
    ciphertext = bytes.fromhex("cea7403d4d606b6e074ec5d3baf39d18")
    tag = bytes.fromhex("d0d1c8a799996bf0265b98b5d48ab919")
    stored = "v1:" + base64.b64encode(bytes(12) + ciphertext + tag).decode()
    assert AnswerCipher(key).decrypt(stored, "") == "\x00" * 16


def test_times_are_stored_in_utc(store, clock):
    t = issue_ticket(_ctx(store, clock), "KTP")
    with store.engine.connect() as conn:
        raw = conn.execute(text("SELECT issued_at FROM queue_tickets")).scalar()
    assert raw.startswith("2026-11-27 01:00:00")
    assert t.issued_at == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


def test_head_constant_matches_alembic_head():
    from kiosk.store.migrate import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
