"""Province and regency (kabupaten/kota) codes, the first four digits of a NIK or KK number.

Current codes follow Kepmendagri No. 300.2.2-2138 Tahun 2025 (38 provinces, 514 regencies;
transcribed from the cahyadsn/wilayah data set). A NIK keeps the code of the place where it
was first issued, so codes that existed before a split are still accepted (see HISTORICAL),
and so is any code python-stdnum's own table knows. docs/catalogue.md gives the sources.
"""

from __future__ import annotations

from functools import lru_cache

PROVINCES: dict[str, str] = {
    "11": "Aceh",
    "12": "Sumatera Utara",
    "13": "Sumatera Barat",
    "14": "Riau",
    "15": "Jambi",
    "16": "Sumatera Selatan",
    "17": "Bengkulu",
    "18": "Lampung",
    "19": "Kepulauan Bangka Belitung",
    "21": "Kepulauan Riau",
    "31": "Daerah Khusus Jakarta",
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "34": "Daerah Istimewa Yogyakarta",
    "35": "Jawa Timur",
    "36": "Banten",
    "51": "Bali",
    "52": "Nusa Tenggara Barat",
    "53": "Nusa Tenggara Timur",
    "61": "Kalimantan Barat",
    "62": "Kalimantan Tengah",
    "63": "Kalimantan Selatan",
    "64": "Kalimantan Timur",
    "65": "Kalimantan Utara",
    "71": "Sulawesi Utara",
    "72": "Sulawesi Tengah",
    "73": "Sulawesi Selatan",
    "74": "Sulawesi Tenggara",
    "75": "Gorontalo",
    "76": "Sulawesi Barat",
    "81": "Maluku",
    "82": "Maluku Utara",
    "91": "Papua",
    "92": "Papua Barat",
    "93": "Papua Selatan",
    "94": "Papua Tengah",
    "95": "Papua Pegunungan",
    "96": "Papua Barat Daya",
}

# Regency codes per province as ranges: kabupaten 01.., kota 71..
_CURRENT: dict[str, str] = {
    "11": "01-18,71-75",
    "12": "01-25,71-78",
    "13": "01-12,71-77",
    "14": "01-10,71-72",
    "15": "01-09,71-72",
    "16": "01-13,71-74",
    "17": "01-09,71",
    "18": "01-13,71-72",
    "19": "01-06,71",
    "21": "01-05,71-72",
    "31": "01,71-75",
    "32": "01-18,71-79",
    "33": "01-29,71-76",
    "34": "01-04,71",
    "35": "01-29,71-79",
    "36": "01-04,71-74",
    "51": "01-08,71",
    "52": "01-08,71-72",
    "53": "01-21,71",
    "61": "01-12,71-72",
    "62": "01-13,71",
    "63": "01-11,71-72",
    "64": "01-03,07-09,11,71-72,74",
    "65": "01-04,71",
    "71": "01-11,71-74",
    "72": "01-12,71",
    "73": "01-18,22,24,26,71-73",
    "74": "01-15,71-72",
    "75": "01-05,71",
    "76": "01-06",
    "81": "01-09,71-72",
    "82": "01-08,71-72",
    "91": "03,05-06,10-11,15,19-20,71",
    "92": "02-03,06-08,11-12",
    "93": "01-04",
    "94": "01-08",
    "95": "01-08",
    "96": "01-05,71",
}

# Codes of regencies before they moved province (Kalimantan Utara 2012, the Papua
# provinces 2022): NIKs and KK numbers issued then still carry them.
HISTORICAL: dict[str, str] = {
    "64": "04-06,10,73",
    "91": "01-28,71",
    "92": "01-12,71",
}


def _expand(ranges: str) -> set[str]:
    codes: set[str] = set()
    for part in ranges.split(","):
        low, _, high = part.partition("-")
        for number in range(int(low), int(high or low) + 1):
            codes.add(f"{number:02d}")
    return codes


def _build(table: dict[str, str]) -> frozenset[str]:
    return frozenset(p + r for p, ranges in table.items() for r in _expand(ranges))


CURRENT_REGENCIES: frozenset[str] = _build(_CURRENT)
KNOWN_REGENCIES: frozenset[str] = CURRENT_REGENCIES | _build(HISTORICAL)


@lru_cache(maxsize=1024)
def is_known_regency(code: str) -> bool:
    """Whether a four-digit province + regency code is real now or was real when issued."""
    if len(code) != 4 or not code.isdigit() or code[:2] not in PROVINCES:
        return False
    if code in KNOWN_REGENCIES:
        return True
    return _known_to_stdnum(code)


def _known_to_stdnum(code: str) -> bool:
    try:
        from stdnum import numdb

        return bool(numdb.get("id/loc").info(code)[0][1]) and bool(
            numdb.get("id/loc").info(code)[1][1]
        )
    except Exception:  # stdnum's table is a fallback only; never let it break validation
        return False
