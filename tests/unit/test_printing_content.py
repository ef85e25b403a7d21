"""The printout content models, WIB time, labels and the cheap ``import printing``."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from devtools.samples import sample_day_report, sample_receipt, sample_ticket
from printing import Bilingual, PrinterSettings, PrinterUnavailable, ServiceReceipt
from printing.layout import format_wib, layout


def test_bilingual_accepts_pairs_and_objects_with_id_and_en() -> None:
    assert Bilingual.of(("KTP-el", "e-KTP")) == Bilingual("KTP-el", "e-KTP")
    assert Bilingual.of(SimpleNamespace(id="Akta", en="Certificate")).en == "Certificate"
    assert Bilingual("Loket", "Counter").in_("en") == "Counter"


def test_content_is_frozen() -> None:
    ticket = sample_ticket()
    with pytest.raises(FrozenInstanceError):
        ticket.queue_number = "A-001"  # type: ignore[misc]


def test_receipt_refuses_an_unmasked_nik() -> None:
    with pytest.raises(ValueError, match="masked"):
        ServiceReceipt(ticket=sample_ticket(), resident_name="Siti", nik_masked="3510012345670001")


def test_ticket_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sample_ticket().__class__(
            outpost_name="X",
            service_name=Bilingual("a", "b"),
            queue_number="A-001",
            issued_at=datetime(2025, 5, 12, 9, 0),
            people_ahead=0,
            estimated_wait_minutes=0,
            counter="1",
            tracking_code="T",
        )


def test_times_print_in_wib_in_the_resident_language() -> None:
    moment = datetime(2025, 5, 12, 2, 41, tzinfo=UTC)
    assert format_wib(moment, "id") == "Senin, 12 Mei 2025, 09.41 WIB"
    assert format_wib(moment, "en") == "Monday, 12 May 2025, 09:41 WIB"


def test_day_report_totals_sum_counts_and_weight_means_by_served() -> None:
    totals = sample_day_report().totals
    assert totals is not None
    assert (totals.issued, totals.served, totals.no_show, totals.void) == (92, 84, 6, 2)
    assert totals.mean_wait_min == pytest.approx((14.2 * 38 + 18.9 * 25 + 9.7 * 15 + 22.4 * 6) / 84)


def test_receipt_layout_is_in_the_resident_language() -> None:
    english = " ".join(str(b) for b in layout(sample_receipt("en")))
    assert "Your queue number" in english and "Documents to bring" in english
    indonesian = " ".join(str(b) for b in layout(sample_receipt("id")))
    assert "Nomor antrean Anda" in indonesian


def test_printer_settings_defaults_and_validation() -> None:
    settings = PrinterSettings(backend="escpos_network", host="10.0.0.5")
    assert (settings.port, settings.profile) == (9100, "80mm")
    with pytest.raises(ValidationError):
        PrinterSettings(backend="bluetooth")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        PrinterSettings(profile="110mm")  # type: ignore[arg-type]


def test_unknown_reason_code_is_a_bug() -> None:
    assert PrinterUnavailable("paper_out", "no paper").reason_code == "paper_out"
    with pytest.raises(ValueError):
        PrinterUnavailable("on_fire")


def test_importing_printing_loads_no_escpos_reportlab_or_qt() -> None:
    code = (
        "import sys, printing, printing.backends, printing.settings\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('escpos', 'reportlab', 'PySide6', 'PIL')]\n"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
