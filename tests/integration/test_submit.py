"""Submitting a service request against the real catalogue, on a real SQLite file."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select, text

from devtools.sample_answers import KTP_BARU
from forms import ValidationFailed, load_catalogue
from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest
from kiosk.usecases import NoticeNotAccepted, issue_ticket, submit_request


@pytest.fixture
def app(tmp_path):
    settings = KioskSettings(kiosk_id="rgj-1", outpost="rogojampi", data_dir=tmp_path)
    app = build_app(settings)
    yield app
    app.close()


def counts(app) -> dict[str, int]:  # noqa: ANN001
    with app.store.uow(read_only=True) as uow:
        return {
            m.__tablename__: uow.session.scalar(select(func.count()).select_from(m))
            for m in (ServiceRequest, QueueTicket, OutboxEntry)
        }


def test_submit_stores_request_ticket_and_outbox_in_one_go(app):
    issued = submit_request(
        app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="2026-11"
    )
    assert issued.number == "A-001" and issued.request_id
    assert counts(app) == {"service_requests": 1, "queue_tickets": 1, "outbox": 2}
    with app.store.uow(read_only=True) as uow:
        request = uow.session.get(ServiceRequest, issued.request_id)
        assert request.form_id == "ktp_baru"
        assert request.form_version == load_catalogue().form("ktp_baru").version
        assert request.notice_version == "2026-11"
        kinds = sorted(uow.session.scalars(select(OutboxEntry.kind)).all())
        answers = json.loads(app.context.cipher.decrypt(request.answers, request.id))
    assert kinds == ["service_request", "ticket_event"]
    assert answers["telepon"] == "+6281234567890" and answers["nama"] == "BUDI SANTOSO"


def test_answers_are_encrypted_in_the_database_file(app):
    submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="2026-11")
    app.close()  # checkpoints the WAL into the main file
    raw = app.store.path.read_bytes()
    assert b"KTP_BARU" in raw  # the file is readable as bytes: the search below is real
    assert b"3510091203850001" not in raw and b"BUDI SANTOSO" not in raw


def test_invalid_answers_store_nothing_and_name_the_fields(app):
    bad = dict(KTP_BARU, nik="3510091203850000", telepon="12")
    with pytest.raises(ValidationFailed) as caught:
        submit_request(app.context, "KTP_BARU", bad, language="id", notice_version="2026-11")
    assert {"nik", "telepon"} <= set(caught.value.errors)
    assert counts(app) == {"service_requests": 0, "queue_tickets": 0, "outbox": 0}
    # the number was not used up: the next resident still gets A-001
    assert issue_ticket(app.context, "KTP_BARU").number == "A-001"


def test_submit_without_accepting_the_notice_stores_nothing(app):
    with pytest.raises(NoticeNotAccepted):
        submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version=None)
    assert counts(app)["service_requests"] == 0


def test_integrity_holds_after_many_submissions(app):
    for _ in range(30):
        submit_request(app.context, "KTP_BARU", KTP_BARU, language="en", notice_version="x")
    with app.store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert conn.execute(text("PRAGMA foreign_key_check")).fetchall() == []
