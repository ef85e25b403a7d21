"""Every form of the shipped catalogue, at 768 x 1366 and 1366 x 768: the window keeps the
screen's size (nothing asks for more width or height than the panel has) and each question's
label and answer box are on screen with its keyboard up; a long form's step name and its
question count too."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.ui import i18n
from kiosk.ui.app import MainWindow, ensure_qapp
from kiosk.ui.i18n import pick
from kiosk.ui.tasks import wait_for_tasks


@pytest.mark.parametrize("size", [(768, 1366), (1366, 768)])
def test_every_shipped_form_fits_the_panel(qtbot, tmp_path: Path, size):  # noqa: ANN001
    app = build_app(KioskSettings(kiosk_id="fit-1", outpost="rogojampi", data_dir=tmp_path))
    ensure_qapp()
    i18n.set_language("id")
    window = MainWindow(app, refresh_queue=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    try:
        for service in (s for s in app.catalogue.services if s.form_id):
            window.start_form(service.code)
            form = window.form_screen
            for step in range(len(form.applicable)):
                form.show_step(step)
                qtbot.wait(1)
                row = form.current_row()
                assert (window.width(), window.height()) == size, (service.code, row.name)
                # "Pertanyaan 3 dari 15" keeps room for its longest word in the header
                word = form.progress.fontMetrics().horizontalAdvance("Pertanyaan")
                assert form.progress.width() >= word, (service.code, form.progress.width())
                step = form.form.step_of(row.name)
                if step is not None:  # "Langkah 2 dari 5: Data orang tua", whole, on screen
                    shown = form.step_label
                    assert shown.isVisible(), (service.code, row.name)
                    assert f"<b>{pick(step.title)}</b>" in shown.text(), (service.code, row.name)
                    # not cut: a longer name may take a second line once the header has
                    # laid itself out again
                    qtbot.waitUntil(
                        lambda s=shown: s.height() >= s.heightForWidth(s.width()), timeout=2000
                    )
                else:
                    assert not form.step_label.isVisible(), service.code
                for part in (row.label, getattr(row, "edit", None), *_step_parts(form, step)):
                    if part is None:
                        continue
                    top = part.mapTo(window, part.rect().topLeft())
                    bottom = part.mapTo(window, part.rect().bottomRight())
                    assert window.rect().contains(top), (service.code, row.name, "top")
                    assert window.rect().contains(bottom), (service.code, row.name, "bottom")
            window.reset_to_home()
    finally:
        window.close()
        wait_for_tasks()
        app.close()


def _step_parts(form, step) -> tuple:  # noqa: ANN001
    return (form.step_label, form.progress) if step is not None else ()
