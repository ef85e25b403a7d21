"""``make screenshots`` draws real screens: each PNG has a picture on it, and tesseract reads
in it the words the screen's own labels and buttons held when it was taken.

The tool runs as ``make screenshots`` runs it (``devtools.screenshots.main``), on its own
throw-away kiosk, cut down to a few screens at one size to stay quick.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from devtools import screenshots as resident_screenshots
from devtools import staff_screenshots
from kiosk.ui.i18n import current_language
from tests.printed import read_page_with_ocr

RESIDENT_SCREENS = ("home", "categories", "service")
LANDSCAPE = ((1920, 1080),)
READ = (
    "resident-home-id-1920x1080",
    "resident-home-en-1920x1080",
    "resident-service-en-1920x1080",
    "staff-console-id-1920x1080",
    "staff-pin-en-1920x1080",
)


def words(text: str) -> set[str]:
    """The words a reader can be held to: letters only, four or more of them."""
    return {w.casefold() for w in re.findall(r"[^\W\d_]{4,}", re.sub(r"<[^>]+>", " ", text))}


def shown_words(widget: QWidget) -> set[str]:
    """The words of every label and button on screen, from the widget tree."""
    found: set[str] = set()
    for kind in (QLabel, QAbstractButton):
        for child in widget.findChildren(kind):
            if child.isVisible():
                found |= words(child.text())
    return found


@pytest.fixture
def screenshots(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, set[str]]:
    """Runs the tool; returns each file's name (no suffix) and the words its screen showed."""
    shown: dict[str, set[str]] = {}
    walk, grab = resident_screenshots._walk, staff_screenshots._grab

    def walk_a_few(window):  # noqa: ANN001, ANN202 - the tool's own walk, stopped early
        wanted = list(RESIDENT_SCREENS)
        for name in walk(window):
            if name in wanted:
                yield name  # the tool grabs the window before the walk resumes
                shown[f"resident-{name}-{current_language()}-1920x1080"] = shown_words(window)
                wanted.remove(name)
            if not wanted:
                return

    def grab_noting_words(widget: QWidget, size: tuple[int, int], path: Path) -> Path:
        written = grab(widget, size, path)
        shown[path.stem] = shown_words(widget)
        return written

    monkeypatch.setattr(resident_screenshots, "SIZES", LANDSCAPE)
    monkeypatch.setattr(resident_screenshots, "_walk", walk_a_few)
    monkeypatch.setattr(staff_screenshots, "SIZES", LANDSCAPE)
    monkeypatch.setattr(staff_screenshots, "_grab", grab_noting_words)
    assert resident_screenshots.main([str(tmp_path)]) == 0
    assert {p.stem for p in tmp_path.glob("*.png")} == set(shown)
    return {name: shown[name] for name in sorted(shown)}


def test_every_screenshot_is_a_picture_not_one_colour(screenshots, tmp_path: Path) -> None:
    assert len(screenshots) == 2 * (len(RESIDENT_SCREENS) + 4)  # both languages, 4 staff screens
    for name in screenshots:
        picture = Image.open(tmp_path / f"{name}.png").convert("L")
        histogram = picture.histogram()
        assert picture.size == LANDSCAPE[0], name
        # A blank picture has one grey; a screen has text, tiles and their edges.
        assert max(histogram) / sum(histogram) < 0.95, f"{name} is nearly one colour"
        assert sum(1 for n in histogram if n) >= 32, f"{name} has too few greys"
        assert ImageStat.Stat(picture).stddev[0] > 12, f"{name} is nearly flat"


def test_tesseract_reads_in_each_screenshot_the_words_its_screen_showed(
    screenshots, tmp_path: Path
) -> None:
    read = {name: words(read_page_with_ocr(Image.open(tmp_path / f"{name}.png"))) for name in READ}
    for name in READ:
        shown = screenshots[name]
        assert len(shown) >= 5, f"{name}: the screen shows almost no words"
        missing = shown - read[name]
        assert len(missing) <= len(shown) // 5, f"{name}: OCR misses {sorted(missing)}"
    # Home in the language it was taken in, and only that one.
    home_id, home_en = read["resident-home-id-1920x1080"], read["resident-home-en-1920x1080"]
    assert "selamat" in home_id and "welcome" not in home_id
    assert "welcome" in home_en and "selamat" not in home_en
