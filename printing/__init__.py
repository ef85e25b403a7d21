"""Receipts, queue tickets and reports: PDF (reportlab), ESC/POS (python-escpos), printer backends.

Importing ``printing`` is cheap: the content models, errors and settings load at once; the
renderers and backends (reportlab, escpos, Pillow) load on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from printing.content import (
    Bilingual,
    DayReport,
    DayReportRow,
    Printout,
    QueueTicket,
    ServiceReceipt,
    StatusSlip,
    TestPage,
)
from printing.errors import PrinterUnavailable
from printing.settings import PrinterSettings

if TYPE_CHECKING:
    from printing.backends import Printer, PrinterStatus, PrintResult, make_printer
    from printing.escpos_render import render_escpos
    from printing.pdf import render_pdf

_LAZY = {
    "render_pdf": "printing.pdf",
    "render_escpos": "printing.escpos_render",
    "make_printer": "printing.backends",
    "Printer": "printing.backends",
    "PrintResult": "printing.backends",
    "PrinterStatus": "printing.backends",
}

__all__ = [
    "Bilingual",
    "DayReport",
    "DayReportRow",
    "Printer",
    "PrinterSettings",
    "PrinterStatus",
    "PrinterUnavailable",
    "PrintResult",
    "Printout",
    "QueueTicket",
    "ServiceReceipt",
    "StatusSlip",
    "TestPage",
    "make_printer",
    "render_escpos",
    "render_pdf",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'printing' has no attribute {name!r}")
