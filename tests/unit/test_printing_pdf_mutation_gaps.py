"""Which words of a PDF printout are set in the bold face, read back with pypdf.

The expected emphasis is the ticket's design: the header, the service, the counter, the
people ahead and the tracking code stand out; the rest is regular. Each row caught a
mutant the other printing tests let through.
"""

from __future__ import annotations

import io

import pypdf
import pytest

from devtools.samples import sample_day_report, sample_ticket
from printing import render_pdf


def faces(pdf: bytes) -> dict[str, bool]:
    """Each piece of text on the first page, and whether its font is a bold one."""
    seen: dict[str, bool] = {}

    def visit(text: str, _cm: object, _tm: object, font: dict | None, _size: float) -> None:
        if text.strip() and font is not None:
            seen.setdefault(text.strip(), "Bold" in str(font.get("/BaseFont", "")))

    pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return seen


TICKET_EMPHASIS = [
    ("PASAR PELAYANAN PUBLIK", True),
    ("Pasar Pelayanan Publik Rogojampi", False),
    ("Kartu Keluarga (KK) baru", True),
    ("Loket 2", True),
    ("4", True),  # people ahead
    ("± 25 menit", False),
    ("RGJ-7Q4K-M2XD", True),
]


@pytest.mark.parametrize(("words", "bold"), TICKET_EMPHASIS)
def test_the_ticket_emphasises_what_a_resident_looks_for(words: str, bold: bool):
    assert faces(render_pdf(sample_ticket(), "80mm"))[words] is bold


def test_a_day_report_on_a_roll_names_each_service_in_bold():
    report = sample_day_report()
    seen = faces(render_pdf(report, "80mm"))
    for row in report.rows:
        assert seen[row.service_name.id] is True


def test_an_a4_day_report_names_its_totals_row_in_both_languages():
    seen = faces(render_pdf(sample_day_report(), "a4"))
    assert "Jumlah" in seen and "Total" in seen
