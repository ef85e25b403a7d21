"""Tables of real-looking identity numbers and phone numbers, each with why it is (in)valid.

All numbers are made up: region codes and dates are real, serials are not anyone's.
Dates in the KK table are judged against TODAY.
"""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 1)

# (nik, birth date it encodes, female, reason it is valid)
VALID_NIKS: list[tuple[str, date, bool, str]] = [
    ("3510135708900003", date(1990, 8, 17), True, "Rogojampi (35.10.13), woman: day 17 + 40"),
    ("3510091203850001", date(1985, 3, 12), False, "Genteng (35.10.09), man"),
    ("3171011708450001", date(1945, 8, 17), False, "Jakarta Pusat, python-stdnum's own example"),
    ("3578106101000002", date(2000, 1, 21), True, "Surabaya, woman born 2000"),
    ("5171024512990004", date(1999, 12, 5), True, "Denpasar, Bali: issued outside Banyuwangi"),
    ("6571014101000002", date(2000, 1, 1), True, "Tarakan under Kalimantan Utara's 2012 code 65"),
    ("6473012502990003", date(1999, 2, 25), False, "Tarakan's old code 64.73, kept by the NIK"),
    ("9401033110010007", date(2001, 10, 31), False, "Nabire under Papua Tengah's 2022 code 94"),
    ("9101031503880011", date(1988, 3, 15), False, "Merauke's old Papua code 91.01"),
    ("3510132902000004", date(2000, 2, 29), False, "29 February 2000 is real"),
    ("1101017112750009", date(1975, 12, 31), True, "Aceh Selatan, woman: day 31 + 40 = 71"),
]

# (nik as typed, error code, reason)
INVALID_NIKS: list[tuple[str, str, str]] = [
    ("351013570890", "nik_length", "12 digits"),
    ("35101357089000031", "nik_length", "17 digits"),
    ("35101357O8900003", "nik_format", "letter O instead of zero"),
    ("3510-1357-0890-OOO3", "nik_format", "letters among separators"),
    ("9910135708900003", "nik_region", "no province 99"),
    ("3599135708900003", "nik_region", "East Java has no regency 99"),
    ("3510005708900003", "nik_region", "kecamatan 00 does not exist"),
    ("2010135708900003", "nik_region", "province 20 does not exist"),
    ("3510131713900003", "nik_date", "month 13"),
    ("3510130008900003", "nik_date", "day 00"),
    ("3510133208900003", "nik_date", "day 32 (a man)"),
    ("3510137208900003", "nik_date", "day 72 (a woman born on the 32nd)"),
    ("3510132902010004", "nik_date", "29 February 2001 / 1901 is not a date"),
    ("3510133102900003", "nik_date", "31 February"),
    ("3510135708900000", "nik_serial", "serial 0000"),
]

# (kk, reason it is valid)
VALID_KKS: list[tuple[str, str]] = [
    ("3510131203150005", "Rogojampi, issued 12-03-2015"),
    ("3510090101100001", "Genteng, issued 01-01-2010"),
    ("3578100205210017", "Surabaya, issued 02-05-2021"),
    ("3510131510260002", "issued 15-10-2026, before TODAY"),
    ("3510132012850003", "issued 20-12-1985"),
]

# (kk as typed, error code, reason)
INVALID_KKS: list[tuple[str, str, str]] = [
    ("351013120315", "kk_length", "12 digits"),
    ("3510-1312-0315-000A", "kk_format", "a letter"),
    ("1111111111111111", "kk_repeated", "one digit repeated"),
    ("9910131203150005", "kk_region", "no province 99"),
    ("3510001203150005", "kk_region", "kecamatan 00"),
    ("3510134513150005", "kk_date", "day 45: a KK date has no +40"),
    ("3510133112260005", "kk_date", "31-12-2026 is after TODAY, and 1926 is before any KK"),
    ("3510131213150005", "kk_date", "month 13"),
    ("3510131203150000", "kk_serial", "serial 0000"),
]

# (as typed, E.164, reason)
VALID_PHONES: list[tuple[str, str, str]] = [
    ("081234567890", "+6281234567890", "Telkomsel mobile, national format"),
    ("0812-3456-7890", "+6281234567890", "dashes"),
    ("0812 3456 7890", "+6281234567890", "spaces"),
    ("+6281234567890", "+6281234567890", "already E.164"),
    ("+62 812-3456-7890", "+6281234567890", "international with separators"),
    ("6281234567890", "+6281234567890", "country code without +"),
    ("085230001234", "+6285230001234", "Indosat mobile"),
    ("0333 424172", "+62333424172", "Banyuwangi landline, area code 0333"),
    ("(0333) 421234", "+62333421234", "landline with the area code in brackets"),
    ("021-5551234", "+62215551234", "Jakarta landline"),
]

# (as typed, error code, reason)
INVALID_PHONES: list[tuple[str, str, str]] = [
    ("0811", "phone_invalid", "too short"),
    ("12345", "phone_invalid", "not a number anyone can call"),
    ("08123456789012345", "phone_invalid", "too long"),
    ("0812-3456-789O", "phone_invalid", "letter O"),
    ("+1 650 253 0000", "phone_not_indonesian", "a US number"),
    ("++6281234567890", "phone_invalid", "two plus signs"),
    ("0812 3456 7890 ext 5", "phone_invalid", "extension words"),
    ("٠٨١٢٣٤٥٦٧٨٩٠", "phone_invalid", "Arabic-Indic digits"),
]

VALID_NAMES: list[tuple[str, str]] = [
    ("Ni Luh Putu Ayu", "NI LUH PUTU AYU"),
    ("Moh. Ali", "MOH. ALI"),
    ("O'Neil", "O'NEIL"),
    ("O’Neil", "O'NEIL"),
    ("Siti Nur-Aini", "SITI NUR-AINI"),
    ("  ahmad   fauzi ", "AHMAD FAUZI"),
    ("José Ramírez", "JOSÉ RAMÍREZ"),
    ("Ḥasan", "ḤASAN"),
]

INVALID_NAMES: list[tuple[str, str]] = [
    ("Budi 2", "a digit"),
    ("R2D2", "digits"),
    ("Ani 😀", "an emoji"),
    ("<script>", "HTML"),
    ("Robert'); DROP TABLE warga;--", "SQL"),
    ("...", "no letter at all"),
    ("Budi_Santoso", "underscore"),
]
