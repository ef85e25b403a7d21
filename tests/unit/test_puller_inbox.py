"""The kiosk's side of the status pull: ``KioskStatusInbox`` over a real SQLite file, the
lookup a resident's screen asks, and the record that carries the tracking code."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text, update

from forms import load_catalogue
from kiosk.store.models import OutboxEntry
from kiosk.usecases import KioskContext, issue_ticket, submit_request
from kiosk.usecases.outbox import KioskOutbox, build_record
from kiosk.usecases.status import (
    KioskStatusInbox,
    TrackingCodeInvalid,
    TrackingCodeUnknown,
    last_heard_at,
    lookup,
    tracking_code_from,
)
from sync.protocol import StatusChange, StatusChangesPage, status_secret
from tests.integration.conftest import LEGALISIR_ANSWERS


@pytest.fixture
def ctx(store, clock) -> KioskContext:
    return KioskContext(
        uow=store.uow,
        catalogue=load_catalogue(),
        kiosk_id="k1",
        outpost="rogojampi",
        clock=clock,
        monotonic=clock.monotonic,
    )


@pytest.fixture
def inbox(ctx) -> KioskStatusInbox:
    return KioskStatusInbox(uow=ctx.uow, clock=ctx.clock)


def submit(ctx):  # noqa: ANN001, ANN201
    return submit_request(
        ctx, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="2026-11"
    )


def change(ticket, version: int, status: str = "in_process", **fields) -> StatusChange:  # noqa: ANN001
    return StatusChange(
        request_id=ticket.request_id,
        tracking_code=ticket.tracking_code,
        service_code="LEGALISIR",
        status=status,
        version=version,
        changed_at=datetime(2026, 11, 27, 3, version, tzinfo=UTC),
        **fields,
    )


def page(*changes: StatusChange, cursor: str = "c1") -> StatusChangesPage:
    return StatusChangesPage(
        changes=list(changes), cursor=cursor, more=False, server_time=datetime.now(UTC)
    )


def mark_sent(ctx, record_id: str) -> None:  # noqa: ANN001
    with ctx.uow() as uow:
        uow.session.execute(
            update(OutboxEntry).where(OutboxEntry.record_id == record_id).values(state="sent")
        )
        uow.commit()


# -- the record carries the code ---------------------------------------------------------


def test_the_pushed_record_carries_the_tracking_code_and_the_nik_secret(ctx):
    ticket = submit(ctx)
    with ctx.uow(read_only=True) as uow:
        entry = uow.session.query(OutboxEntry).filter_by(record_id=ticket.request_id).one()
        record = build_record(uow.session, entry, ctx.cipher)

    assert record.payload["tracking_code"] == ticket.tracking_code
    nik = LEGALISIR_ANSWERS["nik"]
    assert record.payload["status_secret"] == status_secret(ticket.tracking_code, nik[-4:])
    assert len(record.payload["status_secret"]) == 64  # HMAC-SHA256, hex: never the digits


def test_a_request_stored_before_statuses_keeps_the_record_it_was_sent_as(ctx):
    ticket = submit(ctx)
    with ctx.uow() as uow:  # what the upgrade leaves for requests made before it
        uow.session.execute(text("UPDATE service_requests SET status_secret = NULL"))
        uow.commit()
    with ctx.uow(read_only=True) as uow:
        entry = uow.session.query(OutboxEntry).filter_by(record_id=ticket.request_id).one()
        record = build_record(uow.session, entry, ctx.cipher)
    assert "tracking_code" not in record.payload and "status_secret" not in record.payload


# -- the inbox ---------------------------------------------------------------------------------


def test_a_page_is_kept_with_its_cursor_and_the_time_heard(ctx, inbox, clock):
    ticket = submit(ctx)
    assert inbox.cursor() is None and last_heard_at(ctx) is None

    assert inbox.apply(page(change(ticket, 1, "received"), change(ticket, 2))) == 2

    assert inbox.cursor() == "c1"
    assert last_heard_at(ctx) == clock.now
    with ctx.uow(read_only=True) as uow:
        rows = uow.session.execute(text("SELECT status, version FROM request_status")).all()
    assert rows == [("in_process", 2)]


def test_only_a_higher_version_replaces_what_is_held(ctx, inbox):
    ticket = submit(ctx)
    inbox.apply(page(change(ticket, 3, "ready", pickup_place="Loket 4")))

    applied = inbox.apply(page(change(ticket, 2), change(ticket, 3, "refused"), cursor="c2"))

    assert applied == 0  # older, and the same version again: nothing changes
    mark_sent(ctx, ticket.request_id)
    view = lookup(ctx, ticket.tracking_code)
    assert (view.status, view.version, view.pickup_place) == ("ready", 3, "Loket 4")
    assert inbox.cursor() == "c2"  # the cursor still moves on


def test_reset_drops_the_cursor_but_keeps_the_statuses(ctx, inbox):
    ticket = submit(ctx)
    inbox.apply(page(change(ticket, 2)))
    inbox.reset()
    assert inbox.cursor() is None
    mark_sent(ctx, ticket.request_id)
    assert lookup(ctx, ticket.tracking_code).status == "in_process"


# -- the lookup ------------------------------------------------------------------------------


def test_a_request_waiting_to_be_sent_shows_that_not_the_servers_status(ctx, inbox):
    ticket = submit(ctx)
    inbox.apply(page(change(ticket, 4, "ready", pickup_place="Loket 4")))

    waiting = lookup(ctx, ticket.tracking_code)
    mark_sent(ctx, ticket.request_id)
    confirmed = lookup(ctx, ticket.tracking_code)

    assert (waiting.state, waiting.status, waiting.pickup_place) == ("waiting_to_send", None, None)
    assert (confirmed.state, confirmed.status) == ("status", "ready")
    assert confirmed.status_words == ("Selesai, siap diambil", "Ready for pickup")


def test_a_sent_request_without_news_says_when_the_kiosk_last_heard(ctx, inbox, clock):
    ticket = submit(ctx)
    mark_sent(ctx, ticket.request_id)
    assert lookup(ctx, ticket.tracking_code).last_heard_at is None

    inbox.apply(page())  # an empty page: the server answered, nothing new
    view = lookup(ctx, ticket.tracking_code)

    assert (view.state, view.last_heard_at) == ("no_news", clock.now)
    name = ctx.catalogue.service("LEGALISIR").name
    assert view.service_name == (name.id, name.en)


def test_the_code_is_found_typed_any_way_or_scanned_as_the_receipts_url(ctx):
    ticket = submit(ctx)
    code = ticket.tracking_code
    for typed in (
        code,
        code.lower(),
        code.replace("-", ""),
        f"  {code.replace('-', ' ')} ",
        f"https://mpp.banyuwangikab.go.id/s/{code}",
        f"https://mpp.banyuwangikab.go.id/s/{code}/",
    ):
        assert lookup(ctx, typed).tracking_code == code, typed


def test_a_code_held_only_by_the_server_is_found(ctx, inbox):
    other_kiosks = StatusChange(
        request_id="0190a2b4-0000-7000-8000-000000000001",
        tracking_code="ABCD-EFGH-JKMN",
        service_code="LEGALISIR",
        status="needs_documents",
        version=2,
        changed_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
        missing_documents=["Fotokopi KK"],
    )
    inbox.apply(page(other_kiosks))
    view = lookup(ctx, "abcd efgh jkmn")
    assert (view.state, view.missing_documents) == ("status", ("Fotokopi KK",))


def test_bad_and_unknown_codes_are_told_apart_and_change_nothing(ctx):
    submit(ctx)
    for bad in ("", "123", "7KQ2-M9XD-4T1B-EXTRA", "https://x/s/", "<script>"):
        with pytest.raises(TrackingCodeInvalid):
            lookup(ctx, bad)
    with pytest.raises(TrackingCodeUnknown):
        lookup(ctx, "ZZZZ-ZZZZ-ZZZZ")
    with ctx.uow(read_only=True) as uow:
        assert uow.session.execute(text("SELECT count(*) FROM request_status")).scalar() == 0


def test_a_queue_tickets_code_says_it_has_no_request(ctx):
    ticket = issue_ticket(ctx, "PASPOR")
    assert lookup(ctx, ticket.tracking_code).state == "queue_only"


def test_the_answer_holds_nothing_personal(ctx, inbox):
    ticket = submit(ctx)
    inbox.apply(page(change(ticket, 2, "needs_documents", note="Bawa KK asli")))
    mark_sent(ctx, ticket.request_id)
    shown = json.dumps(asdict(lookup(ctx, ticket.tracking_code)), default=str)
    for value in (LEGALISIR_ANSWERS["nik"], LEGALISIR_ANSWERS["nama"], "081234567890"):
        assert value not in shown
    assert LEGALISIR_ANSWERS["nik"][-4:] not in shown.replace(ticket.tracking_code, "")


def test_tracking_code_from_reads_crockford_look_alikes():
    assert tracking_code_from("7kq2-m9xd-4tlb") == "7KQ2-M9XD-4T1B"  # l is read as 1
    assert tracking_code_from("7KQ2-M9XD-4TIB") == "7KQ2-M9XD-4T1B"


def test_the_outbox_confirmation_is_what_lets_the_status_show(ctx, inbox, tmp_path):
    """Through the outbox's own apply, as the pusher does it."""
    from sync.protocol import RecordResult

    ticket = submit(ctx)
    inbox.apply(page(change(ticket, 2, "ready", pickup_from=date(2026, 12, 1))))
    outbox = KioskOutbox(uow=ctx.uow, data_dir=tmp_path, kiosk_id="k1", outpost="rogojampi")
    assert lookup(ctx, ticket.tracking_code).state == "waiting_to_send"
    outbox.apply([RecordResult(id=ticket.request_id, status="duplicate")], ctx.clock())
    view = lookup(ctx, ticket.tracking_code)
    assert (view.state, view.pickup_from) == ("status", date(2026, 12, 1))
    assert view.changed_at == datetime(2026, 11, 27, 3, 2, tzinfo=UTC)


# -- migration 0005 on a real file ---------------------------------------------------------


def test_upgrading_a_0004_database_keeps_its_requests_and_their_records(tmp_path):
    """A kiosk in the field with a request sent before statuses existed: after the upgrade
    the row is kept, statuses can be stored, and the record is built exactly as before (so a
    resend is a duplicate on the server, never a conflict)."""
    from alembic import command

    from kiosk.bootstrap import open_store
    from kiosk.store.db import open_engine
    from kiosk.store.migrate import alembic_config
    from sync.protocol import content_hash

    path = tmp_path / "field.db"
    engine = open_engine(path)
    command.upgrade(alembic_config(engine), "0004")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO queue_tickets (id, number, letter, sequence, day, service_code,"
                " counter, kiosk_id, outpost, status, tracking_code, issued_at, recall_count,"
                " print_count) VALUES ('t1','J-001','J',1,'2026-11-20','LEGALISIR','3','k1',"
                " 'rogojampi','served','AAAA-BBBB-CCCC','2026-11-20 01:00:00',0,1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO service_requests (id, service_code, form_id, form_version, answers,"
                " language, created_at, kiosk_id, outpost, ticket_id) VALUES"
                " ('0190a2b4-0000-7000-8000-00000000000a','LEGALISIR','legalisir',1,"
                " '{\"nama\": \"SITI\"}','id','2026-11-20 01:00:00','k1','rogojampi','t1')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO outbox (record_id, kind, state, attempts, created_at) VALUES"
                " ('0190a2b4-0000-7000-8000-00000000000a','service_request','sent',0,"
                " '2026-11-20 01:00:00')"
            )
        )
    engine.dispose()

    store = open_store(path, tmp_path / "backups")
    try:
        with store.uow(read_only=True) as uow:
            entry = uow.session.query(OutboxEntry).one()
            record = build_record(uow.session, entry, None)
        assert record.payload["answers"] == {"nama": "SITI"}
        assert "tracking_code" not in record.payload
        assert content_hash(record) == _hash_as_0004_built_it(record)
        assert store.backup_made is not None and store.backup_made.exists()
        ctx = KioskContext(
            uow=store.uow, catalogue=load_catalogue(), kiosk_id="k1", outpost="rogojampi"
        )
        KioskStatusInbox(uow=store.uow).apply(
            page(
                StatusChange(
                    request_id="0190a2b4-0000-7000-8000-00000000000a",
                    tracking_code="AAAA-BBBB-CCCC",
                    service_code="LEGALISIR",
                    status="ready",
                    version=2,
                    changed_at=datetime(2026, 11, 29, 3, 0, tzinfo=UTC),
                    pickup_place="Loket 4",
                    pickup_from=date(2026, 12, 1),
                )
            )
        )
        assert lookup(ctx, "aaaa-bbbb-cccc").status == "ready"
    finally:
        store.engine.dispose()


def _hash_as_0004_built_it(record) -> str:  # noqa: ANN001
    """The content hash of the record with the payload keys a kiosk before 0005 sent."""
    from sync.protocol import Record, content_hash

    keys = (
        "service_code",
        "language",
        "answers",
        "ticket_id",
        "ticket_number",
        "day",
        "notice_version",
        "notice_accepted_at",
    )
    before = Record(**{**record.model_dump(), "payload": {k: record.payload[k] for k in keys}})
    return content_hash(before)


def test_the_status_secret_is_hmac_sha256_keyed_by_the_code() -> None:
    # RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
    assert status_secret("Jefe", "what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )
