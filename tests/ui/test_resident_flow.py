"""The resident's flows, end to end through the real widgets and the real store."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint
from sqlalchemy import func, select

from kiosk.store.models import OutboxEntry, QueueTicket, ServiceRequest
from kiosk.ui.screens.success import SuccessScreen
from tests.ui.conftest import (
    fill_valid_form,
    forward,
    make_app,
    open_form,
    question,
    row,
    tap,
    type_on_keys,
)


def _count(app, model) -> int:  # noqa: ANN001
    with app.store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model)).scalar_one()


def _wait_printed(qtbot, window, state: str = SuccessScreen.PRINTED) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: window.success._print_state == state, timeout=10_000)


def test_whole_request_ends_with_request_ticket_outbox_and_print(qtbot, window, printouts):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window)
    forward(qtbot, window)
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


def test_queue_only_ticket_in_three_taps_after_saying_what_to_bring(qtbot, window, printouts):  # noqa: ANN001
    taps = 0
    for widget in (window.home.ticket_button, window.ticket_services.tiles["BPJS"]):
        tap(qtbot, widget)
        taps += 1
    # The confirm step: the documents to bring, and one way on.
    assert window.current_screen() is window.service
    service = window.app.catalogue.service("BPJS")
    shown = [doc.text() for doc in window.service._doc_labels]
    assert len(shown) == len(service.documents) >= 1
    assert not window.service.form_button.isVisible()
    tap(qtbot, window.service.ticket_button)
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
        forward(qtbot, window)
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


def test_a_wrong_answer_keeps_its_question_with_the_problem_under_it(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window, until="nik")
    nik = row(window, "nik")
    tap(qtbot, nik.edit)
    type_on_keys(qtbot, window, "1234")
    assert not nik.error.isVisible()
    forward(qtbot, window)
    assert question(window) == "nik"  # it stays until it is right
    assert nik.error.isVisible()
    assert "16" in nik.error.text()
    assert nik.error.parentWidget() is nik
    # Typing again clears the mark; nothing was stored.
    type_on_keys(qtbot, window, "5")
    assert not nik.error.isVisible()
    assert _count(window.app, ServiceRequest) == 0
    assert _count(window.app, QueueTicket) == 0


def test_a_missing_answer_is_marked_and_the_question_stays(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    assert window.form_screen.progress.text() == "Pertanyaan 1 dari 9"
    forward(qtbot, window)
    assert window.current_screen() is window.form_screen
    assert question(window) == "nama"
    assert row(window, "nama").error.isVisible()
    assert window.form_screen.progress.text() == "Pertanyaan 1 dari 9"


def test_an_optional_question_may_be_left_blank(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window, until="telepon")
    forward(qtbot, window)
    assert question(window) == "punya_kk"
    assert not row(window, "telepon").error.isVisible()


def test_a_conditional_question_joins_with_its_answer(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window, until="punya_kk")
    progress = window.form_screen.progress
    assert progress.text() == "Pertanyaan 8 dari 9"
    tap(qtbot, row(window, "punya_kk").button_for(True))
    assert progress.text() == "Pertanyaan 8 dari 10"
    tap(qtbot, row(window, "punya_kk").button_for(False))
    assert progress.text() == "Pertanyaan 8 dari 9"
    forward(qtbot, window)
    assert question(window) == "anak"  # nomor_kk is skipped


def test_back_steps_through_the_questions_and_out_keeping_the_answers(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window, until="tanggal_lahir")
    form = window.form_screen
    tap(qtbot, form.back_button)
    assert question(window) == "nik"
    tap(qtbot, form.back_button)
    tap(qtbot, form.back_button)
    assert window.current_screen() is window.service
    tap(qtbot, window.service.form_button)
    assert window.form_screen is form  # the same form, the answers kept
    assert row(window, "nama").value() == "BUDI SANTOSO"  # typed with the capitals key on


def test_home_asks_before_throwing_answers_away(qtbot, window):  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window, until="nik")
    tap(qtbot, window.form_screen.home_button)
    overlay = window.overlay
    assert overlay.isVisible() and overlay.text.text().startswith("Isian Anda akan dihapus")
    tap(qtbot, overlay.button)  # "Lanjutkan mengisi": the safe answer
    assert window.current_screen() is window.form_screen
    assert row(window, "nama").value() == "BUDI SANTOSO"  # typed with the capitals key on
    tap(qtbot, window.form_screen.home_button)
    tap(qtbot, overlay.other_button)  # "Ya, hapus isian"
    assert window.current_screen() is window.home
    assert window.form_screen is None


def test_the_whole_answer_and_its_question_stay_on_screen_at_every_size(qtbot, window):  # noqa: ANN001
    for width, height in ((1366, 768), (768, 1366), (1920, 1080), (1080, 1920)):
        window.resize(width, height)
        if window.form_screen is None:
            open_form(qtbot, window)
            fill_valid_form(qtbot, window, until="nik")
        nik = row(window, "nik")
        tap(qtbot, nik.edit)
        nik.clear_answer()
        type_on_keys(qtbot, window, "1234567890123456")
        forward(qtbot, window)  # a wrong NIK: its problem shows under it
        qtbot.wait(20)
        assert question(window) == "nik", (width, height)
        frame = window.rect()
        for part in (nik.label, nik.edit, nik.error):
            top_left = part.mapTo(window, part.rect().topLeft())
            bottom_right = part.mapTo(window, part.rect().bottomRight())
            assert frame.contains(top_left) and frame.contains(bottom_right), (
                width,
                height,
                part.objectName(),
            )
        text_width = nik.edit.fontMetrics().horizontalAdvance(nik.edit.text())
        assert text_width <= nik.edit.contentsRect().width() - 8, (width, height)
        # The name, with the letter keyboard up (the tallest keyboard), and its problem.
        tap(qtbot, window.form_screen.back_button)
        nama = row(window, "nama")
        tap(qtbot, nama.edit)
        nama.clear_answer()
        forward(qtbot, window)  # left blank: "required" shows under it
        qtbot.wait(20)
        assert question(window) == "nama" and nama.error.isVisible()
        for part in (nama.label, nama.edit, nama.error):
            top_left = part.mapTo(window, part.rect().topLeft())
            bottom_right = part.mapTo(window, part.rect().bottomRight())
            keyboard_top = window.form_screen.keyboard.mapTo(window, QPoint(0, 0)).y()
            assert frame.contains(top_left) and bottom_right.y() < keyboard_top, (
                width,
                height,
                part.objectName(),
            )
        type_on_keys(qtbot, window, "Budi")
        forward(qtbot, window)


def test_service_without_form_offers_the_ticket_only(qtbot, window):  # noqa: ANN001
    tap(qtbot, window.home.request_button)
    tap(qtbot, window.categories.tiles["KESEHATAN"])
    tap(qtbot, window.services.tiles["BPJS"])
    assert window.service.form_button.isHidden()
    tap(qtbot, window.service.ticket_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
    _wait_printed(qtbot, window)
