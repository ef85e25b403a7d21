"""``python -m devtools.printouts DIR`` (``make printouts``): the pictures in docs/printouts/.

PDFs are rendered with reportlab and turned into PNGs by poppler's ``pdftoppm``; thermal
printouts are the exact ESC/POS bytes a printer gets, printed by the emupos emulator. No
picture comes from a second renderer of our own.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.escpos_emulator import emulate
from devtools.samples import sample_day_report, sample_receipt, sample_test_page, sample_ticket
from printing.content import QueueTicket, TestPage
from printing.escpos_render import render_escpos
from printing.layout import printer_in_words
from printing.pdf import render_pdf
from printing.settings import PrinterSettings


def ticket_only(language: str = "id") -> QueueTicket:
    """A ticket taken without a form, as the kiosk prints it: with the documents to bring."""
    documents = sample_receipt(language).documents
    return dataclasses.replace(sample_ticket(language), documents=documents)


def installer_test_page() -> TestPage:
    """The test page as ``kiosk --print-test`` prints it for a network printer."""
    printer = PrinterSettings(backend="escpos_network", host="192.168.1.50")
    return dataclasses.replace(sample_test_page(), printer_name=printer_in_words(printer))


PDFS = {
    "ticket-58mm": (ticket_only(), "58mm"),
    "ticket-80mm": (ticket_only("en"), "80mm"),
    "receipt-80mm": (sample_receipt(), "80mm"),
    "test-page-80mm": (installer_test_page(), "80mm"),
    "day-report-a4": (sample_day_report(), "a4"),
}
# name -> (printout, paper, native QR)
THERMAL = {
    "ticket-58mm-escpos": (ticket_only(), "58mm", True),
    "ticket-80mm-escpos": (ticket_only("en"), "80mm", True),
    "receipt-80mm-escpos": (sample_receipt(), "80mm", True),
    "receipt-58mm-raster-qr-escpos": (sample_receipt("en"), "58mm", False),
    "test-page-80mm-escpos": (installer_test_page(), "80mm", True),
}


def render_one(name: str, folder: Path) -> Path:
    """One picture of ``PDFS`` or ``THERMAL``, written as ``folder/<name>.png``."""
    target = folder / f"{name}.png"
    if name in PDFS:
        content, paper = PDFS[name]
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / f"{name}.pdf"
            pdf.write_bytes(render_pdf(content, paper))
            resolution = "100" if paper == "a4" else "150"
            subprocess.run(
                ["pdftoppm", "-r", resolution, "-png", "-singlefile", str(pdf), str(target)[:-4]],
                check=True,
            )
        return target
    content, paper, native_qr = THERMAL[name]
    (receipt,) = emulate(render_escpos(content, paper, native_qr=native_qr), paper).receipts
    receipt.image.save(target)
    return target


def render_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [render_one(name, folder) for name in (*PDFS, *THERMAL)]


if __name__ == "__main__":
    for path in render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/printouts")):
        print(path)
