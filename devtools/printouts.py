"""``python -m devtools.printouts DIR`` (``make printouts``): the pictures in docs/printouts/.

PDFs are rendered with reportlab and turned into PNGs by poppler's ``pdftoppm``; thermal
printouts are the exact ESC/POS bytes a printer gets, printed by the emupos emulator. No
picture comes from a second renderer of our own.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from devtools.escpos_emulator import emulate
from devtools.samples import sample_day_report, sample_receipt, sample_test_page, sample_ticket
from printing.escpos_render import render_escpos
from printing.pdf import render_pdf

PDFS = {
    "ticket-58mm": (sample_ticket(), "58mm"),
    "ticket-80mm": (sample_ticket("en"), "80mm"),
    "receipt-80mm": (sample_receipt(), "80mm"),
    "test-page-80mm": (sample_test_page(), "80mm"),
    "day-report-a4": (sample_day_report(), "a4"),
}
# name -> (printout, paper, native QR)
THERMAL = {
    "ticket-58mm-escpos": (sample_ticket(), "58mm", True),
    "receipt-80mm-escpos": (sample_receipt(), "80mm", True),
    "receipt-58mm-raster-qr-escpos": (sample_receipt("en"), "58mm", False),
    "test-page-80mm-escpos": (sample_test_page(), "80mm", True),
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
