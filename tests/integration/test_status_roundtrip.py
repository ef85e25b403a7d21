"""The status round trip end to end on loopback: a kiosk's store submits a request and
pushes it to the real server (SQLite, and PostgreSQL when MPP_TEST_POSTGRES_URL is set), the
MPP back office sets its status through the server's API, the kiosk pulls, and the
resident's lookup at the kiosk (and the phone page the receipt's QR opens) shows it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session
from uuid6 import uuid7

from kiosk.bootstrap import KioskApp
from kiosk.store.models import OutboxEntry
from kiosk.store.state import write_state
from kiosk.usecases import submit_request
from kiosk.usecases.status import CURSOR_KEY, lookup
from mpp_server.accounts import add_backoffice
from mpp_server.db import open_engine
from mpp_server.statuses import SEED_ACTOR, Received, record_received, set_status
from sync.puller import pull_statuses
from sync.pusher import push_pending
from tests.integration.conftest import LEGALISIR_ANSWERS, ServerProcess

KIOSK_ID = "k-rogojampi-1"


@pytest.fixture
def any_server(any_db_url: str) -> Iterator[ServerProcess]:
    process = ServerProcess(any_db_url).start()
    yield process
    process.kill()


@pytest.fixture
def kiosk(any_server: ServerProcess, kiosk_factory) -> KioskApp:  # noqa: ANN001
    return kiosk_factory(any_server.url, any_server.add_kiosk(KIOSK_ID))


@pytest.fixture
def backoffice(any_server: ServerProcess) -> str:
    engine = open_engine(any_server.database_url)
    try:
        return add_backoffice(engine, "mpp-backoffice")
    finally:
        engine.dispose()


def submit(app: KioskApp):  # noqa: ANN201
    return submit_request(
        app.context, "LEGALISIR", LEGALISIR_ANSWERS, language="id", notice_version="2026-11"
    )


def set_by_backoffice(server: ServerProcess, token: str, code: str, **body: object) -> dict:
    answer = httpx.post(
        f"{server.url}/api/v1/requests/{code}/status",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


READY = {
    "status": "ready",
    "note": "Bawa tanda terima ini dan KTP asli.",
    "pickup_place": "MPP Banyuwangi, loket 4",
    "pickup_from": "2026-12-02",
}


def pull(app: KioskApp):  # noqa: ANN201
    return pull_statuses(app.status_inbox(), app.sync_client())


def test_a_status_set_by_the_back_office_shows_in_the_kiosks_lookup(any_server, kiosk, backoffice):
    ticket = submit(kiosk)
    assert push_pending(kiosk.outbox, kiosk.sync_client()).accepted >= 1

    before = pull(kiosk)
    received = lookup(kiosk.context, ticket.tracking_code)
    set_by_backoffice(any_server, backoffice, ticket.tracking_code, **READY)
    after = pull(kiosk)
    view = lookup(kiosk.context, ticket.tracking_code.lower().replace("-", ""))

    assert (before.applied, received.status) == (1, "received")  # version 1, at ingest
    assert after.applied == 1
    assert (view.state, view.status, view.version) == ("status", "ready", 2)
    assert view.status_words == ("Selesai, siap diambil", "Ready for pickup")
    assert (view.pickup_place, view.pickup_from) == ("MPP Banyuwangi, loket 4", date(2026, 12, 2))
    assert view.note == "Bawa tanda terima ini dan KTP asli."


def test_a_request_not_yet_confirmed_keeps_waiting_until_its_push_is(any_server, kiosk, backoffice):
    ticket = submit(kiosk)
    push_pending(kiosk.outbox, kiosk.sync_client())
    with kiosk.store.uow() as uow:  # the server stored it, but its answer never came back
        uow.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.record_id == ticket.request_id)
            .values(state="pending", sent_at=None)
        )
        uow.commit()
    set_by_backoffice(any_server, backoffice, ticket.tracking_code, **READY)

    pull(kiosk)
    waiting = lookup(kiosk.context, ticket.tracking_code)
    resent = push_pending(kiosk.outbox, kiosk.sync_client())
    confirmed = lookup(kiosk.context, ticket.tracking_code)  # no pull in between

    assert (waiting.state, waiting.status) == ("waiting_to_send", None)
    assert resent.duplicate == 1
    assert (confirmed.state, confirmed.status) == ("status", "ready")


def test_a_cursor_the_server_refuses_resyncs_and_applies_nothing_twice(
    any_server, kiosk, backoffice, tmp_path
):
    ticket = submit(kiosk)
    push_pending(kiosk.outbox, kiosk.sync_client())
    set_by_backoffice(any_server, backoffice, ticket.tracking_code, **READY)
    first = pull(kiosk)
    # A cursor from another server (a kiosk moved, a server rebuilt): a real one, not ours.
    other = ServerProcess(f"sqlite:///{tmp_path / 'other.db'}").start()
    try:
        other_token = other.add_kiosk(KIOSK_ID)
        foreign = httpx.get(
            f"{other.url}/api/v1/status-changes",
            headers={"Authorization": f"Bearer {other_token}"},
            timeout=10,
        ).json()["cursor"]
    finally:
        other.kill()
    with kiosk.store.uow() as uow:
        write_state(uow.session, CURSOR_KEY, foreign)
        uow.commit()

    again = pull(kiosk)

    assert (first.changes, first.applied) == (2, 2)  # received, then ready
    assert (again.resets, again.changes, again.applied) == (1, 2, 0)
    assert kiosk.status_inbox().cursor() not in (None, foreign)
    assert lookup(kiosk.context, ticket.tracking_code).status == "ready"


def test_a_replayed_pull_applies_nothing_twice(any_server, kiosk, backoffice):
    ticket = submit(kiosk)
    push_pending(kiosk.outbox, kiosk.sync_client())
    set_by_backoffice(any_server, backoffice, ticket.tracking_code, status="in_process")
    pull(kiosk)
    kiosk.status_inbox().reset()

    replay = pull(kiosk)

    assert (replay.changes, replay.applied) == (2, 0)
    assert lookup(kiosk.context, ticket.tracking_code).version == 2


def seed_week(database_url: str, requests: int) -> None:
    """A week of an outpost's requests at the server, each received then in process."""
    engine = open_engine(database_url)
    now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    codes = [f"W{n:03d}-{n % 7}AAA-{n:04d}" for n in range(requests)]
    try:
        with Session(engine) as session:
            record_received(
                session,
                [
                    Received(str(uuid7()), code, None, "rogojampi", "LEGALISIR", now.date(), now)
                    for code in codes
                ],
                now,
            )
            for code in codes:
                set_status(session, code, "in_process", actor=SEED_ACTOR, now=now)
            session.commit()
    finally:
        engine.dispose()


def test_a_week_offline_catches_up_in_one_kiosk_sync_pull(
    any_server, kiosk, tmp_path, capsys, monkeypatch
):
    from kiosk.sync_cli import main

    seed_week(any_server.database_url, 600)  # 1,200 changes: two pages of 1,000
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "{KIOSK_ID}"\noutpost = "rogojampi"\n'
        f'data_dir = "{kiosk.paths.root.as_posix()}"\n'
        f'[server]\nurl = "{any_server.url}"\ntoken = "{kiosk.settings.server.token}"\n',
        encoding="utf-8",
    )

    assert main(["--config", str(config), "status"]) == 0
    before = capsys.readouterr().out
    assert re.search(r"^statuses held 0$", before, re.M) and re.search(
        r"^last pull {5}never$", before, re.M
    ), before

    with monkeypatch.context() as terminal:
        terminal.setattr("kiosk.sync_cli._is_terminal", lambda stream: True)
        assert main(["--config", str(config), "pull", "--only", "statuses"]) == 0
    shown = capsys.readouterr()
    assert main(["--config", str(config), "pull", "--only", "statuses"]) == 0
    second = capsys.readouterr()

    assert "1200 changes in 2 pages, 1200 new, 0 already held" in shown.out
    assert "status changes" in shown.err and "2 pages, 1200 new" in shown.err  # the progress
    assert "0 changes in 1 page, 0 new" in second.out
    assert "status changes" not in second.err  # not a terminal: the summary line alone

    assert main(["--config", str(config), "status"]) == 0
    after = capsys.readouterr().out
    assert re.search(r"^statuses held 600$", after, re.M), after
    assert re.search(r"^last pull {5}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WIB$", after, re.M), after
    assert main(["--config", str(config), "status", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["statuses_held"] == 600 and data["last_pull_at"].endswith("+00:00")
    view = lookup(kiosk.context, "W599-4AAA-0599")
    assert (view.state, view.status, view.version) == ("status", "in_process", 2)


def test_the_worker_pulls_after_its_push_and_on_demand(any_server, kiosk, backoffice):
    from sync.worker import SyncWorker

    ticket = submit(kiosk)
    worker = SyncWorker(
        kiosk.outbox, kiosk.sync_client(), inbox=kiosk.status_inbox(), debounce_s=0.01
    )
    worker.start()
    try:
        worker.notify_submitted()
        assert _eventually(lambda: lookup(kiosk.context, ticket.tracking_code).status)
        assert lookup(kiosk.context, ticket.tracking_code).status == "received"
        set_by_backoffice(any_server, backoffice, ticket.tracking_code, **READY)
        worker.pull_now()
        assert _eventually(lambda: lookup(kiosk.context, ticket.tracking_code).status == "ready")
    finally:
        worker.stop()
    assert worker.state.pull_error is None and worker.state.statuses_pulled == 2


def _eventually(check, timeout_s: float = 15.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return bool(check())


# -- the receipt's QR opens the phone page ------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
def test_the_receipts_qr_is_the_status_page_and_it_shows_the_status(
    any_server, kiosk, backoffice, tmp_path
):
    import zxingcpp
    from PIL import Image, ImageOps

    from devtools.escpos_emulator import emulate
    from kiosk.printouts import request_receipt
    from printing import render_escpos, render_pdf
    from tests.printed import pdf_text

    ticket = submit(kiosk)
    receipt = request_receipt(kiosk, ticket, LEGALISIR_ANSWERS, "id")
    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(render_pdf(receipt, "80mm"))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", pdf, tmp_path / "page"], check=True
    )
    from_pdf = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    printed = emulate(render_escpos(receipt, "80mm"), "80mm").receipts[0]
    paper = ImageOps.expand(printed.image.convert("L"), border=32, fill=255)
    from_paper = zxingcpp.read_barcodes(paper)

    url = f"{any_server.url}/s/{ticket.tracking_code}"
    assert [b.text for b in from_pdf if b.format == zxingcpp.BarcodeFormat.QRCode] == [url]
    assert [b.text for b in from_paper if b.format == zxingcpp.BarcodeFormat.QRCode] == [url]
    assert ticket.tracking_code in pdf_text(pdf.read_bytes())  # still printed as text

    push_pending(kiosk.outbox, kiosk.sync_client())
    set_by_backoffice(any_server, backoffice, ticket.tracking_code, **READY)
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200
    assert "Selesai, siap diambil" in page.text
    assert LEGALISIR_ANSWERS["nama"] not in page.text and LEGALISIR_ANSWERS["nik"] not in page.text


def test_a_status_slip_prints_and_reads_back(any_server, kiosk, backoffice, tmp_path):
    import zxingcpp
    from PIL import ImageOps

    from devtools.escpos_emulator import emulate
    from kiosk.printouts import status_slip
    from printing import render_escpos, render_pdf
    from tests.printed import pdf_text

    ticket = submit(kiosk)
    push_pending(kiosk.outbox, kiosk.sync_client())
    set_by_backoffice(
        any_server,
        backoffice,
        ticket.tracking_code,
        status="needs_documents",
        note="Fotokopi KK kurang jelas.",
        missing_documents=["Fotokopi Kartu Keluarga (KK)"],
    )
    pull(kiosk)
    slip = status_slip(kiosk, lookup(kiosk.context, ticket.tracking_code), "id")

    text = " ".join(pdf_text(render_pdf(slip, "80mm")).split())
    printed = emulate(render_escpos(slip, "58mm"), "58mm").receipts[0]
    paper_text = " ".join(printed.text.split())
    paper = ImageOps.expand(printed.image.convert("L"), border=32, fill=255)

    for words in ("Perlu dilengkapi", "Fotokopi Kartu Keluarga (KK)", ticket.tracking_code):
        assert words in text and words in paper_text, words
    for personal in (LEGALISIR_ANSWERS["nama"], LEGALISIR_ANSWERS["nik"], "081234567890"):
        assert personal not in text and personal not in paper_text
    qr = [b.text for b in zxingcpp.read_barcodes(paper)]
    assert qr == [f"{any_server.url}/s/{ticket.tracking_code}"]


def test_the_status_base_url_setting_moves_the_qr(tmp_path: Path):
    from kiosk.config import parse_config

    settings = parse_config(
        {
            "kiosk_id": KIOSK_ID,
            "outpost": "rogojampi",
            "server": {"url": "https://mpp.banyuwangikab.go.id/sync/", "token": "t"},
        }
    )
    moved = parse_config(
        {
            "kiosk_id": KIOSK_ID,
            "outpost": "rogojampi",
            "server": {"url": "https://a.example", "status_base_url": "https://s.example/"},
        }
    )
    assert settings.server.status_url("7KQ2-M9XD-4T1B") == (
        "https://mpp.banyuwangikab.go.id/s/7KQ2-M9XD-4T1B"
    )
    assert moved.server.status_url("7KQ2-M9XD-4T1B") == "https://s.example/s/7KQ2-M9XD-4T1B"
    from kiosk.config import ConfigError

    with pytest.raises(ConfigError, match="status_base_url"):
        parse_config(
            {
                "kiosk_id": KIOSK_ID,
                "outpost": "rogojampi",
                "server": {"status_base_url": "http://status.example"},
            }
        )
