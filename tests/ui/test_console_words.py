"""The admin panel speaks the staff's language: no raw config value, no English error text.

The printer's kind reaches the panel from the config as ``pdf_folder`` or ``none``; a sync
failure reaches it from the sync client as English (``server answered HTTP 503``). Here both
come through the real code: a real kiosk, the real sync worker and client, and a loopback
server that answers 503 as a busy MPP server would.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import get_args

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from devtools.backlog import seed_audit_backlog
from kiosk.ui.console import CallOutView, StaffArea
from kiosk.ui.console.admin import AdminPanel, printer_backend_words
from kiosk.ui.i18n import LANGUAGES, set_language, tr
from kiosk.ui.sync_bridge import SyncBridge
from kiosk.ui.tasks import wait_for_tasks
from kiosk.usecases.operators import Operator
from printing.settings import Backend
from sync.backoff import Backoff
from sync.client import SyncClient
from sync.pusher import FailureKind
from sync.worker import SyncWorker
from tests.ui.test_console_staff import kiosk  # noqa: F401 - the shared fixture


class _Busy(BaseHTTPRequestHandler):
    """Every request answered 503, as a central server under load answers."""

    def _busy(self) -> None:
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = _busy  # noqa: N815 - http.server's names

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def busy_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Busy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def open_admin(qtbot, app, bridge: SyncBridge | None) -> tuple[StaffArea, AdminPanel]:  # noqa: ANN001
    area = StaffArea(app, bridge, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.show()
    area._unlocked(Operator("a1", "Siti", "admin"))
    area.open_admin()
    settle()  # the printer, clock and purge checks the panel starts as it opens
    return area, area.admin


def settle() -> None:
    """Background checks finished and their results shown (delivered on the GUI thread)."""
    wait_for_tasks()
    QApplication.processEvents()


def close(area: StaffArea) -> None:
    set_language("id")
    area.shutdown()
    settle()


def shown_text(panel: AdminPanel) -> str:
    return "\n".join(label.text() for label in panel.findChildren(QLabel) if label.isVisible())


def test_the_printer_is_named_in_words_not_by_its_config_value(qtbot, kiosk) -> None:  # noqa: ANN001, F811
    set_language("id")
    area, admin = open_admin(qtbot, kiosk, None)
    assert kiosk.settings.printer.backend == "pdf_folder"

    assert "Jenis: Tanpa printer, disimpan sebagai PDF" in admin.printer_label.text()
    set_language("en")
    admin.retranslate()
    assert "Type: No printer, saved as PDF" in admin.printer_label.text()
    for language in LANGUAGES:
        set_language(language)
        admin.retranslate()
        assert "pdf_folder" not in shown_text(admin)
    close(area)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_printer_kind_has_words(language: str) -> None:
    set_language(language)
    try:
        for backend in get_args(Backend):
            words = printer_backend_words(backend)
            assert words != f"staff.admin.printer_backend.{backend}", f"no words: {backend}"
            assert backend not in words
    finally:
        set_language("id")


def test_a_sync_failure_is_told_in_the_staffs_language(qtbot, kiosk, busy_server) -> None:  # noqa: ANN001, F811
    seed_audit_backlog(kiosk.store.engine, 3)
    server = kiosk.settings.server.model_copy(update={"url": busy_server, "token": "t" * 32})
    client = SyncClient(server, backoff=Backoff(0.01, 0.05), max_tries=1)
    worker = SyncWorker(kiosk.outbox, client, interval_s=3600, probe_interval_s=3600)
    set_language("id")
    area, admin = open_admin(qtbot, kiosk, SyncBridge(worker, retry_dead=lambda: 0))
    shown = admin.sync_values["last_error"]

    worker.start()  # it pushes once as it starts: the server answers 503
    try:
        qtbot.waitUntil(lambda: shown.text() != "–", timeout=10_000)
    finally:
        worker.stop()

    assert worker.state.last_error == "server answered HTTP 503"  # the log's English detail
    assert shown.text() == (
        "Server MPP sedang sibuk atau bermasalah (HTTP 503); pengiriman dicoba lagi nanti."
    )
    set_language("en")
    admin.retranslate()
    assert shown.text() == (
        "The MPP server is busy or has a problem (HTTP 503); sending will be tried again later."
    )
    close(area)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sync_failure_has_words(language: str) -> None:
    other = "en" if language == "id" else "id"
    for kind in get_args(FailureKind):
        words = tr(f"staff.sync_failure.{kind}", language=language, status=503)
        assert words != f"staff.sync_failure.{kind}", f"no {language} words: {kind}"
        assert words != tr(f"staff.sync_failure.{kind}", language=other, status=503), kind
