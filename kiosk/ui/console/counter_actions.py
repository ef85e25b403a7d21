"""The counter's actions of the operator console: call, recall, serve, void, print, report.

A mixin of :class:`kiosk.ui.console.operator.OperatorConsole`, kept apart so that the
console's layout and its actions each stay readable. Every action runs through
``run_task`` (``self._run``) and reports on ``self.status``; the use cases decide.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.printouts import day_report, save_day_report, ticket_printout, walk_in_printout
from kiosk.ui.i18n import current_language, tr
from kiosk.ui.tasks import run_task
from kiosk.usecases import (
    TicketView,
    call_next,
    issue_ticket,
    mark_no_show,
    mark_served,
    recall,
    record_printed,
    reprint,
    void_ticket,
)

VOID_CONFIRM_MS = 6000


class CounterActions:
    """Needs from its host: ``_app``, ``selected``, ``operator_id``, ``service_code``,
    ``counter``, ``status``, ``void_button``, ``_run``, ``_set_busy`` and ``refresh``."""

    # --- actions --------------------------------------------------------------------------

    def call_next(self) -> None:
        ctx, counter, service = self._app.context, self.counter, self.service_code
        who = self.operator_id

        def done(ticket: TicketView | None) -> None:
            if ticket is None:
                self.status.show_message("staff.result.nobody_waiting", "info", counter=counter)
                return
            self.status.show_message(
                "staff.result.called", number=ticket.number, counter=ticket.counter
            )
            self.selected = ticket
            self.called.emit(ticket.number, ticket.counter, False)

        self._run(
            lambda: call_next(ctx, counter=counter, service_code=service, operator_id=who), done
        )

    def _ticket_action(self, use_case: Callable[..., TicketView], result_key: str) -> None:
        if self.selected is None:
            return
        ctx, ticket_id, who = self._app.context, self.selected.ticket_id, self.operator_id

        def done(ticket: TicketView) -> None:
            self.status.show_message(result_key, number=ticket.number, counter=ticket.counter)
            if result_key == "staff.result.recalled":
                self.called.emit(ticket.number, ticket.counter, True)

        self._run(lambda: use_case(ctx, ticket_id, who), done)

    def recall(self) -> None:
        self._ticket_action(recall, "staff.result.recalled")

    def mark_served(self) -> None:
        self._ticket_action(mark_served, "staff.result.served")

    def mark_no_show(self) -> None:
        self._ticket_action(mark_no_show, "staff.result.no_show")

    def void(self) -> None:
        """Two taps: the first arms the button for a few seconds, the second voids."""
        if self.selected is None:
            return
        if self._void_armed != self.selected.ticket_id:
            self._void_armed = self.selected.ticket_id
            self.void_button.setText(tr("staff.action.void_confirm", number=self.selected.number))
            self._void_timer.start(VOID_CONFIRM_MS)
            return
        self._disarm_void()
        self._ticket_action(void_ticket, "staff.result.voided")

    def _disarm_void(self) -> None:
        self._void_armed = None
        self._void_timer.stop()
        self.void_button.setText(tr("staff.action.void"))

    def reprint(self) -> None:
        if self.selected is None:
            return
        app, ticket_id, who = self._app, self.selected.ticket_id, self.operator_id
        language = current_language()

        def work() -> tuple[TicketView, Any]:
            ticket = reprint(app.context, ticket_id, who)
            return ticket, ticket_printout(app, ticket, language, is_reprint=True)

        def printed(ticket: TicketView) -> None:
            self.status.show_message("staff.result.reprinted", number=ticket.number)

        self._print_after(work, printed)

    def print_walk_in(self) -> None:
        if self.service_code is None:
            return
        app, code, language = self._app, self.service_code, current_language()

        def work() -> tuple[Any, Any]:
            issued = issue_ticket(app.context, code)
            return issued, walk_in_printout(app, issued, language)

        def printed(issued: Any) -> None:
            self.status.show_message("staff.result.walk_in", number=issued.number)
            run_task(lambda: record_printed(app.context, issued.ticket_id), lambda *_: None)

        self._print_after(work, printed)

    def _print_after(self, work: Callable[[], tuple[Any, Any]], printed: Callable) -> None:
        """Write first (the one writer thread), then print (an I/O thread), busy throughout."""
        self._set_busy(True)
        printer_holder: list[Any] = []

        def stored(result: object, error: BaseException | None) -> None:
            if error is not None:
                self._set_busy(False)
                self.status.show_error(error)
                self.refresh()
                return
            record, printout = result  # type: ignore[misc]
            printer_holder.append(record)
            run_task(lambda: self._app.printer.print(printout), sent, kind="io")

        def sent(result: object, error: BaseException | None) -> None:
            self._set_busy(False)
            record = printer_holder[0]
            if error is not None:
                self.status.show_error(error, "staff.result.print_failed", number=record.number)
            else:
                printed(record)
                warnings = result.warnings  # type: ignore[attr-defined] - a PrintResult
                self.status.add_messages(tuple(f"staff.printer.{w}" for w in warnings))
            self.refresh()

        run_task(work, stored)

    # --- end of day -----------------------------------------------------------------------

    def print_report(self) -> None:
        app = self._app

        def work() -> None:
            app.printer.print(day_report(app))

        self._run(
            work, lambda _: self.status.show_message("staff.result.report_printed"), kind="io"
        )

    def reports_folder(self) -> Path:
        return self._app.paths.root / "reports"

    def save_report(self) -> None:
        app = self._app
        self._run(
            lambda: save_day_report(app, self.reports_folder()),
            lambda path: self.status.show_message("staff.result.report_saved", path=str(path)),
            kind="io",
        )
