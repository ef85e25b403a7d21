"""``python -m devtools.screenshots OUTDIR``: every resident screen in both languages, at
1920 x 1080 and 1080 x 1920, rendered headless to PNG (plus the staff screens).

It runs on a throw-away kiosk in a temporary folder, so no real data is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

SIZES = ((1920, 1080), (1080, 1920), (1366, 768), (768, 1366))
SAMPLE_ANSWERS = {
    "name": "Budi Santoso",
    "nik": "3510011708900001",
    "kk": "3510010101100001",
    "date": "17081990",
    "phone": "081234567890",
    "address": "Dusun Krajan",
    "text": "Banyuwangi",
    "long_text": "Banyuwangi",
    "number": "2",
    "email": "budi@contoh.id",
}


# Answers whose kind alone would give an odd sample ("Pekerjaan: BANYUWANGI").
SAMPLE_BY_NAME = {"pekerjaan": "Petani", "faskes": "Puskesmas Rogojampi"}


def _app(folder: Path):  # noqa: ANN202 - a KioskApp
    from kiosk.bootstrap import build_app
    from kiosk.config import KioskSettings

    settings = KioskSettings(
        kiosk_id="screenshots",
        outpost="rogojampi",
        data_dir=folder / "data",
        printer={"backend": "none"},
    )
    app = build_app(settings)
    from kiosk.__main__ import seed_demo_operators

    seed_demo_operators(app)  # a kiosk with an admin: the PIN page shows no set-up note
    return app


def _sample_ticket(app, code: str):  # noqa: ANN001, ANN202
    from kiosk.usecases import IssuedTicket

    service = app.catalogue.service(code)
    return IssuedTicket(
        ticket_id="sample",
        number=f"{service.queue_letter}-017",
        service_code=code,
        counter=service.counter,
        issued_at=datetime.now(UTC),
        tracking_code="7KQ2-M9XD-4T1B",
        people_ahead=4,
        estimated_wait_minutes=35,
        request_id="sample",
    )


def _fill(form) -> None:  # noqa: ANN001
    """Sample answers typed the way a resident would, for the review screenshot."""
    for row in form.rows:
        if row not in form.applicable:
            continue
        kind = row.field.type
        if hasattr(row, "insert_text") and kind in SAMPLE_ANSWERS:
            digits_only = row.field.pattern is not None and "\\d" in row.field.pattern
            sample = SAMPLE_BY_NAME.get(row.name, SAMPLE_ANSWERS[kind])
            row.insert_text("2" if digits_only else sample)
        elif getattr(row, "buttons", None) and kind != "multi_choice":
            row.buttons[0].click()
        form._update_visibility()


def _walk(window) -> Iterator[str]:  # noqa: ANN001
    """Show each screen in turn; yield its file name."""
    catalogue = window.catalogue
    yield "home"
    window.show_screen(window.categories)
    yield "categories"
    window.show_screen(window.ticket_services)
    yield "ticket-services"
    service = next(s for s in catalogue.services if s.form_id)
    window.services.show_category(service.category)
    window.show_screen(window.services)
    yield "services"
    window.service.show_service(service.code, ticket_only=True)
    window.show_screen(window.service)
    yield "ticket-confirm"
    window.service.show_service(service.code)
    window.show_screen(window.service)
    yield "service"
    window.start_form(service.code)
    form = window.form_screen
    typed = next(r for r in form.rows if r.keyboard == "letters")
    form.show_question(typed.name)
    yield "form-letters"
    numeric = next((r for r in form.rows if r.keyboard == "numpad"), None)
    if numeric is not None:
        form.show_question(numeric.name)
        numeric.insert_text("1234")
        form.go_on()  # the problem shows under the answer; the question stays
        yield "form-error"
        numeric.clear_text()
        yield "form-numpad"
    typed.insert_text("Siti")
    window.go_home()
    yield "form-discard"
    window.overlay.button.click()  # "Lanjutkan mengisi"
    typed.clear_text()
    window.idle._went_idle()
    yield "idle-warning"
    window.idle.resume()
    form.activate(None)
    _fill(form)
    window.review.show_sections(form.review_sections())
    window.show_screen(window.review)
    yield "review"
    window.show_screen(window.notice)
    yield "notice"
    window.notice.open_full_text()
    yield "notice-full"
    window.notice.close_full_text()
    long_form = max(
        (s for s in catalogue.services if s.form_id),
        key=lambda s: len(catalogue.form(s.form_id).fields),
    )
    window.reset_to_home()
    window.start_form(long_form.code)  # named steps: "Langkah 3 dari 5: Data orang tua"
    steps = window.form_screen.form.steps
    window.form_screen.show_question(steps[len(steps) // 2].fields[0])
    yield "form-steps"
    ticket = _sample_ticket(window.app, service.code)
    from kiosk.ui.i18n import pick
    from kiosk.ui.screens.success import SuccessScreen

    window.success.show_ticket(ticket, pick(service.name), True)
    window.show_screen(window.success)
    window.success.set_print_state(SuccessScreen.PRINTED)
    yield "success"
    from kiosk.ui.messages import printer_problem
    from printing.errors import PrinterUnavailable

    window.success.set_print_state(
        SuccessScreen.FAILED, printer_problem(PrinterUnavailable("paper_out"))
    )
    yield "success-printer-problem"
    window.reset_to_home()
    window.show_recovery()
    yield "recovery"
    window.reset_to_home()
    yield from _status_screens(window, service)


def _status_screens(window, service) -> Iterator[str]:  # noqa: ANN001
    """Cek status: the code typed, then each kind of answer."""
    from datetime import date, timedelta

    from kiosk.ui.screens.status import StatusScreen
    from kiosk.usecases.status import StatusView

    names = (str(service.name.id), str(service.name.en))
    now = datetime.now(UTC)
    window.open_status()
    window.status.insert_text("7KQ2M9XD4T")
    yield "status-entry"
    window.status.show_problem("unknown", "7KQ2-M9XD-4T1B")
    yield "status-unknown"
    ready = StatusView(
        "7KQ2-M9XD-4T1B",
        service.code,
        names,
        "status",
        now,
        status="ready",
        version=3,
        changed_at=now - timedelta(hours=2),
        note="Bawa tanda terima ini dan KTP asli.",
        pickup_place="MPP Banyuwangi, loket 4",
        pickup_from=date.today() + timedelta(days=1),
    )
    window.status.show_answer(ready)
    window.status.set_print_state(StatusScreen.PRINTED)
    yield "status-ready"
    window.status.show_answer(
        StatusView(
            "7KQ2-M9XD-4T1B",
            service.code,
            names,
            "status",
            now,
            status="needs_documents",
            version=2,
            changed_at=now - timedelta(days=1),
            note="Fotokopi KK kurang jelas.",
            missing_documents=("Fotokopi Kartu Keluarga (KK)", "Surat pengantar RT/RW"),
        )
    )
    yield "status-needs-documents"
    window.status.show_answer(
        StatusView("7KQ2-M9XD-4T1B", service.code, names, "no_news", now - timedelta(days=3))
    )
    yield "status-no-news"
    window.status.show_answer(
        StatusView("7KQ2-M9XD-4T1B", service.code, names, "waiting_to_send", None)
    )
    yield "status-waiting"
    window.reset_to_home()


def render_all(outdir: Path, app=None) -> list[Path]:  # noqa: ANN001
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.app import MainWindow, ensure_qapp
    from kiosk.ui.i18n import set_language
    from kiosk.ui.tasks import wait_for_tasks

    qapp = ensure_qapp()
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for language in ("id", "en"):
        for width, height in SIZES:
            set_language(language)
            window = MainWindow(app, refresh_queue=False)
            window.home_language = language
            window.resize(width, height)
            window.show()
            window.home.set_waiting(7)
            for name in _walk(window):
                for _ in range(3):
                    QApplication.processEvents()
                path = outdir / f"resident-{name}-{language}-{width}x{height}.png"
                window.grab().save(str(path))
                written.append(path)
            window.close()
            wait_for_tasks()
            window.deleteLater()
            qapp.processEvents()
    set_language("id")
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m devtools.screenshots OUTDIR\n")
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    outdir = Path(args[0])
    with tempfile.TemporaryDirectory() as folder:
        app = _app(Path(folder))
        try:
            from devtools import staff_screenshots

            written = render_all(outdir, app) + staff_screenshots.render_all(outdir, app)
        finally:
            app.close()
    sys.stdout.write(f"{len(written)} screenshots in {outdir}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
