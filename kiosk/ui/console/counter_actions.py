"""The counter's actions of the operator console: call, recall, serve, void, print, report.

Kept apart from :class:`kiosk.ui.console.operator.OperatorConsole` so that the console's
layout and its actions each stay readable. What the actions need from the console is
:class:`CounterConsole`. Every action runs through the console's ``run`` (``run_task``)
and reports on its status line; the use cases decide.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.printouts import day_report, save_day_report, ticket_printout, walk_in_printout
from kiosk.ui.i18n import current_language, tr
from kiosk.ui.tasks import run_task
from kiosk.usecases import (
    AlreadyCalled,
    TicketView,
    call_next,
    issue_ticket,
    mark_no_show,
    mark_served,
    recall,
    record_printed,
    reprint,
    undo_no_show,
    void_ticket,
)

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from kiosk.bootstrap import KioskApp
    from kiosk.ui.console.widgets import StatusLine


class CounterConsole(Protocol):
    """What the counter's actions read from, and report through, the console they serve."""

    selected: TicketView | None
    """The ticket chosen in the list; calling the next resident selects theirs."""
    status: StatusLine
    called: SignalInstance
    """``(number, counter, is_recall)``: a resident was called or recalled."""

    @property
    def counter(self) -> str | None: ...

    @property
    def service_code(self) -> str | None: ...

    @property
    def operator_id(self) -> str | None: ...

    def run(
        self, work: Callable[[], Any], done: Callable[[Any], None], *, kind: str = "db"
    ) -> None: ...

    def set_busy(self, busy: bool) -> None: ...

    def refresh(self) -> None: ...

    def offer_undo(self, ticket: TicketView | None) -> None:
        """Offer for a few seconds to take back the no-show just marked on ``ticket``."""

    def confirm(self, question: str, yes: str, no: str, on_yes: Callable[[], None]) -> None:
        """Ask a yes/no question over the console; ``on_yes`` runs on the confirming answer."""


class CounterActions:
    """The counter's actions for one console, on the kiosk's use cases and printer."""

    def __init__(self, console: CounterConsole, app: KioskApp) -> None:
        self._console = console
        self._app = app

    # --- actions --------------------------------------------------------------------------

    def call_next(self, *, allow_second: bool = False) -> None:
        """Call the counter's next resident. While the counter still has one called, ask
        first ("Tetap panggil berikutnya?"): one resident at a time unless the operator
        says otherwise."""
        console = self._console
        ctx, counter, service = self._app.context, console.counter, console.service_code
        who = console.operator_id

        def work() -> TicketView | AlreadyCalled | None:
            try:
                return call_next(
                    ctx,
                    counter=counter,
                    service_code=service,
                    operator_id=who,
                    allow_second=allow_second,
                )
            except AlreadyCalled as still:  # a question for the operator, not a failure
                return still

        def done(ticket: TicketView | AlreadyCalled | None) -> None:
            if isinstance(ticket, AlreadyCalled):
                console.confirm(
                    tr("staff.call_anyway.question", number=ticket.ticket.number),
                    tr("staff.call_anyway.yes"),
                    tr("staff.call_anyway.no"),
                    lambda: self.call_next(allow_second=True),
                )
                return
            if ticket is None:
                console.status.show_message("staff.result.nobody_waiting", "info", counter=counter)
                return
            console.status.show_message(
                "staff.result.called", number=ticket.number, counter=ticket.counter
            )
            console.selected = ticket
            console.called.emit(ticket.number, ticket.counter, False)

        console.run(work, done)

    def _ticket_action(self, use_case: Callable[..., TicketView], result_key: str) -> None:
        console = self._console
        if console.selected is None:
            return
        ctx, ticket_id, who = self._app.context, console.selected.ticket_id, console.operator_id

        def done(ticket: TicketView) -> None:
            console.status.show_message(result_key, number=ticket.number, counter=ticket.counter)
            if result_key == "staff.result.recalled":
                console.called.emit(ticket.number, ticket.counter, True)
            elif result_key == "staff.result.no_show":
                console.offer_undo(ticket)

        console.run(lambda: use_case(ctx, ticket_id, who), done)

    def recall(self) -> None:
        self._ticket_action(recall, "staff.result.recalled")

    def mark_served(self) -> None:
        self._ticket_action(mark_served, "staff.result.served")

    def mark_no_show(self) -> None:
        self._ticket_action(mark_no_show, "staff.result.no_show")

    def undo_no_show(self, ticket: TicketView) -> None:
        """Call ``ticket`` again after a no-show tapped by mistake, and select it."""
        console = self._console
        ctx, who = self._app.context, console.operator_id

        def done(restored: TicketView) -> None:
            console.status.show_message(
                "staff.result.no_show_undone", number=restored.number, counter=restored.counter
            )
            console.selected = restored

        console.run(lambda: undo_no_show(ctx, ticket.ticket_id, who), done)

    def void(self) -> None:
        """Void the selected ticket at once; the console asks for the second tap first."""
        self._ticket_action(void_ticket, "staff.result.voided")

    def reprint(self) -> None:
        console = self._console
        if console.selected is None:
            return
        app, ticket_id, who = self._app, console.selected.ticket_id, console.operator_id
        language = current_language()

        def work() -> tuple[TicketView, Any]:
            ticket = reprint(app.context, ticket_id, who)
            return ticket, ticket_printout(app, ticket, language, is_reprint=True)

        def printed(ticket: TicketView) -> None:
            self._console.status.show_message("staff.result.reprinted", number=ticket.number)

        self._print_after(work, printed)

    def print_walk_in(self) -> None:
        if self._console.service_code is None:
            return
        app, code, language = self._app, self._console.service_code, current_language()

        def work() -> tuple[Any, Any]:
            issued = issue_ticket(app.context, code)
            return issued, walk_in_printout(app, issued, language)

        def printed(issued: Any) -> None:
            self._console.status.show_message("staff.result.walk_in", number=issued.number)
            run_task(lambda: record_printed(app.context, issued.ticket_id), lambda *_: None)

        self._print_after(work, printed)

    def _print_after(
        self, work: Callable[[], tuple[Any, Any]], printed: Callable[[Any], None]
    ) -> None:
        """Write first (the one writer thread), then print (an I/O thread), busy throughout."""
        console = self._console
        console.set_busy(True)
        printer_holder: list[Any] = []

        def stored(result: object, error: BaseException | None) -> None:
            if error is not None:
                console.set_busy(False)
                console.status.show_error(error)
                console.refresh()
                return
            record, printout = result  # type: ignore[misc]
            printer_holder.append(record)
            run_task(lambda: self._app.printer.print(printout), sent, kind="io")

        def sent(result: object, error: BaseException | None) -> None:
            console.set_busy(False)
            record = printer_holder[0]
            if error is not None:
                console.status.show_error(error, "staff.result.print_failed", number=record.number)
            else:
                printed(record)
                warnings = result.warnings  # type: ignore[attr-defined] - a PrintResult
                console.status.add_messages(tuple(f"staff.printer.{w}" for w in warnings))
            console.refresh()

        run_task(work, stored)

    # --- end of day -----------------------------------------------------------------------

    def print_report(self) -> None:
        app = self._app

        def work() -> None:
            app.printer.print(day_report(app))

        console = self._console
        console.run(
            work, lambda _: console.status.show_message("staff.result.report_printed"), kind="io"
        )

    def reports_folder(self) -> Path:
        return self._app.paths.root / "reports"

    def save_report(self) -> None:
        app, console = self._app, self._console
        console.run(
            lambda: save_day_report(app, self.reports_folder()),
            lambda path: console.status.show_message("staff.result.report_saved", path=str(path)),
            kind="io",
        )
