"""What the kiosk prints, built from use-case results: tickets, receipts, the day report.

Plain functions without Qt, shared by the resident screens, the operator console and the
tests; they run on the background threads of ``run_task``. A receipt carries the
resident's name and a masked NIK, nothing else personal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.usecases import TicketView


def _service_name(app: Any, code: str) -> Any:
    try:
        return app.catalogue.service(code).name
    except KeyError:
        return code


def _documents(app: Any, code: str) -> tuple[Any, ...]:
    try:
        return tuple(app.catalogue.service(code).documents)
    except KeyError:
        return ()


def _queue_ticket(
    app: Any, ticket: Any, ahead: int, wait: int, language: str, *, is_reprint: bool = False
) -> Any:
    """A queue ticket for anything with a ticket's number, service, times and code; it lists
    the service's documents to bring, since a ticket taken without a form is all the resident
    carries to the counter."""
    from printing import QueueTicket

    return QueueTicket(
        outpost_name=app.settings.outpost_name,
        service_name=_service_name(app, ticket.service_code),
        queue_number=ticket.number,
        issued_at=ticket.issued_at,
        people_ahead=ahead,
        estimated_wait_minutes=wait,
        counter=ticket.counter,
        tracking_code=ticket.tracking_code,
        language=language,
        is_reprint=is_reprint,
        documents=_documents(app, ticket.service_code),
        status_url=app.settings.server.status_url(ticket.tracking_code),
    )


def ticket_printout(app: Any, ticket: TicketView, language: str, *, is_reprint: bool) -> Any:
    """The queue ticket for a stored ticket, with the people still ahead of it."""
    from kiosk.usecases import people_ahead

    ahead, wait = people_ahead(app.context, ticket.ticket_id)
    return _queue_ticket(app, ticket, ahead, wait, language, is_reprint=is_reprint)


def walk_in_printout(app: Any, issued: Any, language: str) -> Any:
    """The queue ticket for a ticket just issued (an ``IssuedTicket``)."""
    return _queue_ticket(app, issued, issued.people_ahead, issued.estimated_wait_minutes, language)


def request_receipt(app: Any, issued: Any, answers: dict[str, Any] | None, language: str) -> Any:
    """The printout for a ticket just issued: a receipt when it came with a request."""
    from forms import mask_nik
    from printing import Bilingual, ServiceReceipt

    ticket = walk_in_printout(app, issued, language)
    if answers is None:
        return ticket
    service = app.catalogue.service(issued.service_code)
    form = app.catalogue.form(service.form_id)

    def first_of(kind: str) -> str:
        return next(
            (str(answers[f.name]) for f in form.fields if f.type == kind and answers.get(f.name)),
            "",
        )

    name, nik = first_of("name"), first_of("nik")
    return ServiceReceipt(
        ticket=ticket,
        resident_name=name.upper(),
        nik_masked=mask_nik(nik) if nik else "",
        documents=tuple(Bilingual.of(d) for d in service.documents),
    )


def status_slip(app: Any, view: Any, language: str) -> Any:
    """The slip of a status lookup (a ``kiosk.usecases.status.StatusView``): the service, the
    status in words, what to bring and where to go; nothing personal."""
    from printing import Bilingual, StatusSlip

    words = view.status_words
    if words is None:
        words = STATE_WORDS[view.state]
    return StatusSlip(
        outpost_name=app.settings.outpost_name,
        service_name=Bilingual(*view.service_name),
        tracking_code=view.tracking_code,
        status=Bilingual(*words),
        printed_at=app.context.clock(),
        changed_at=view.changed_at,
        note=view.note or "",
        missing_documents=view.missing_documents,
        pickup_place=view.pickup_place or "",
        pickup_from=view.pickup_from,
        last_heard_at=view.last_heard_at,
        status_url=app.settings.server.status_url(view.tracking_code),
        language="en" if language == "en" else "id",
    )


STATE_WORDS = {
    "waiting_to_send": ("Menunggu dikirim ke server", "Waiting to be sent to the server"),
    "no_news": ("Belum ada kabar dari server", "No news from the server yet"),
    "queue_only": ("Tiket antrean, tanpa permohonan", "A queue ticket, no request"),
}
"""The words of a lookup without a server status, on paper (the screen has its own)."""


def day_report(app: Any) -> Any:
    """The end-of-day report built from today's summary (runs off the GUI thread)."""
    from kiosk.usecases import day_summary
    from printing import DayReport, DayReportRow

    summary = day_summary(app.context)
    rows = []
    for s in summary.services:
        rows.append(
            DayReportRow(
                service_name=_service_name(app, s.service_code),
                issued=s.issued,
                served=s.served,
                no_show=s.no_show,
                void=s.void,
                mean_wait_min=s.mean_wait_min,
                p90_wait_min=s.p90_wait_min,
                mean_service_min=s.mean_service_min,
            )
        )
    return DayReport(
        outpost_name=app.settings.outpost_name,
        day=summary.day,
        rows=tuple(rows),
        generated_at=app.context.clock(),
    )


def save_day_report(app: Any, folder: Path) -> Path:
    """Today's report as an A4 PDF in ``folder``; a second save the same day replaces it."""
    from printing import render_pdf

    report = day_report(app)
    data = render_pdf(report, paper="a4")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"laporan-harian-{report.day.isoformat()}.pdf"
    partial = path.with_suffix(".pdf.part")
    partial.write_bytes(data)
    partial.replace(path)
    return path
