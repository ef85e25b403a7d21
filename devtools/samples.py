"""Realistic sample printouts for the docs, the benchmark, the tests and the self-check."""

from __future__ import annotations

from datetime import UTC, date, datetime

from printing.content import (
    Bilingual,
    DayReport,
    DayReportRow,
    QueueTicket,
    ServiceReceipt,
    TestPage,
)

ISSUED_AT = datetime(2025, 5, 12, 2, 41, 7, tzinfo=UTC)  # 09:41 WIB


def sample_ticket(
    language: str = "id", number: str = "B-017", tracking_code: str = "RGJ-7Q4K-M2XD"
) -> QueueTicket:
    return QueueTicket(
        outpost_name="Pasar Pelayanan Publik Rogojampi",
        service_name=Bilingual("Kartu Keluarga (KK) baru", "New Family Card (KK)"),
        queue_number=number,
        issued_at=ISSUED_AT,
        people_ahead=4,
        estimated_wait_minutes=25,
        counter="2",
        language=language,  # type: ignore[arg-type]
        tracking_code=tracking_code,
    )


def sample_receipt(
    language: str = "id", number: str = "B-017", tracking_code: str = "RGJ-7Q4K-M2XD"
) -> ServiceReceipt:
    note = {
        "id": "Simpan tanda terima ini. Cek statusnya di kios (Cek Status) atau pindai kode QR.",
        "en": (
            "Keep this receipt. Check its status at the kiosk (Check status) or scan the QR code."
        ),
    }[language]
    return ServiceReceipt(
        ticket=sample_ticket(language, number, tracking_code),
        resident_name="Siti Nurhaliza Wulandari",
        nik_masked="3510**********01",
        documents=(
            Bilingual("KTP-el asli pemohon", "Applicant's original e-KTP"),
            Bilingual("Kartu Keluarga lama (asli)", "Old Family Card (original)"),
            Bilingual("Buku nikah / akta perkawinan", "Marriage book / certificate"),
        ),
        note=note,
    )


def sample_day_report() -> DayReport:
    rows = (
        DayReportRow(
            service_name=Bilingual("KTP-el", "Electronic ID card"),
            issued=42,
            served=38,
            no_show=3,
            void=1,
            mean_wait_min=14.2,
            p90_wait_min=27.0,
            mean_service_min=6.4,
        ),  # fmt: skip
        DayReportRow(
            service_name=Bilingual("Kartu Keluarga (KK) baru", "New Family Card (KK)"),
            issued=27,
            served=25,
            no_show=2,
            void=0,
            mean_wait_min=18.9,
            p90_wait_min=33.5,
            mean_service_min=9.1,
        ),  # fmt: skip
        DayReportRow(
            service_name=Bilingual("Akta Kelahiran", "Birth certificate"),
            issued=15,
            served=15,
            no_show=0,
            void=0,
            mean_wait_min=9.7,
            p90_wait_min=16.0,
            mean_service_min=7.8,
        ),  # fmt: skip
        DayReportRow(
            service_name=Bilingual("Perizinan usaha mikro (NIB)", "Micro business licence (NIB)"),
            issued=8,
            served=6,
            no_show=1,
            void=1,
            mean_wait_min=22.4,
            p90_wait_min=41.0,
            mean_service_min=15.3,
        ),  # fmt: skip
        DayReportRow(
            service_name=Bilingual("BPJS Kesehatan", "National health insurance"),
            issued=0,
            served=0,
            no_show=0,
            void=0,
        ),  # fmt: skip
    )
    return DayReport(
        outpost_name="Pasar Pelayanan Publik Genteng",
        day=date(2025, 5, 12),
        rows=rows,
        generated_at=datetime(2025, 5, 12, 9, 5, tzinfo=UTC),
    )


def sample_test_page(profile: str = "80mm") -> TestPage:
    return TestPage(
        printer_name="EPSON TM-T20II (USB)",
        profile=profile,
        printed_at=ISSUED_AT,
        outpost_name="Pasar Pelayanan Publik Rogojampi",
    )
