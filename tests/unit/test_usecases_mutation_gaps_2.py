"""What the admin, the operator and the stored data show of accounts, the clock check, the
purge of old copies and a recall: each test a mutant the other use-case tests let through."""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.bootstrap import build_app, open_store
from kiosk.config import KioskSettings
from kiosk.store import open_engine
from kiosk.store.models import AuditEntry, OperatorAccount
from kiosk.store.uow import make_uow_factory
from kiosk.usecases import (
    KioskContext,
    Operator,
    OperatorExists,
    add_operator,
    call_next,
    has_admin,
    issue_ticket,
    recall,
    submit_request,
    unlock_console,
)
from kiosk.usecases.clock_check import clock_status, record_clock_skew
from kiosk.usecases.operators import has_operators, record_app_closed, set_operator_active
from kiosk.usecases.privacy import purge_expired
from kiosk.version import BUILD_DATE
from tests.fakes import FakeCatalogue

AFTER_RELEASE = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 WIB, a week after the release


def audit(ctx: KioskContext, action: str) -> list[tuple[datetime, str | None, dict]]:
    """The audit rows of one action as stored: (time, naive UTC; actor; detail)."""
    with ctx.uow(read_only=True) as uow:
        rows = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [(row.at, row.actor_id, row.detail) for row in rows]


# -- operator accounts -----------------------------------------------------------------


def test_a_second_account_of_the_same_name_is_refused_naming_it(ctx) -> None:
    add_operator(ctx, "Bu Sri", "operator", "482913")

    with pytest.raises(OperatorExists) as caught:
        add_operator(ctx, "  bu   SRI ", "operator", "571830")

    # kiosk-admin prints "an account named {error} exists already"
    assert str(caught.value) == "bu SRI"


def test_adding_an_account_is_audited_with_the_new_account_and_its_role(ctx) -> None:
    admin = add_operator(ctx, "Pak Adi", "admin", "739164")

    operator = add_operator(ctx, "Bu Sri", "operator", "482913", admin.id)

    added = [(actor, detail) for _at, actor, detail in audit(ctx, "operator_added")]
    assert (admin.id, {"operator": operator.id, "role": "operator"}) in added


def test_a_stored_pin_hash_reads_scrypt_parameters_a_16_byte_salt_and_a_32_byte_digest(ctx):
    add_operator(ctx, "Bu Sri", "operator", "482913")
    add_operator(ctx, "Pak Adi", "admin", "739164")

    with ctx.uow(read_only=True) as uow:
        stored = uow.session.scalars(select(OperatorAccount.pin_hash)).all()

    shape = re.compile(r"scrypt\$16384\$8\$1\$([0-9a-f]{32})\$[0-9a-f]{64}")  # docs/decisions.md
    salts = [shape.fullmatch(value) for value in stored]
    assert all(salts), stored
    assert salts[0].group(1) != salts[1].group(1)  # each account has its own salt


def test_disabling_an_account_returns_it_and_audits_which_account_went(ctx) -> None:
    operator = add_operator(ctx, "Bu Sri", "operator", "482913")

    disabled = set_operator_active(ctx, "bu sri", False, via="admin_panel")

    assert disabled == Operator(operator.id, "Bu Sri", "operator")
    assert [(actor, detail) for _at, actor, detail in audit(ctx, "operator_disabled")] == [
        (None, {"operator": operator.id, "via": "admin_panel"})
    ]


def test_an_unlock_is_audited_with_the_role_it_opened(ctx) -> None:
    add_operator(ctx, "Bu Sri", "operator", "482913")

    unlock_console(ctx, "482913")

    assert [detail for _at, _actor, detail in audit(ctx, "console_unlocked")] == [
        {"role": "operator"}
    ]


def test_closing_the_app_is_audited_at_that_moment_under_the_admin(ctx, clock) -> None:
    admin = add_operator(ctx, "Pak Adi", "admin", "739164")
    clock.set_to(datetime(2026, 11, 27, 9, 30, tzinfo=UTC))

    record_app_closed(ctx, admin.id)

    assert audit(ctx, "app_closed") == [(datetime(2026, 11, 27, 9, 30), admin.id, {})]


def test_a_new_kiosk_has_no_admin_until_one_is_added(ctx) -> None:
    assert has_admin(ctx) is False
    add_operator(ctx, "Bu Sri", "operator", "482913")
    assert has_admin(ctx) is False  # an operator is not an admin

    add_operator(ctx, "Pak Adi", "admin", "739164")

    assert has_admin(ctx) is True


def test_a_new_kiosk_has_no_operators_until_one_is_added(ctx) -> None:
    assert has_operators(ctx) is False

    add_operator(ctx, "Bu Sri", "operator", "482913")

    assert has_operators(ctx) is True


def test_the_start_up_account_checks_answer_while_another_writer_holds_the_lock(
    tmp_path: Path, clock
) -> None:
    path = tmp_path / "kiosk.db"
    open_store(path, tmp_path / "backups").engine.dispose()
    engine = open_engine(path, busy_timeout_ms=200)  # gives up after 0.2 s, not 10 s
    ctx = KioskContext(
        uow=make_uow_factory(engine),
        catalogue=FakeCatalogue(),
        kiosk_id="k1",
        outpost="rogojampi",
        clock=clock,
    )
    add_operator(ctx, "Pak Adi", "admin", "739164")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # e.g. the sync worker marking rows sent
    try:
        operators, admin = has_operators(ctx), has_admin(ctx)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        engine.dispose()
    assert (operators, admin) == (True, True)


# -- the clock check -------------------------------------------------------------------


def test_a_clock_set_back_behind_the_newest_audit_record_is_implausible(ctx, clock) -> None:
    clock.set_to(AFTER_RELEASE)
    issue_ticket(ctx, "KTP")
    clock.set_to(AFTER_RELEASE + timedelta(hours=1))
    add_operator(ctx, "Bu Sri", "operator", "482913")  # audited: an outbox row, no ticket
    clock.set_to(AFTER_RELEASE + timedelta(minutes=30))  # set back by hand

    status = clock_status(ctx)

    assert status.newest_record_at == datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    assert status.warnings == ("before_records",)


def test_the_clock_report_carries_the_last_measurement_whole(ctx, clock) -> None:
    clock.set_to(AFTER_RELEASE)
    record_clock_skew(
        ctx.uow,
        42.5,
        kiosk_time=AFTER_RELEASE,
        server_time=AFTER_RELEASE + timedelta(seconds=42.5),
        round_trip_s=0.25,
    )
    clock.set_to(AFTER_RELEASE + timedelta(minutes=10))

    report = clock_status(ctx).as_dict()

    assert report == {
        "now": "2026-12-07T02:10:00+00:00",
        "build_date": BUILD_DATE.isoformat(),
        "newest_record_at": None,
        "skew_s": 42.5,
        "skew_measured_at": "2026-12-07T02:00:00+00:00",
        "skew_server_time": "2026-12-07T02:00:42.500000+00:00",
        "skew_round_trip_s": 0.25,
        "warnings": [],
    }


# -- the purge of old database copies --------------------------------------------------


def test_a_copy_without_a_stamp_in_its_name_goes_by_its_file_time(ctx, clock, tmp_path) -> None:
    clock.set_to(datetime(2026, 11, 27, 1, 0, tzinfo=UTC))
    folder = tmp_path / "copies"
    folder.mkdir()
    old = folder / "kiosk-copied-by-hand.db"
    recent = folder / "kiosk-before-update.db"
    for path, made in (
        (old, datetime(2026, 8, 1, tzinfo=UTC)),  # 118 days before: past 30 days' retention
        (recent, datetime(2026, 11, 20, tzinfo=UTC)),  # a week before: kept
    ):
        path.write_bytes(b"SQLite format 3\x00")
        os.utime(path, (made.timestamp(), made.timestamp()))

    report = purge_expired(dataclasses.replace(ctx, backup_dir=folder), retention_days=30)

    assert report.backups == 1
    assert sorted(p.name for p in folder.iterdir()) == ["kiosk-before-update.db"]


# -- a recall ----------------------------------------------------------------------------

LEGALISIR_ANSWERS = {
    "nik": "3510091203850001",
    "nama": "Budi Santoso",
    "dokumen": ["kk"],
    "jumlah_lembar": 2,
    "telepon": "081234567890",
    "persetujuan": True,
}


def test_a_recalled_ticket_still_shows_the_request_behind_it(tmp_path, clock) -> None:
    settings = KioskSettings(kiosk_id="rgj-1", outpost="rogojampi", data_dir=tmp_path)
    app = build_app(settings, clock=clock, monotonic=clock.monotonic)
    try:
        submit_request(
            app.context, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="2026.1"
        )
        called = call_next(app.context, service_code="LEGALISIR")

        recalled = recall(app.context, called.ticket_id)
    finally:
        app.close()

    assert (recalled.status, recalled.recall_count, recalled.has_request) == ("called", 1, True)
