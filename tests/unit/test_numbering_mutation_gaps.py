"""Queue numbers as the module's docstring spells them."""

from __future__ import annotations

from kiosk.usecases.numbering import format_number


def test_a_kiosk_without_a_device_mark_prints_the_plain_number():
    assert format_number("B", 17) == "B-017"


def test_a_device_mark_leads_the_letter():
    assert format_number("B", 17, 2) == "2B-017"
