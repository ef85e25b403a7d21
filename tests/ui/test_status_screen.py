"""Cek status at the kiosk, driven through the real widgets: Home → Cek status → the code
typed on the on-screen keys → the answer; a receipt scanned with a keyboard-wedge scanner
from any screen goes straight to the answer; slow typing is not a scan."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QPushButton
from sqlalchemy import update

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import KioskSettings
from kiosk.store.models import OutboxEntry
from kiosk.ui import i18n
from kiosk.usecases import submit_request
from kiosk.usecases.status import KioskStatusInbox
from sync.protocol import StatusChange, StatusChangesPage
from tests.ui.conftest import shown_window, tap


@pytest.fixture
def status_app(tmp_path: Path, printouts: Path) -> Iterator[KioskApp]:
    app = build_app(
        KioskSettings(
            kiosk_id="k-rogojampi-1",
            outpost="rogojampi",
            data_dir=tmp_path / "data",
            server={"url": "https://mpp.banyuwangikab.go.id", "token": ""},
            printer={"backend": "pdf_folder", "pdf_folder": str(printouts)},
        )
    )
    yield app
    app.close()


@pytest.fixture
def window(qtbot, status_app: KioskApp):  # noqa: ANN001, ANN201
    yield from shown_window(qtbot, status_app)


def submitted(app: KioskApp, *, sent: bool = True):  # noqa: ANN201
    ticket = submit_request(
        app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="2026-11"
    )
    if sent:
        with app.store.uow() as uow:
            uow.session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.record_id == ticket.request_id)
                .values(state="sent")
            )
            uow.commit()
    return ticket


def pulled(app: KioskApp, ticket, status: str = "ready", **fields) -> None:  # noqa: ANN001
    change = StatusChange(
        request_id=ticket.request_id,
        tracking_code=ticket.tracking_code,
        service_code="KTP_BARU",
        status=status,
        version=2,
        changed_at=datetime(2026, 11, 30, 3, 0, tzinfo=UTC),
        **fields,
    )
    page = StatusChangesPage(
        changes=[change], cursor="c", more=False, server_time=datetime.now(UTC)
    )
    KioskStatusInbox(uow=app.store.uow).apply(page)


READY = {"pickup_place": "MPP Banyuwangi, loket 4", "pickup_from": date(2026, 12, 2)}


def type_code(qtbot, window, code: str) -> None:  # noqa: ANN001
    keys = window.status.keyboard.current_keys()
    for char in code.replace("-", ""):
        button = keys.findChild(QPushButton, f"key_{char}")
        assert button is not None and button.isVisible(), char
        tap(qtbot, button)


def check(qtbot, window) -> None:  # noqa: ANN001
    """The keyboard's go key, "Cek status ➜": the screen's one action."""
    go = window.status.keyboard.current_keys().findChild(QPushButton, "key_next")
    assert go.text().startswith("Cek status") or go.text().startswith("Check status")
    tap(qtbot, go)


def answer_shown(window) -> bool:  # noqa: ANN001
    return window.current_screen() is window.status and window.status.answer.isVisible()


def test_home_cek_status_typed_code_shows_the_answer(qtbot, window, status_app):
    ticket = submitted(status_app)
    pulled(status_app, ticket, "ready", note="Bawa KTP lama.", **READY)

    tap(qtbot, window.home.status_button)
    assert window.current_screen() is window.status
    type_code(qtbot, window, ticket.tracking_code)
    assert window.status.code_input.text() == ticket.tracking_code  # grouped as printed
    check(qtbot, window)
    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)

    screen = window.status
    assert screen.words.text() == "Selesai, siap diambil"
    assert screen.words_en.text() == "Ready for pickup"
    assert "MPP Banyuwangi, loket 4" in screen.pickup_place.text()
    assert "2 Desember 2026" in screen.pickup_from.text()
    assert screen.note.text() == "Bawa KTP lama."
    assert screen.service.text() == status_app.catalogue.service("KTP_BARU").name.id
    shown = " ".join(w.text() for w in screen.findChildren(type(screen.words)))
    assert KTP_BARU["nama"] not in shown and KTP_BARU["nik"] not in shown


def test_the_keyboards_go_key_checks_too_and_english_reads_english(qtbot, window, status_app):
    ticket = submitted(status_app)
    pulled(status_app, ticket, "needs_documents", missing_documents=["Fotokopi KK"])
    window.set_language("en")
    tap(qtbot, window.home.status_button)
    type_code(qtbot, window, ticket.tracking_code)
    check(qtbot, window)
    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)
    assert window.status.bring_title.text() == "What to bring or complete:"
    assert "Fotokopi KK" in window.status.bring.text()
    assert window.status.words.text() == "Perlu dilengkapi"  # Indonesian first
    assert window.status.words_en.text() == "Documents needed"
    window.set_language("id")


def test_an_unknown_code_says_so_and_changes_nothing(qtbot, window, status_app):
    tap(qtbot, window.home.status_button)
    type_code(qtbot, window, "ZZZZ-ZZZZ-ZZZZ")
    check(qtbot, window)
    qtbot.waitUntil(lambda: window.status.problem.isVisible(), timeout=5000)
    assert "ZZZZ-ZZZZ-ZZZZ tidak ditemukan" in window.status.problem.text()
    assert window.current_screen() is window.status and not window.status.answer.isVisible()

    type_code(qtbot, window, "")
    window.status.clear_text()
    type_code(qtbot, window, "12")
    check(qtbot, window)
    qtbot.waitUntil(lambda: "12 huruf dan angka" in window.status.problem.text(), timeout=5000)


def test_no_status_yet_says_since_when_the_kiosk_has_no_news(qtbot, window, status_app):
    ticket = submitted(status_app)
    KioskStatusInbox(
        uow=status_app.store.uow, clock=lambda: datetime(2026, 11, 30, 2, 5, tzinfo=UTC)
    ).apply(StatusChangesPage(changes=[], cursor="c", more=False, server_time=datetime.now(UTC)))
    tap(qtbot, window.home.status_button)
    type_code(qtbot, window, ticket.tracking_code)
    check(qtbot, window)
    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)
    assert window.status.words.text() == "Belum ada kabar dari server sejak 30-11-2026 09:05 WIB"
    assert window.status.words_en.text() == "No news from the server since 30-11-2026 09:05 WIB"


def test_a_request_not_yet_sent_says_it_waits(qtbot, window, status_app):
    ticket = submitted(status_app, sent=False)
    pulled(status_app, ticket, "ready", **READY)
    window.open_status()
    window.check_status(ticket.tracking_code)
    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)
    assert window.status.words.text() == "Menunggu dikirim ke server"
    assert not window.status.pickup_place.isVisible()


# -- the keyboard-wedge scanner -----------------------------------------------------------


def scan(qtbot, window, text: str, delay_ms: int = -1) -> None:  # noqa: ANN001
    """Keys as a scanner (or a person, with ``delay_ms``) types them, then Enter."""
    target = QApplication.focusWidget() or window
    qtbot.keyClicks(target, text, delay=delay_ms)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Return, delay=delay_ms)


def test_a_scanned_receipt_goes_straight_to_the_answer_from_any_screen(qtbot, window, status_app):
    ticket = submitted(status_app)
    pulled(status_app, ticket, "ready", **READY)
    tap(qtbot, window.home.request_button)
    assert window.current_screen() is window.categories

    scan(qtbot, window, f"https://mpp.banyuwangikab.go.id/s/{ticket.tracking_code}")

    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)
    assert window.status.words.text() == "Selesai, siap diambil"
    tap(qtbot, window.status.back_button)  # back where the resident was
    assert window.current_screen() is window.categories


def test_a_scan_over_a_form_comes_back_to_the_same_question(qtbot, window, status_app):
    ticket = submitted(status_app)
    pulled(status_app, ticket, "in_process")
    tap(qtbot, window.home.request_button)
    tap(qtbot, window.categories.tiles["kependudukan"])
    tap(qtbot, window.services.tiles["KTP_BARU"])
    tap(qtbot, window.service.form_button)
    form = window.form_screen
    question = form.current

    scan(qtbot, window, ticket.tracking_code)

    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)
    assert window.status.words.text() == "Diproses"
    tap(qtbot, window.status.back_button)
    assert window.current_screen() is form and form.current is question


def test_slow_typing_is_not_taken_as_a_scan(qtbot, window, status_app):
    ticket = submitted(status_app)
    tap(qtbot, window.home.request_button)

    scan(qtbot, window, ticket.tracking_code, delay_ms=80)  # a quick hand is still slower
    qtbot.wait(100)

    assert window.current_screen() is window.categories


def test_a_short_fast_burst_is_not_a_scan(qtbot, window, status_app):
    scan(qtbot, window, "ABC")
    qtbot.wait(50)
    assert window.current_screen() is window.home


# -- the slip -------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_answer_prints_as_a_slip(qtbot, window, status_app, printouts):
    ticket = submitted(status_app)
    pulled(status_app, ticket, "ready", **READY)
    window.open_status()
    window.check_status(ticket.tracking_code)
    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)

    tap(qtbot, window.status.print_button)
    qtbot.waitUntil(
        lambda: window.status.print_state.text() == "Silakan ambil slip Anda di bawah layar.",
        timeout=10000,
    )
    (pdf,) = printouts.glob("*.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    words = " ".join(text.split())
    assert "STATUS PERMOHONAN" in words and "Selesai, siap diambil" in words
    assert ticket.tracking_code in words and "MPP Banyuwangi, loket 4" in words
    assert KTP_BARU["nama"] not in words and KTP_BARU["nik"] not in words


# -- the look at the kiosk's sizes -------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (1366, 768)])
def test_the_status_screen_fits_and_cuts_no_words(qtbot, window, status_app, size, language):
    ticket = submitted(status_app)
    pulled(
        status_app,
        ticket,
        "needs_documents",
        note="Fotokopi KK kurang jelas; bawa yang asli.",
        missing_documents=["Fotokopi Kartu Keluarga (KK)", "Surat pengantar RT/RW"],
    )
    window.set_language(language)
    window.resize(*size)
    window.open_status()
    type_code(qtbot, window, "ZZZZZZZZZZZZ")
    check(qtbot, window)
    qtbot.waitUntil(lambda: window.status.problem.isVisible(), timeout=5000)
    qtbot.wait(20)
    problems = _problems(window, size)
    window.check_status(ticket.tracking_code)
    qtbot.waitUntil(lambda: answer_shown(window), timeout=5000)
    qtbot.wait(20)
    problems += _problems(window, size)
    assert not problems, problems
    i18n.set_language("id")


def _problems(window, size) -> list[str]:  # noqa: ANN001
    found = []
    if (window.width(), window.height()) != size:
        found.append(f"window grew to {window.width()}x{window.height()}")
    floor = 64 if size == (1920, 1080) else 48
    for widget in window.status.findChildren(QAbstractButton):
        if not widget.isVisible():
            continue
        if min(widget.width(), widget.height()) < floor:
            found.append(f"{widget.objectName()} is {widget.width()}x{widget.height()}")
        if widget.text() and widget.width() < widget.sizeHint().width():
            found.append(f"{widget.objectName()} cuts {widget.text()!r}")
    for text in window.status.findChildren(QLabel):  # a wrapped text shown whole
        shown = text.isVisible() and text.wordWrap() and text.text()
        if shown and text.height() < text.heightForWidth(text.width()):
            found.append(f"{text.text()[:30]!r} is cut: {text.height()}px high")
    return found


def test_opening_cek_status_asks_the_worker_for_news(qtbot, window):  # noqa: ANN001
    from kiosk.ui.sync_bridge import SyncBridge
    from tests.ui.test_console_sync_and_screens import FakeWorker

    worker = FakeWorker()
    window.sync_bridge = SyncBridge(worker, retry_dead=lambda: 0)  # type: ignore[arg-type]
    tap(qtbot, window.home.status_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.status, timeout=3000)
    assert worker.pull_requests == 1  # the statuses are fetched while the code is typed
