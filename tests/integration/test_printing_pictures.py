"""The reviewed pictures in docs/printouts are what the kiosk prints today.

Each picture was looked at by a person when it was made (`make printouts`); this test renders
every one again the same way (reportlab → poppler's pdftoppm for PDFs, the real ESC/POS bytes
→ the emupos emulator for thermal printouts) and compares them. A change of layout, a line
that moved or a number that vanished fails here until someone renders the pictures again and
looks at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops

from devtools.printouts import PDFS, THERMAL, render_one

DOCS = Path(__file__).resolve().parents[2] / "docs" / "printouts"
NAMES = sorted([*PDFS, *THERMAL])


@pytest.mark.parametrize("name", NAMES)
def test_the_reviewed_picture_is_what_prints_today(tmp_path, name) -> None:
    reviewed = Image.open(DOCS / f"{name}.png").convert("L")
    today = Image.open(render_one(name, tmp_path)).convert("L")
    assert today.size == reviewed.size, "the printout changed size: run `make printouts` and look"
    changed = ImageChops.difference(today, reviewed).point(lambda v: 255 if v > 64 else 0)
    changed_share = changed.histogram()[255] / (today.width * today.height)
    assert changed_share == 0, f"{changed_share:.3%} of the picture changed: `make printouts`"
