"""The installer's and the admin's printer check: print the test page, then ask the printer.

``kiosk --print-test`` and the admin panel's "test page" button both call ``print_test_page``
and say the same words (``PrinterCheck.keys``, looked up in the staff translations). The exit
code lets an installation script tell the outcomes apart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from printing import PrinterStatus, PrinterUnavailable, TestPage
from printing.backends import Printer
from printing.layout import printer_in_words

EXIT_READY = 0  # printed, and the printer reports it is ready
EXIT_UNKNOWN = 3  # printed, but the printer cannot report its state: look at the page
EXIT_ATTENTION = 4  # printed, and the printer needs attention soon (paper nearly out ...)
EXIT_NOT_PRINTED = 5  # the printer refused or could not be reached: nothing printed


@dataclass(frozen=True, slots=True)
class PrinterCheck:
    printed: bool
    keys: tuple[str, ...]  # staff translation keys, the state first, then any warnings
    detail: str  # for the admin and the log, never for a resident
    exit_code: int


NO_PRINTER = "none"  # the config's backend for a kiosk that prints nothing


def status_keys(status: PrinterStatus) -> tuple[str, ...]:
    """The words for a printer's state: ready, unknown, or its fault; then its warnings.

    With no printer configured every job "succeeds" without paper, so its state is that there
    is no printer, never "ready"."""
    if status.backend == NO_PRINTER:
        return ("staff.printer.none",)
    if status.ready is True:
        state = "staff.printer.ready"
    elif status.ready is None:
        state = "staff.printer.unknown"
    else:
        state = f"staff.printer.{status.reason_code or 'io_error'}"
    return (state, *(f"staff.printer.{w}" for w in status.warnings))


def print_test_page(
    printer: Printer, profile: str, outpost_name: str, clock: Callable[[], datetime]
) -> PrinterCheck:
    if printer.backend == NO_PRINTER:
        return PrinterCheck(
            False, ("staff.printer.none",), "no printer configured (backend none)", EXIT_NOT_PRINTED
        )
    page = TestPage(
        printer_name=printer_in_words(printer.settings),
        profile=profile,
        printed_at=clock(),
        outpost_name=outpost_name,
    )
    try:
        result = printer.print(page)
    except PrinterUnavailable as exc:
        return PrinterCheck(
            False, (f"staff.printer.{exc.reason_code}",), exc.detail, EXIT_NOT_PRINTED
        )
    status = printer.status()
    keys = status_keys(status)
    keys += tuple(f"staff.printer.{w}" for w in result.warnings if f"staff.printer.{w}" not in keys)
    if status.ready is None:
        code = EXIT_UNKNOWN
    elif status.ready and len(keys) == 1:
        code = EXIT_READY
    else:
        code = EXIT_ATTENTION
    return PrinterCheck(True, ("staff.admin.test_page_done", *keys), status.detail, code)
