"""What an Epson-compatible thermal printer says about itself: the DLE EOT replies, decoded.

Reference: Epson ESC/POS Command Reference for TM printers, "DLE EOT — Transmit real-time
status", https://download4.epson.biz/sec_pubs/pos/reference_en/escpos/dle_eot.html. Each
request ``DLE EOT n`` is answered with one byte whose bits 1 and 4 are set and bits 0 and 7
clear (``0xx1xx10``):

- n = 1, printer status: bit 3 offline, bit 5 waiting for online recovery, bit 2 drawer pin;
- n = 2, offline cause: bit 2 cover open, bit 3 paper being fed by the feed button, bit 5
  printing stopped because the paper ran out, bit 6 an error occurred;
- n = 3, error cause: bit 2 recoverable error, bit 3 autocutter error, bit 5 unrecoverable
  error, bit 6 automatically recoverable error (head too hot, for example);
- n = 4, roll paper sensor: bits 2-3 near end, bits 5-6 paper not present.

A printer that is out of paper is also offline: it answers n = 1 with ``0x1A``, so the cause
must be read from n = 2 and n = 4 before the answer "offline" is given.
"""

from __future__ import annotations

from dataclasses import dataclass

# The requests, in the order the kiosk asks them.
PRINTER_STATUS = b"\x10\x04\x01"
OFFLINE_CAUSE = b"\x10\x04\x02"
ERROR_CAUSE = b"\x10\x04\x03"
PAPER_SENSOR = b"\x10\x04\x04"

_FIXED_MASK, _FIXED_BITS = 0x93, 0x12  # bits 0, 1, 4 and 7 of every reply

OFFLINE = 0x08  # n = 1
COVER_OPEN = 0x04  # n = 2
PAPER_END_STOP = 0x20  # n = 2
ERROR_OCCURRED = 0x40  # n = 2
AUTOCUTTER_ERROR = 0x08  # n = 3
UNRECOVERABLE_ERROR = 0x20  # n = 3
RECOVERABLE_ERRORS = 0x04 | 0x40  # n = 3: recoverable, auto-recoverable
PAPER_NEAR_END = 0x0C  # n = 4
PAPER_NOT_PRESENT = 0x60  # n = 4


def is_status_byte(value: int | None) -> bool:
    """Whether a byte has the fixed bits of a DLE EOT reply (anything else is not an answer)."""
    return value is not None and value & _FIXED_MASK == _FIXED_BITS


@dataclass(frozen=True, slots=True)
class StatusReplies:
    """The bytes a printer sent back, or None where it did not answer that request."""

    printer: int | None
    offline_cause: int | None = None
    error_cause: int | None = None
    paper: int | None = None


@dataclass(frozen=True, slots=True)
class PrinterCondition:
    """The decoded state: ``known`` False when the printer gave no usable answer."""

    known: bool
    fault: str | None = None  # a printing.errors reason code that stops printing
    warnings: tuple[str, ...] = ()  # "paper_low"
    detail: str = ""


UNKNOWN = PrinterCondition(known=False, detail="the printer does not report its status")


def decode(replies: StatusReplies) -> PrinterCondition:
    """The printer's condition from its DLE EOT replies; the most specific cause wins."""
    if not is_status_byte(replies.printer):
        return UNKNOWN
    paper = replies.paper if is_status_byte(replies.paper) else None
    cause = replies.offline_cause if is_status_byte(replies.offline_cause) else None
    error = replies.error_cause if is_status_byte(replies.error_cause) else None
    warnings = ("paper_low",) if paper is not None and paper & PAPER_NEAR_END else ()
    paper_out = (paper is not None and paper & PAPER_NOT_PRESENT) or (
        cause is not None and cause & PAPER_END_STOP
    )
    if paper_out:
        return PrinterCondition(True, "paper_out", (), "the roll paper is out")
    if not replies.printer & OFFLINE:  # type: ignore[operator]
        return PrinterCondition(True, None, warnings)
    if cause is not None and cause & COVER_OPEN:
        return PrinterCondition(True, "cover_open", warnings, "the printer cover is open")
    if error is not None and error & AUTOCUTTER_ERROR:
        return PrinterCondition(True, "cutter_error", warnings, "autocutter error (paper jam)")
    if error is not None and error & UNRECOVERABLE_ERROR:
        return PrinterCondition(True, "printer_error", warnings, "unrecoverable printer error")
    if (cause is not None and cause & ERROR_OCCURRED) or (
        error is not None and error & RECOVERABLE_ERRORS
    ):
        return PrinterCondition(True, "printer_error", warnings, "printer error")
    return PrinterCondition(True, "offline", warnings, "the printer reports it is offline")
