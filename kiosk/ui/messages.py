"""The one place where a failure from the core becomes a friendly, translated sentence.

Residents never see a reason code, a file path or a traceback: only what happened to them
and what to do next. Details go to the log for the admin.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from kiosk.clock import to_wib, utc_now
from kiosk.ui.i18n import tr

if TYPE_CHECKING:
    from sync.pusher import SyncFailure

log = logging.getLogger(__name__)

# Each fault a resident can meet at the printer has its own sentence; the rest are general.
_PRINTER_KEYS = {
    code: f"error.printer.{code}"
    for code in (
        "paper_out",
        "cover_open",
        "cutter_error",
        "printer_error",
        "offline",
        "unreachable",
    )
}


def printer_problem(error: BaseException) -> str:
    """The first sentence of a printing failure; the caller adds "see the operator"."""
    from printing.errors import PrinterUnavailable

    reason = error.reason_code if isinstance(error, PrinterUnavailable) else ""
    return tr(_PRINTER_KEYS.get(reason, "error.printer.general"))


def sync_problem(failure: SyncFailure) -> str:
    """Why the last push failed, in the staff's words. The error's own text is English detail
    for the log and ``kiosk-sync``; put inside an Indonesian sentence it would read as noise."""
    return tr(f"staff.sync_failure.{failure.kind}", status=failure.status or "–")


def friendly(error: BaseException) -> str:
    """A sentence a resident can act on, for any failure a use case can raise."""
    from forms import ValidationFailed
    from kiosk.store import StoreError
    from kiosk.usecases.errors import NoticeNotAccepted, UnknownService
    from printing.errors import PrinterUnavailable

    if isinstance(error, PrinterUnavailable):
        return printer_problem(error)
    if isinstance(error, ValidationFailed):
        return tr("error.validation")
    if isinstance(error, NoticeNotAccepted):
        return tr("error.notice")
    if isinstance(error, UnknownService):
        return tr("error.unknown_service")
    if isinstance(error, StoreError):
        log.error("store problem: %r", error)
        return tr("error.store")
    log.error("unexpected failure shown as a general message: %r", error)
    return tr("error.general")


def for_staff(error: BaseException) -> str:
    """The same failures in an operator's words, with the detail a resident never needs."""
    from kiosk.usecases import (
        ConsoleLocked,
        InvalidTransition,
        PinInUse,
        PinRejected,
        TicketNotFound,
        UnknownService,
        WeakPin,
    )
    from printing.errors import PrinterUnavailable

    if isinstance(error, ConsoleLocked):
        left = error.seconds_left
        if left is None:
            left = (error.until - utc_now()).total_seconds()
        minutes = max(1, math.ceil(left / 60))
        return tr("staff.error.locked", time=f"{to_wib(error.until):%H:%M}", minutes=minutes)
    if isinstance(error, PinRejected):
        return tr("staff.error.pin_rejected", left=error.attempts_left)
    if isinstance(error, InvalidTransition):
        return tr(
            "staff.error.invalid_transition",
            number=error.number,
            status=tr(f"staff.status.{error.status}"),
        )
    if isinstance(error, TicketNotFound):
        return tr("staff.error.ticket_not_found")
    if isinstance(error, UnknownService):
        return tr("staff.error.unknown_service")
    if isinstance(error, WeakPin):
        return tr("staff.error.weak_pin")
    if isinstance(error, PinInUse):
        return tr("staff.error.pin_in_use")
    if isinstance(error, PrinterUnavailable):
        return tr(f"staff.printer.{error.reason_code}")
    if isinstance(error, OSError):
        return tr("staff.error.disk")
    return tr("staff.error.unexpected")
