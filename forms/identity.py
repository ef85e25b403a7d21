"""NIK and KK numbers: structure checks that python-stdnum does not make, and masking.

NIK = PP RR SS DDMMYY NNNN: province, regency, kecamatan where it was *first issued* (not
where the resident lives now), date of birth (day + 40 for women), serial.
KK  = PP RR SS DDMMYY NNNN: the same region code, the date the family card was issued, serial.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from stdnum.id import nik as stdnum_nik

from forms.regions import is_known_regency

_SEPARATORS = re.compile(r"[\s.\-/]+")
_DIGITS = re.compile(r"[0-9]+")


class IdentityNumberError(ValueError):
    """A NIK or KK number that cannot be right; `code` is the message code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class NikFacts:
    birth_day: int
    birth_month: int
    birth_year_2: int  # the NIK holds two digits of the year only
    female: bool

    def matches_birth_date(self, born: date) -> bool:
        return (born.day, born.month, born.year % 100) == (
            self.birth_day,
            self.birth_month,
            self.birth_year_2,
        )


def compact_number(value: str) -> str:
    """Digits only: spaces, dots, dashes and slashes people type between groups removed."""
    return _SEPARATORS.sub("", value)


def _sixteen_digits(value: str, prefix: str) -> str:
    number = compact_number(value)
    if not (number.isascii() and _DIGITS.fullmatch(number)):
        raise IdentityNumberError(f"{prefix}_format")
    if len(number) != 16:
        raise IdentityNumberError(f"{prefix}_length")
    return number


def _region_ok(number: str) -> bool:
    return number[4:6] != "00" and is_known_regency(number[:4])


def _real_date(day: int, month: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def check_nik(value: str) -> tuple[str, NikFacts]:
    """The 16-digit NIK and what it encodes, or IdentityNumberError with a message code."""
    number = _sixteen_digits(value, "nik")
    if not _region_ok(number):
        raise IdentityNumberError("nik_region")
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    female = day > 40
    if female:
        day -= 40
    # Two-digit year: a real day in either century will do (29-02-00 is real in 2000).
    try:
        stdnum_nik.get_birth_date(number)
    except Exception as error:  # stdnum raises its own ValidationError subclasses
        raise IdentityNumberError("nik_date") from error
    if number[12:] == "0000":
        raise IdentityNumberError("nik_serial")
    return number, NikFacts(day, month, year, female)


def check_kk(value: str, today: date) -> str:
    """The 16-digit KK number, or IdentityNumberError with a message code."""
    number = _sixteen_digits(value, "kk")
    if len(set(number)) == 1:
        raise IdentityNumberError("kk_repeated")
    if not _region_ok(number):
        raise IdentityNumberError("kk_region")
    day, month, year = int(number[6:8]), int(number[8:10]), int(number[10:12])
    # The issue date: from 1970 (oldest plausible card) up to today.
    issued = [
        d
        for d in (_real_date(day, month, 2000 + year), _real_date(day, month, 1900 + year))
        if d is not None and date(1970, 1, 1) <= d <= today
    ]
    if not issued:
        raise IdentityNumberError("kk_date")
    if number[12:] == "0000":
        raise IdentityNumberError("kk_serial")
    return number


def mask_nik(value: object) -> str:
    """A NIK (or KK) for receipts and logs: first 4 and last 2 digits, the rest `*`.

    Anything that is not a 16-digit number is masked whole, so a typo never leaks either.
    """
    text = compact_number(value) if isinstance(value, str) else ""
    if len(text) == 16 and text.isascii() and text.isdigit():
        return text[:4] + "*" * 10 + text[-2:]
    return "*" * 16
