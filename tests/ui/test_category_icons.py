"""Every category has an icon that ships, parses and draws, in the badge's text colour.

The SVGs are read by Python's own XML parser and drawn by QtSvg into a picture; the tiles are
grabbed from the screen as a person would see them, and their colours measured there.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from importlib.resources import files

import pytest
from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from forms import load_catalogue
from kiosk.ui.app import ensure_qapp
from kiosk.ui.i18n import set_language
from kiosk.ui.screens.categories import CategoriesScreen
from kiosk.ui.widgets.tile import Tile, badge_letter, category_icon

ICONS = files("resources").joinpath("icons")
CATEGORIES = json.loads(files("resources").joinpath("catalogue.json").read_text("utf-8"))[
    "categories"
]
SVG = "{http://www.w3.org/2000/svg}svg"


def contrast(a: QColor, b: QColor) -> float:
    def luminance(c: QColor) -> float:
        channels = [v / 255 for v in (c.red(), c.green(), c.blue())]
        linear = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("category", CATEGORIES, ids=lambda c: c["code"])
def test_every_category_has_an_icon_that_parses_and_draws(qapp, category) -> None:  # noqa: ANN001
    path = ICONS.joinpath(f"{category['icon']}.svg")
    assert path.is_file(), f"{category['code']}: resources/icons/{category['icon']}.svg"
    data = path.read_bytes()
    root = ET.fromstring(data)  # well-formed XML, and an SVG
    assert root.tag == SVG and root.get("viewBox")

    picture = QImage(96, 96, QImage.Format.Format_ARGB32)
    picture.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(data.replace(b"currentColor", b"#000000")))
    assert renderer.isValid()
    painter = QPainter(picture)
    renderer.render(painter)
    painter.end()
    inked = sum(1 for y in range(96) for x in range(96) if picture.pixelColor(x, y).alpha() > 128)
    assert 0.03 < inked / (96 * 96) < 0.6, f"{category['icon']}: {inked} pixels drawn"


def test_the_icon_set_ships_with_its_licence_and_names_its_version() -> None:
    licence = ICONS.joinpath("LICENSE-tabler-icons.txt").read_text("utf-8")
    assert "MIT License" in licence and "Paweł Kuna" in licence
    readme = ICONS.joinpath("README.md").read_text("utf-8")
    assert "Tabler Icons" in readme and "3.52.0" in readme and "MIT" in readme
    for category in CATEGORIES:  # each file says where it came from
        assert f"`{category['icon']}.svg`" in readme


def test_the_bundle_collects_the_icons_and_the_licence() -> None:
    collect = pytest.importorskip("PyInstaller.utils.hooks").collect_data_files
    collected = {
        dest.replace("\\", "/") + "/" + src.rsplit("/", 1)[-1] for src, dest in collect("resources")
    }
    assert "resources/icons/LICENSE-tabler-icons.txt" in collected
    for category in CATEGORIES:
        assert f"resources/icons/{category['icon']}.svg" in collected


@pytest.fixture
def categories(qtbot):  # noqa: ANN001, ANN201
    ensure_qapp()
    set_language("id")
    screen = CategoriesScreen(load_catalogue())
    qtbot.addWidget(screen)
    screen.retranslate()
    screen.resize(1920, 1080)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def badge_colours(tile: Tile) -> Counter[str]:
    picture = tile.badge.grab().toImage()
    inner = range(picture.width() // 8, picture.width() * 7 // 8)  # inside the round corners
    return Counter(picture.pixelColor(x, y).name() for y in inner for x in inner)


def test_each_category_tile_shows_its_icon_in_the_badges_text_colour(categories) -> None:  # noqa: ANN001
    for code, tile in categories.tiles.items():
        assert tile.badge.has_icon(), code
        assert tile.badge.text() == ""  # the icon, not a letter
        colours = badge_colours(tile)
        background, _ = colours.most_common(1)[0]
        ink = tile.badge.icon_colour()
        share = colours[ink] / sum(colours.values())
        assert share > 0.03, f"{code}: {share:.1%} of the badge in {ink}"
        assert contrast(QColor(ink), QColor(background)) >= 5, code
        assert min(tile.width(), tile.height()) >= 64  # a target a finger finds at 1920 x 1080


def test_the_icon_follows_the_badge_text_colour(categories) -> None:  # noqa: ANN001
    tile = next(iter(categories.tiles.values()))
    tile.badge.setStyleSheet(tile.badge.styleSheet() + "color:#FFD54F;")
    assert tile.badge.icon_colour() == "#ffd54f"
    assert badge_colours(tile)["#ffd54f"] > 50


def test_a_category_without_an_icon_file_shows_its_letter(qtbot) -> None:  # noqa: ANN001
    ensure_qapp()
    missing = Tile(badge_letter("kesehatan"), icon=category_icon("no-such-icon"))
    broken = Tile(badge_letter("sosial"), icon=b"<svg><not-closed></svg>")
    for tile in (missing, broken):
        qtbot.addWidget(tile)
    assert (missing.badge.text(), missing.badge.has_icon()) == ("K", False)
    assert (broken.badge.text(), broken.badge.has_icon()) == ("S", False)
