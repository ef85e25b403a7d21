"""The resident's flows, end to end through the real widgets and the real store."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest
from kiosk.ui.screens.success import SuccessScreen
from tests.ui.conftest import fill_valid_form, make_app, open_form, row, tap


def _count(app, model) -> int:  # noqa: ANN001
    with app.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def _wait_printed(qtbot, window, state: str = SuccessScreen.PRINTED) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.success._print_state == state, timeout=10_000)


def test_whole_request_ends_with_request_ticket_outbox_and_print(qtbot, window, printouts):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window)
    tap(qtbot, window.form_screen.next_button)
    assert window.current_screen() is window.review
    tap(qtbot, window.review.next_button)
    assert window.current_screen() is window.notice
    tap(qtbot, window.notice.accept_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
    _wait_printed(qtbot, window)

    app = window.app
    assert window.success.number.text().startswith("A-")
    assert "ambil tiket" in window.success.print_state_text
    assert _count(app, ServiceRequest) == 1
    assert _count(app, QueueTicket) == 1
    assert _count(app, OutboxEntry) >= 1
    with app.store.engine.connect() as conn:
        request = conn.execute(select(ServiceRequest)).one()
    assert request.notice_version == window.notice.notice.version
    assert request.language == "id"
    assert len(list(printouts.glob("*.pdf"))) == 1
    qtbot.waitUntil(lambda: _printed_count(app) == 1, timeout=5_000)
    # The answers left memory with the form screen.
    assert window.form_screen is None


def _printed_count(app) -> int:  # noqa: ANN001
    with app.store.engine.connect() as conn:
        return conn.execute(select(QueueTicket.print_count)).scalar_one()


def test_queue_only_ticket_in_three_taps(qtbot, window, printouts):  # noqa: ANN001
    taps = 0
    for widget in (window.home.ticket_button, window.ticket_services.tiles["BPJS"]):
        tap(qtbot, widget)
        taps += 1
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
    _wait_printed(qtbot, window)
    assert taps <= 3
    assert window.success.number.text() == "C-001"
    assert _count(window.app, QueueTicket) == 1
    assert _count(window.app, ServiceRequest) == 0
    assert len(list(printouts.glob("*.pdf"))) == 1


def test_printer_failure_saves_the_request_and_sends_to_the_operator(qtbot, tmp_path: Path):  # noqa: ANN001
    from kiosk.ui.app import MainWindow, ensure_qapp

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the printout folder should be")
    app = make_app(tmp_path / "data2", blocker / "printouts")
    ensure_qapp()
    window = MainWindow(app, refresh_queue=False)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    try:
        open_form(qtbot, window)
        fill_valid_form(qtbot, window)
        tap(qtbot, window.form_screen.next_button)
        tap(qtbot, window.review.next_button)
        tap(qtbot, window.notice.accept_button)
        qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
        _wait_printed(qtbot, window, SuccessScreen.FAILED)
        assert "temui petugas" in window.success.print_state_text
        assert window.success.print_state.property("problem") is True
        assert _count(app, ServiceRequest) == 1
        assert _count(app, OutboxEntry) >= 1
    finally:
        window.close()
        from kiosk.ui.tasks import wait_for_tasks

        wait_for_tasks()
        app.close()


def test_field_error_shows_beside_the_field_when_it_is_left(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    nik = row(window, "nik")
    tap(qtbot, nik.edit)
    from tests.ui.conftest import type_on_keys

    type_on_keys(qtbot, window, "1234")
    assert not nik.error.isVisible()
    tap(qtbot, row(window, "tanggal_lahir").edit)
    assert nik.error.isVisible()
    assert "16" in nik.error.text()
    assert nik.error.parentWidget() is nik
    # Typing again clears the mark; nothing was stored.
    tap(qtbot, nik.edit)
    type_on_keys(qtbot, window, "5")
    assert not nik.error.isVisible()
    assert _count(window.app, ServiceRequest) == 0
    assert _count(window.app, QueueTicket) == 0


def test_next_with_missing_answers_marks_them_and_stays(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    tap(qtbot, window.form_screen.next_button)
    assert window.current_screen() is window.form_screen
    assert window.form_screen.banner.isVisible()
    assert row(window, "nama").error.isVisible()
    assert not row(window, "telepon").error.isVisible()  # optional


def test_conditional_field_appears_with_its_answer(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    kk = row(window, "nomor_kk")
    assert kk.isHidden()
    tap(qtbot, row(window, "punya_kk").button_for(True))
    assert not kk.isHidden()
    tap(qtbot, row(window, "punya_kk").button_for(False))
    assert kk.isHidden()


def test_service_without_form_offers_the_ticket_only(qtbot, window):  # noqa: ANN001
    tap(qtbot, window.home.request_button)
    tap(qtbot, window.categories.tiles["KESEHATAN"])
    tap(qtbot, window.services.tiles["BPJS"])
    assert window.service.form_button.isHidden()
    tap(qtbot, window.service.ticket_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
    _wait_printed(qtbot, window)
