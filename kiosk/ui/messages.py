"""The one place where a failure from the core becomes a friendly, translated sentence.

Residents never see a reason code, a file path or a traceback: only what happened to them
and what to do next. Details go to the log for the admin.
"""

from __future__ import annotations

import logging

from kiosk.ui.i18n import tr

log = logging.getLogger(__name__)

_PRINTER_KEYS = {
    "paper_out": "error.printer.paper_out",
    "offline": "error.printer.offline",
    "unreachable": "error.printer.offline",
}


def printer_problem(error: BaseException) -> str:
    """The first sentence of a printing failure; the caller adds "see the operator"."""
    reason = getattr(error, "reason_code", "")
    return tr(_PRINTER_KEYS.get(reason, "error.printer.general"))


def friendly(error: BaseException) -> str:
    """A sentence a resident can act on, for any failure a use case can raise."""
    from kiosk.store import StoreError
    from kiosk.usecases.errors import NoticeNotAccepted, UnknownService

    name = type(error).__name__
    if name == "PrinterUnavailable":
        return printer_problem(error)
    if name == "ValidationFailed":
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
