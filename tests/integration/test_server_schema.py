"""The server's schema through Alembic: a file made before migrations existed is upgraded
in place and keeps its kiosks and records; a new database gets exactly the models' tables.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import requests
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from mpp_server.db import open_engine
from mpp_server.migrate import HEAD_REVISION, alembic_config, head_revision
from mpp_server.models import Base
from tests.integration.conftest import ServerProcess

# The schema as `metadata.create_all` made it before the first migration (sqlite3 .schema).
FIRST_SCHEMA = """
CREATE TABLE kiosks (
    id VARCHAR(64) NOT NULL, outpost VARCHAR(32) NOT NULL, token_hash VARCHAR(64) NOT NULL,
    active BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
    PRIMARY KEY (id), UNIQUE (token_hash)
);
CREATE TABLE records (
    id VARCHAR(36) NOT NULL, kind VARCHAR(32) NOT NULL, kiosk_id VARCHAR(64) NOT NULL,
    outpost VARCHAR(32) NOT NULL, day DATE NOT NULL, created_at DATETIME NOT NULL,
    received_at DATETIME NOT NULL, form_id VARCHAR(64), form_version INTEGER,
    content_hash VARCHAR(64) NOT NULL, payload TEXT NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX ix_records_outpost_day ON records (outpost, day);
CREATE INDEX ix_records_kiosk ON records (kiosk_id);
"""
TOKEN = "a-token-from-before-the-upgrade"
RECORD_ID = "01937c5e-8a41-7c3d-8e2f-3a4b5c6d7e8f"


def make_first_schema_file(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_SCHEMA)
        db.execute(
            "INSERT INTO kiosks VALUES ('k1', 'rogojampi', ?, 1, '2026-11-01 00:00:00.000000')",
            (hashlib.sha256(TOKEN.encode()).hexdigest(),),
        )
        db.execute(
            "INSERT INTO records VALUES (?, 'ticket_event', 'k1', 'rogojampi', '2026-11-27', "
            "'2026-11-27 00:00:00.000000', '2026-11-27 00:00:01.000000', NULL, NULL, ?, ?)",
            (RECORD_ID, "0" * 64, '{"event":"issued","number":"A-001"}'),
        )


def test_a_file_from_before_migrations_is_upgraded_and_keeps_its_data(tmp_path):
    path = tmp_path / "server.db"
    make_first_schema_file(path)
    url = f"sqlite:///{path}"

    engine = open_engine(url)

    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD_REVISION
        assert connection.scalar(text("SELECT payload FROM records")) == (
            '{"event":"issued","number":"A-001"}'
        )
        assert connection.scalar(text("SELECT purged_at FROM records")) is None
    assert "purged_at" in {c["name"] for c in inspect(engine).get_columns("records")}
    engine.dispose()
    server = ServerProcess(url).start()
    try:
        answer = requests.get(
            server.url + "/api/v1/kiosks/me/summary", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert answer.json()["count"] == 1
    finally:
        server.kill()


def make_revision_0002_file(path: Path) -> None:
    """A server database as revision 0002 built it (the migrations up to there, run for
    real), holding a kiosk and a purged request."""
    engine = create_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(engine), "0002")
    engine.dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
        db.execute(
            "INSERT INTO kiosks VALUES ('k1', 'rogojampi', ?, 1, '2026-11-01 00:00:00.000000')",
            (hashlib.sha256(TOKEN.encode()).hexdigest(),),
        )
        db.execute(
            "INSERT INTO records VALUES (?, 'service_request', 'k1', 'rogojampi', '2026-11-27', "
            "'2026-11-27 00:00:00.000000', '2026-11-27 00:00:01.000000', 'legalisir', 1, ?, ?, "
            "'2026-11-29 00:00:00.000000')",
            (RECORD_ID, "0" * 64, '{"answers":null}'),
        )


def test_a_file_at_revision_0002_gets_the_record_time_columns_and_keeps_its_data(tmp_path):
    path = tmp_path / "server.db"
    make_revision_0002_file(path)
    url = f"sqlite:///{path}"

    engine = open_engine(url)

    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == HEAD_REVISION
        row = connection.execute(
            text("SELECT day, purged_at, kiosk_clock_skew_s, time_flag, payload FROM records")
        ).one()
    assert tuple(row) == (
        "2026-11-27",
        "2026-11-29 00:00:00.000000",
        None,
        None,
        '{"answers":null}',
    )
    engine.dispose()
    server = ServerProcess(url).start()
    try:
        listed = requests.get(
            server.url + "/api/v1/records",
            params={"day": "2026-11-27"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ).json()
    finally:
        server.kill()
    assert [(r["id"], r["time_flag"], r["kiosk_clock_skew_s"]) for r in listed] == [
        (RECORD_ID, None, None)
    ]


def test_opening_an_upgraded_file_again_changes_nothing(tmp_path):
    path = tmp_path / "server.db"
    make_first_schema_file(path)
    open_engine(f"sqlite:///{path}").dispose()
    before = path.read_bytes()
    open_engine(f"sqlite:///{path}").dispose()
    assert path.read_bytes() == before


def test_migrations_build_exactly_the_models_tables(any_db_url):
    engine = open_engine(any_db_url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_head_constant_is_alembics_head():
    assert head_revision() == HEAD_REVISION
