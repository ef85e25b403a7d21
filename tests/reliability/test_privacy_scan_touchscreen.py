"""The resident's touchscreen flow at DEBUG, through the real widgets: no answer in any file.

The same scan as test_privacy_scan.py, for the path the use-case run cannot take: the form
screen, its field errors, the review, the background submission and the printout.
"""

from __future__ import annotations

import logging

from kiosk.logsetup import configure_logging
from kiosk.ui.screens.success import SuccessScreen
from tests.reliability.test_privacy_scan import _text_of
from tests.ui.conftest import forward, make_app, open_form, row, tap, type_on_keys

NIK = "3510132311790007"
KK = "3510130101200003"
TYPED = {"nama": "Wiryawan Kusumadinata", "alamat": "Dusun Krajan Kidul Gang Melati"}
SECRETS = (NIK, KK, "23111979", "1979-11-23", "Wiryawan", "Kusumadinata", "Krajan Kidul")
ON_THE_RECEIPT = ("Wiryawan", "Kusumadinata")


def test_the_touchscreen_flow_at_debug_writes_no_answer_anywhere(qtbot, tmp_path):  # noqa: ANN001
    from kiosk.ui import i18n
    from kiosk.ui.app import MainWindow, ensure_qapp
    from kiosk.ui.tasks import wait_for_tasks

    app = make_app(tmp_path / "data", tmp_path / "data" / "printouts")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging(app.paths.logs, level=logging.DEBUG)
    ensure_qapp()
    i18n.set_language("id")
    window = MainWindow(app, refresh_queue=False)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    qtbot.waitExposed(window)
    try:
        open_form(qtbot, window)
        tap(qtbot, row(window, "nama").edit)
        type_on_keys(qtbot, window, TYPED["nama"])
        forward(qtbot, window)
        tap(qtbot, row(window, "nik").edit)
        type_on_keys(qtbot, window, NIK[:9])  # a slip: the question says what is wrong
        forward(qtbot, window)
        assert row(window, "nik").error.isVisible()
        type_on_keys(qtbot, window, NIK[9:])
        forward(qtbot, window)
        tap(qtbot, row(window, "tanggal_lahir").edit)
        type_on_keys(qtbot, window, "23111979")
        forward(qtbot, window)
        tap(qtbot, row(window, "jenis_kelamin").button_for("L"))
        forward(qtbot, window)
        tap(qtbot, row(window, "desa").buttons[0])
        forward(qtbot, window)
        tap(qtbot, row(window, "alamat").edit)
        type_on_keys(qtbot, window, TYPED["alamat"])
        forward(qtbot, window)
        forward(qtbot, window)  # telepon: optional, left blank
        tap(qtbot, row(window, "punya_kk").button_for(True))
        forward(qtbot, window)
        tap(qtbot, row(window, "nomor_kk").edit)
        type_on_keys(qtbot, window, KK)
        forward(qtbot, window)
        forward(qtbot, window)  # anak: optional; the last question goes to the review
        assert window.current_screen() is window.review
        tap(qtbot, window.review.next_button)
        tap(qtbot, window.notice.accept_button)
        qtbot.waitUntil(lambda: window.current_screen() is window.success, timeout=10_000)
        qtbot.waitUntil(
            lambda: window.success._print_state == SuccessScreen.PRINTED, timeout=10_000
        )
    finally:
        window.close()
        wait_for_tasks()
        app.close()
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved

    written = [p for p in app.paths.root.rglob("*") if p.is_file() and p.suffix != ".key"]
    assert any(p.suffix == ".pdf" for p in written)
    assert (app.paths.logs / "kiosk.log") in written  # logging at DEBUG was on throughout
    for path in written:
        text = _text_of(path).lower()
        allowed = ON_THE_RECEIPT if path.suffix == ".pdf" else ()
        for value in SECRETS:
            if value not in allowed:
                where = path.relative_to(app.paths.root)
                assert value.lower() not in text, f"{value!r} found in {where}"
