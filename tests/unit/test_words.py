"""One spelling of the queue wherever a resident or the staff reads or hears it.

KBBI spells it "antre" and "antrean"; "antri", "antrian" and "mengantri" are the everyday
misspellings. Every source of words a person meets is read as a file: the screens'
translations, the data-use notice, the catalogue and the forms, the printouts' wording
(``printing/``), the kiosk's own code (the call-out's voice, the staff screens) and the
guides in ``docs/``.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MISSPELT = re.compile(r"\b(?:meng)?antri", re.IGNORECASE)

SOURCES = (
    "resources/i18n/*.json",
    "resources/notice/*.json",
    "resources/catalogue.json",
    "resources/forms/*.json",
    "printing/*.py",
    "kiosk/**/*.py",
    "docs/*.md",
)


def test_every_source_of_words_is_read() -> None:
    for pattern in SOURCES:
        assert list(ROOT.glob(pattern)), f"nothing matches {pattern}: the scan below reads less"
    assert (ROOT / "docs" / "operator-guide.md").is_file()


def test_the_queue_is_spelt_as_kbbi_spells_it() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for path in sorted({p for pattern in SOURCES for p in ROOT.glob(pattern)})
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if MISSPELT.search(line)
    ]
    assert not found, "KBBI spells it antre / antrean:\n" + "\n".join(found)


def test_the_check_knows_the_misspellings_and_spares_the_right_words() -> None:
    for wrong in ("Nomor Antrian", "antrian loket", "mengantri", "ANTRI"):
        assert MISSPELT.search(wrong), wrong
    for right in ("Nomor Antrean", "antrean kirim", "mengantre", "Tanpa antre"):
        assert not MISSPELT.search(right), right
