"""Real PDFs parsed back with pypdf, and the receipt's QR code decoded from a rasterised page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import threading
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from devtools.samples import sample_day_report, sample_receipt, sample_test_page, sample_ticket
from printing import DayReport, DayReportRow, render_pdf

MM = 72 / 25.4


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_receipt_pdf_says_what_the_resident_needs() -> None:
    data = render_pdf(sample_receipt(), "80mm")
    text = pdf_text(data)
    for expected in (
        "B-017",
        "Pasar Pelayanan Publik Rogojampi",
        "Kartu Keluarga (KK) baru",
        "SITI NURHALIZA WULANDARI",  # printed in capitals, as on a KTP
        "3510**********01",
        "Senin, 12 Mei 2025, 09.41 WIB",
        "KTP-el asli pemohon",
        "Buku nikah / akta perkawinan",
        "RGJ-7Q4K-M2XD",
        "Loket 2",
    ):
        assert expected in text, expected
    assert not re.search(r"\d{16}", text)
    assert not re.search(rb"3510\d{12}", data)


def test_english_receipt_uses_english_labels_and_time() -> None:
    text = pdf_text(render_pdf(sample_receipt("en"), "58mm"))
    assert "Your queue number" in text and "Monday, 12 May 2025, 09:41 WIB" in text
    assert "Applicant's original e-KTP" in text


@pytest.mark.parametrize(("paper", "width_mm"), [("58mm", 58), ("80mm", 80)])
def test_roll_page_is_as_wide_as_the_paper_and_as_long_as_the_content(
    paper: str, width_mm: int
) -> None:
    for content in (sample_ticket(), sample_receipt()):
        page = PdfReader(io.BytesIO(render_pdf(content, paper))).pages[0]
        assert float(page.mediabox.width) == pytest.approx(width_mm * MM, abs=0.5)
        assert 80 * MM < float(page.mediabox.height) < 260 * MM


def test_reprint_is_marked() -> None:
    from dataclasses import replace

    ticket = replace(sample_ticket(), is_reprint=True)
    assert "CETAK ULANG" in pdf_text(render_pdf(ticket, "58mm"))


def test_day_report_on_a4_in_indonesian_with_english_subtitles() -> None:
    text = pdf_text(render_pdf(sample_day_report(), "a4"))
    for expected in ("LAPORAN HARIAN ANTREAN", "Daily queue report", "KTP-el", "Jumlah", "92"):
        assert expected in text
    assert "Akta Kelahiran" in text and "Birth certificate" in text


def test_long_day_report_flows_onto_more_a4_pages() -> None:
    rows = tuple(
        DayReportRow(
            service_name=(f"Layanan {i}", f"Service {i}"), issued=i, served=i, no_show=0, void=0
        )
        for i in range(60)
    )
    report = DayReport(
        outpost_name="Genteng",
        day=datetime(2025, 5, 12).date(),
        rows=rows,
        generated_at=datetime.now(UTC),
    )
    reader = PdfReader(io.BytesIO(render_pdf(report, "a4")))
    assert len(reader.pages) >= 2
    assert "Layanan 59" in pdf_text(render_pdf(report, "a4"))


def test_test_page_renders_indonesian_text() -> None:
    text = pdf_text(render_pdf(sample_test_page(), "80mm"))
    assert "HALAMAN UJI" in text and "10.000,00" in text


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (pdftoppm)")
@pytest.mark.parametrize("paper", ["58mm", "80mm"])
def test_receipt_qr_code_decodes_to_the_tracking_code(paper: str, tmp_path) -> None:
    import zxingcpp
    from PIL import Image

    pdf = tmp_path / "receipt.pdf"
    pdf.write_bytes(render_pdf(sample_receipt(tracking_code="GTG-2025-0512-XK9"), paper))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", pdf, tmp_path / "page"], check=True
    )
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [b.text for b in found if b.format == zxingcpp.BarcodeFormat.QRCode] == [
        "GTG-2025-0512-XK9"
    ]


def test_renders_safely_from_many_threads() -> None:
    results: dict[int, str] = {}

    def work(i: int) -> None:
        results[i] = pdf_text(render_pdf(sample_receipt(number=f"C-{i:03d}"), "80mm"))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(f"C-{i:03d}" in results[i] for i in range(8))
