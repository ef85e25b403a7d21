"""A real kiosk on tmp_path (SQLite file, PDF-folder printer, sample catalogue) and its
main window at 1920 x 1080, driven through the real widgets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from forms import load_catalogue
from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import KioskSettings
from kiosk.ui import i18n
from kiosk.ui.tasks import wait_for_tasks

CATALOGUE_DIR = Path(__file__).parent / "catalogue"
GOOD_NIK = "3510011708900001"
GOOD_KK = "3510010101100001"


def make_app(data_dir: Path, printouts: Path) -> KioskApp:
    settings = KioskSettings(
        kiosk_id="test-kiosk-1",
        outpost="rogojampi",
        data_dir=data_dir,
        printer={"backend": "pdf_folder", "pdf_folder": str(printouts)},
    )
    return build_app(settings, catalogue=load_catalogue(CATALOGUE_DIR))


@pytest.fixture(autouse=True)
def fresh_call_out_view(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without the app's shared call-out view: a view an earlier test handed
    to qtbot is deleted only when Qt gets round to it, and a later test must not be given
    that dying view (``kiosk.ui.console.callout.shared_callout``)."""
    from kiosk.ui.console import callout

    monkeypatch.setattr(callout, "_shared", None)


@pytest.fixture
def printouts(tmp_path: Path) -> Path:
    return tmp_path / "printouts"


@pytest.fixture
def kiosk_app(tmp_path: Path, printouts: Path) -> Iterator[KioskApp]:
    app = make_app(tmp_path / "data", printouts)
    yield app
    app.close()


def shown_window(qtbot, app: KioskApp, **options: object):  # noqa: ANN001, ANN201
    """The main window over ``app`` at 1920 x 1080, shown; closed after the test."""
    from kiosk.ui.app import MainWindow, ensure_qapp

    ensure_qapp()
    i18n.set_language("id")
    win = MainWindow(app, refresh_queue=False, **options)
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    wait_for_tasks()
    qtbot.wait(10)
    i18n.set_language("id")


@pytest.fixture
def window(qtbot, kiosk_app: KioskApp):  # noqa: ANN001, ANN201
    yield from shown_window(qtbot, kiosk_app)


ADMIN_PIN = "135790"


def admin_panel(qtbot, settings: KioskSettings):  # noqa: ANN001, ANN201
    """A kiosk built from ``settings`` with one admin, the staff area at 1920 x 1080 signed in
    with ``ADMIN_PIN`` on its keypad, and its admin panel open; closed after the test."""
    from kiosk.ui.console import CallOutView, StaffArea
    from kiosk.usecases import add_operator

    left = Qt.MouseButton.LeftButton
    app = build_app(settings)
    add_operator(app.context, "Siti Rahayu", "admin", ADMIN_PIN)
    i18n.set_language("id")
    area = StaffArea(app, None, callout=CallOutView())
    qtbot.addWidget(area)
    qtbot.addWidget(area.callout)
    area.resize(1920, 1080)
    area.show()
    for digit in ADMIN_PIN:
        qtbot.mouseClick(area.pin_page.keypad.keys[digit], left)
    qtbot.mouseClick(area.pin_page.keypad.ok_key, left)
    qtbot.waitUntil(lambda: area.pages.currentWidget() is area.console, timeout=5000)
    qtbot.mouseClick(area.console.admin_button, left)
    yield area.admin
    area.shutdown()
    wait_for_tasks()
    app.close()


def tap(qtbot, widget: QWidget) -> None:  # noqa: ANN001
    assert widget.isVisible(), f"{widget.objectName()} is not on screen"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def key(window, name: str) -> QPushButton:  # noqa: ANN001
    """A key of the keyboard the form shows now, by its character or name."""
    keyboard = window.form_screen.keyboard.current_keys()
    button = keyboard.findChild(QPushButton, f"key_{name}")
    assert button is not None and button.isVisible(), f"key {name!r} not shown"
    return button


def type_on_keys(qtbot, window, text: str) -> None:  # noqa: ANN001
    for char in text:
        tap(qtbot, key(window, "space" if char == " " else char.upper()))


def row(window, name: str):  # noqa: ANN001, ANN201
    return next(r for r in window.form_screen.rows if r.name == name)


def open_form(qtbot, window, category: str = "KEPENDUDUKAN", service: str = "KTP_BARU") -> None:  # noqa: ANN001
    tap(qtbot, window.home.request_button)
    tap(qtbot, window.categories.tiles[category])
    tap(qtbot, window.services.tiles[service])
    tap(qtbot, window.service.form_button)
    assert window.current_screen() is window.form_screen


def forward(qtbot, window) -> None:  # noqa: ANN001
    """The form's one primary action: the keyboard's go key when a keyboard is up, else
    the button under the question ("Lanjut", or "Periksa isian" on the last question)."""
    form = window.form_screen
    if form.keyboard.isVisible():
        tap(qtbot, key(window, "next"))
    else:
        tap(qtbot, form.next_button)


def question(window) -> str:  # noqa: ANN001
    """The name of the question on screen now; it is the only one shown."""
    shown = [r for r in window.form_screen.rows if r.isVisible()]
    assert len(shown) == 1, [r.name for r in shown]
    return shown[0].name


def fill_valid_form(qtbot, window, until: str | None = None) -> None:  # noqa: ANN001
    """Answer every question in turn, as a resident does, and stop on the last one (or on
    the question ``until``, unanswered)."""
    answers = [
        ("nama", "Budi Santoso"),
        ("nik", GOOD_NIK),
        ("tanggal_lahir", "17081990"),
        ("jenis_kelamin", "L"),
        ("desa", 0),
        ("alamat", "Dusun Krajan RT 02"),
        ("telepon", None),
        ("punya_kk", True),
        ("nomor_kk", GOOD_KK),
    ]
    for name, value in answers:
        assert question(window) == name
        if name == until:
            return
        answer = row(window, name)
        if isinstance(value, str) and hasattr(answer, "edit"):
            tap(qtbot, answer.edit)
            type_on_keys(qtbot, window, value)
        elif value == 0 and name == "desa":
            tap(qtbot, answer.buttons[0])
        elif value is not None:
            tap(qtbot, answer.button_for(value))
        forward(qtbot, window)
    assert question(window) == "anak"  # optional, left blank: the last question
