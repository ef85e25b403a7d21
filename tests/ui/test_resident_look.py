"""Translations complete in both languages; every touch target big enough."""

from __future__ import annotations

import json
import re
from importlib.resources import files

import pytest
from PySide6.QtWidgets import QAbstractButton, QLineEdit

from kiosk.ui import i18n
from kiosk.ui.widgets.tile import Tile

_PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _catalogues() -> list[str]:
    folder = files("resources").joinpath("i18n")
    return sorted(e.name for e in folder.iterdir() if e.name.endswith(".id.json"))


@pytest.mark.parametrize("name", _catalogues())
def test_every_indonesian_file_has_a_complete_english_twin(name: str) -> None:
    folder = files("resources").joinpath("i18n")
    indonesian = json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
    twin = name.replace(".id.json", ".en.json")
    english = json.loads(folder.joinpath(twin).read_text(encoding="utf-8"))
    assert set(indonesian) == set(english), set(indonesian) ^ set(english)
    for key, text in indonesian.items():
        assert text.strip() and english[key].strip(), f"{key} is empty"
        assert set(_PLACEHOLDER.findall(text)) == set(_PLACEHOLDER.findall(english[key])), key


def test_one_of_a_thing_is_singular_in_english() -> None:
    assert i18n.tr("home.waiting", language="en", count=1) == "1 person is waiting"
    assert i18n.tr("home.waiting", language="en", count=3) == "3 people are waiting"
    assert i18n.tr("categories.count", language="en", count=1) == "1 service"
    assert i18n.tr("home.waiting", language="id", count=1) == "1 orang sedang menunggu"
    assert i18n.tr("common.back", language="en", count=1) == i18n.tr("common.back", language="en")


def test_the_notice_has_both_languages_and_a_version(kiosk_app) -> None:  # noqa: ANN001
    from kiosk.ui.screens.notice import load_notice

    notice = load_notice("Pos", 90, kiosk_app.paths.root)
    assert notice.version
    for language in i18n.LANGUAGES:
        text = notice.text(language)
        assert "90" in text and "{" not in text


def _screens(qtbot, window):  # noqa: ANN001, ANN202
    """Every resident screen, shown in turn (with the form's two keyboards)."""
    yield window.home
    window.show_screen(window.categories)
    yield window.categories
    window.show_screen(window.ticket_services)
    yield window.ticket_services
    window.categories.category_chosen.emit("KEPENDUDUKAN")
    yield window.services
    window.services.service_chosen.emit("KTP_BARU")
    yield window.service
    window.service.form_chosen.emit("KTP_BARU")
    form = window.form_screen
    form.activate(form.rows[0])  # letters
    yield form
    form.activate(form.rows[1])  # number pad
    yield form
    window.review.show_lines([("Nama", "SITI")])
    window.show_screen(window.review)
    yield window.review
    window.show_screen(window.notice)
    yield window.notice
    window.show_screen(window.success)
    yield window.success
    window.show_screen(window.recovery)
    yield window.recovery


# The two sizes the kiosk is designed for, and the common touch monitors and tablets it may
# meet: 1366 x 768, 1280 x 800, each either way round.
SIZES = [(1920, 1080), (1080, 1920), (1366, 768), (768, 1366), (1280, 800), (800, 1280)]


def _screens_at(qtbot, window, size):  # noqa: ANN001, ANN202
    """Every resident screen in a window of ``size``, each laid out before it is yielded."""
    window.resize(*size)
    for screen in _screens(qtbot, window):
        qtbot.wait(1)
        yield screen


@pytest.mark.parametrize("size", SIZES)
def test_every_screen_fits_the_screen(qtbot, window, size) -> None:  # noqa: ANN001
    # No screen may need more room than the display has: a fullscreen window would be cut.
    too_big: list[str] = []
    for screen in _screens_at(qtbot, window, size):
        if (window.width(), window.height()) != size:
            too_big.append(f"{type(screen).__name__}: {window.width()}x{window.height()}")
    assert not too_big, too_big


@pytest.mark.parametrize("size", SIZES)
def test_every_button_and_input_is_big_enough(qtbot, window, size) -> None:  # noqa: ANN001
    small: list[str] = []
    for screen in _screens_at(qtbot, window, size):
        for widget in screen.findChildren(QAbstractButton) + screen.findChildren(QLineEdit):
            if not widget.isVisible():
                continue
            side = min(widget.width(), widget.height())
            floor = 64 if size == (1920, 1080) else 48
            if side < floor:
                small.append(f"{type(screen).__name__}/{widget.objectName()}: {side}px")
    assert not small, small


def test_body_text_is_at_least_18_points(qapp) -> None:  # noqa: ANN001
    from kiosk.ui.look import stylesheet

    sizes = [
        int(s) for s in re.findall(r"font-size:\s*(\d+)pt", stylesheet().split("=== staff")[0])
    ]
    assert sizes and min(sizes) >= 18


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("size", SIZES)
def test_no_button_cuts_its_words(qtbot, window, size, language) -> None:  # noqa: ANN001
    # A narrow portrait screen too: the header's title wraps, a button never clips its text.
    window.set_language(language)
    cut: list[str] = []
    for screen in _screens_at(qtbot, window, size):
        for widget in screen.findChildren(QAbstractButton):
            if not widget.isVisible() or not widget.text():
                continue
            if widget.width() < widget.sizeHint().width():
                cut.append(
                    f"{type(screen).__name__}/{widget.objectName()} {widget.text()!r}: "
                    f"{widget.width()} < {widget.sizeHint().width()}px"
                )
        for tile in screen.findChildren(Tile):  # a tile wraps its words, never cuts one
            if tile.isVisible() and tile.width() < tile.words_width():
                cut.append(f"{type(screen).__name__}/{tile.objectName()}: {tile.width()}px")
    assert not cut, cut
