"""Consent is asked once (the data-use notice, not a form question), and the notice reads
well: a summary first, the full text on request, its version on screen, one way back, and a
longer idle time while the full text is open."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QPushButton, QWidget
from sqlalchemy import select

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.store.models import ServiceRequest
from kiosk.ui import i18n
from kiosk.ui.idle import READING_FACTOR
from kiosk.ui.screens.notice import NoticeScreen
from tests.ui.conftest import fill_valid_form, forward, open_form, shown_window, tap

IDLE_S = 0.5


def _on_screen(window: QWidget, widget: QWidget) -> bool:
    if not widget.isVisible():
        return False
    top = widget.mapTo(window, widget.rect().topLeft())
    bottom = widget.mapTo(window, widget.rect().bottomRight())
    return window.rect().contains(top) and window.rect().contains(bottom)


def _backs(window, screen: QWidget) -> list[QPushButton]:  # noqa: ANN001
    """Every button on screen that would take the resident back."""
    words = {"‹", i18n.tr("common.back").lower()}
    return [
        button
        for button in screen.findChildren(QPushButton)
        if _on_screen(window, button) and any(w in button.text().lower() for w in words)
    ]


def _to_notice(qtbot, window) -> NoticeScreen:  # noqa: ANN001
    open_form(qtbot, window)
    fill_valid_form(qtbot, window)
    forward(qtbot, window)
    tap(qtbot, window.review.next_button)
    assert window.current_screen() is window.notice
    return window.notice


def test_consent_is_asked_once_from_home_to_submit(qtbot, window):  # noqa: ANN001
    asks: list[str] = []

    def shown(_index: int) -> None:
        page = window.current_screen()
        if isinstance(page, NoticeScreen):
            asks.append("notice")

    window.stack.currentChanged.connect(shown)
    notice = _to_notice(qtbot, window)
    asks += [row.name for row in window.form_screen.applicable if row.field.type == "consent"]
    tap(qtbot, notice.accept_button)
    qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
    assert asks == ["notice"]
    with window.app.store.engine.connect() as conn:
        request = conn.execute(select(ServiceRequest)).one()
    assert request.notice_version == notice.notice.version == "2026.11-3"
    assert request.notice_accepted_at is not None


def test_no_shipped_form_asks_for_consent_on_screen(qtbot, tmp_path: Path):  # noqa: ANN001
    app = build_app(KioskSettings(kiosk_id="once-1", outpost="rogojampi", data_dir=tmp_path))
    try:
        for window in shown_window(qtbot, app):
            for service in (s for s in app.catalogue.services if s.form_id):
                window.start_form(service.code)
                kinds = [row.field.type for row in window.form_screen.rows]
                assert "consent" not in kinds, service.code
                window.reset_to_home()
    finally:
        app.close()


def test_the_summary_comes_first_and_the_full_text_on_request(qtbot, window):  # noqa: ANN001
    notice = _to_notice(qtbot, window)
    assert notice.summary.isVisible() and not notice.full_text.isVisible()
    summary = notice.summary.text()
    assert summary.startswith("• Nama, NIK") and summary.count("• ") == 4
    assert "menyatakan isian Anda benar" in summary  # what the forms' consent question said
    assert len(summary) < len(notice.full_text.text()) / 2
    assert notice.scroll_area.verticalScrollBar().maximum() == 0  # whole, at 1920 x 1080
    assert _on_screen(window, notice.read_button) and notice.read_button.text() == "Baca lengkap"
    tap(qtbot, notice.read_button)
    assert notice.full_text.isVisible() and not notice.summary.isVisible()
    full = notice.full_text.text()
    for heading in ("Data apa yang kami kumpulkan", "Hak Anda", "Kepada siapa bertanya"):
        assert f"<b>{heading}</b>" in full  # the headings are bold
    assert not notice.read_button.isVisible()
    assert _on_screen(window, notice.accept_button)  # agreeing needs no way back first
    # The one "Kembali" closes the full text first, then leaves for the review.
    tap(qtbot, notice.back_button)
    assert window.current_screen() is notice and notice.summary.isVisible()
    tap(qtbot, notice.back_button)
    assert window.current_screen() is window.review


def test_english_summary_and_full_text(qtbot, window):  # noqa: ANN001
    notice = _to_notice(qtbot, window)
    window.set_language("en")
    assert notice.summary.text().startswith("• Your name, NIK")
    assert notice.read_button.text() == "Read in full"
    tap(qtbot, notice.read_button)
    assert "<b>What we collect</b>" in notice.full_text.text()
    assert notice.version.text() == f"Notice version {notice.notice.version}"


def test_the_version_and_one_back_are_on_screen_at_every_size(qtbot, window):  # noqa: ANN001
    notice = _to_notice(qtbot, window)
    for size in ((1366, 768), (768, 1366), (1920, 1080), (1080, 1920)):
        window.resize(*size)
        for full in (False, True):
            notice.open_full_text() if full else notice.close_full_text()
            qtbot.wait(20)
            assert (window.width(), window.height()) == size, full  # nothing asks for more
            assert notice.version.text() == f"Pemberitahuan versi {notice.notice.version}"
            assert _on_screen(window, notice.version), (size, full)
            assert _on_screen(window, notice.accept_button), (size, full)
            assert _backs(window, notice) == [notice.back_button], (size, full)
            if not full:  # the summary is short: whole on screen, nothing to scroll
                assert notice.scroll_area.verticalScrollBar().maximum() == 0, size


def test_the_idle_time_is_longer_while_the_full_text_is_open(qtbot, kiosk_app):  # noqa: ANN001
    for window in shown_window(qtbot, kiosk_app, idle_timeout_s=IDLE_S):
        idle = window.idle
        notice = _to_notice(qtbot, window)
        assert idle.idle_after_s == IDLE_S
        tap(qtbot, notice.read_button)
        assert idle.idle_after_s == pytest.approx(READING_FACTOR * IDLE_S) == 3 * IDLE_S
        # Reading is not touching: twice the usual idle time passes without a warning
        # (the timer cannot fire before three times it).
        qtbot.wait(int(2 * IDLE_S * 1000))
        assert not idle.warning_shown
        tap(qtbot, notice.back_button)  # back to the summary: the usual time again
        assert idle.idle_after_s == IDLE_S
        qtbot.waitUntil(lambda: window.idle.warning_shown, timeout=5_000)  # noqa: B023
        tap(qtbot, idle.warning.button)  # "Lanjutkan"
        # Leaving the screen any way ends the longer time: open, then go to the review.
        tap(qtbot, notice.read_button)
        assert idle.idle_after_s == pytest.approx(3 * IDLE_S)
        window.show_screen(window.review)
        assert idle.idle_after_s == IDLE_S and not notice.reading
