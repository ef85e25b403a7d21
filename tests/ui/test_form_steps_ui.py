"""A long form (Akta Kelahiran, 28 questions) is asked in named steps: the header says which
step and which of its questions, and the review groups the answers by step."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import KioskSettings
from tests.ui.conftest import shown_window, tap


@pytest.fixture
def shipped_app(tmp_path: Path) -> Iterator[KioskApp]:
    app = build_app(KioskSettings(kiosk_id="steps-1", outpost="rogojampi", data_dir=tmp_path))
    yield app
    app.close()


@pytest.fixture
def akta(qtbot, shipped_app):  # noqa: ANN001, ANN201
    for window in shown_window(qtbot, shipped_app):
        window.resize(1366, 768)
        window.start_form("AKTA_KELAHIRAN")
        yield window


def _where(form) -> tuple[str, str]:  # noqa: ANN001
    return form.step_label.text(), form.progress.text()


def test_the_header_names_the_step_and_counts_its_questions(qtbot, akta):  # noqa: ANN001
    form = akta.form_screen
    assert _where(form) == ("Langkah 1 dari 5: <b>Data anak</b>", "Pertanyaan 1 dari 6")
    form.show_question("tempat_lahir_anak")
    assert _where(form) == ("Langkah 1 dari 5: <b>Data anak</b>", "Pertanyaan 6 dari 6")
    form.show_question("tempat_dilahirkan")
    assert _where(form) == ("Langkah 2 dari 5: <b>Kelahiran</b>", "Pertanyaan 1 dari 5")
    # The marriage date is asked only for a recorded marriage: the step counts what applies.
    form.show_question("status_perkawinan_ortu")
    assert _where(form) == ("Langkah 3 dari 5: <b>Data orang tua</b>", "Pertanyaan 5 dari 5")
    marriage = form.current_row()
    tap(qtbot, marriage.button_for("tercatat"))
    assert form.progress.text() == "Pertanyaan 5 dari 6"
    akta.set_language("en")
    assert _where(form) == ("Step 3 of 5: <b>The parents</b>", "Question 5 of 6")


@pytest.mark.parametrize("size", [(1366, 768), (768, 1366), (1920, 1080), (1080, 1920)])
def test_the_step_name_stays_in_the_header_at_every_size(qtbot, shipped_app, size):  # noqa: ANN001
    for window in shown_window(qtbot, shipped_app):
        window.resize(*size)  # a kiosk's panel: its size from the start
        qtbot.wait(20)
        window.start_form("AKTA_KELAHIRAN")
        form = window.form_screen
        form.show_question("nama_saksi_1")  # the longest step name, the letter keyboard up
        qtbot.wait(20)
        assert (window.width(), window.height()) == size
        label = form.step_label
        assert label.parentWidget() is form.header  # under the form's title
        top = label.mapTo(window, label.rect().topLeft())
        bottom = label.mapTo(window, label.rect().bottomRight())
        assert window.rect().contains(top) and window.rect().contains(bottom), size
        assert label.height() >= label.heightForWidth(label.width()), size  # not cut
        assert label.text() == "Langkah 4 dari 5: <b>Pelapor dan saksi</b>"
        assert form.progress.text() == "Pertanyaan 2 dari 5"  # the informant's two left out


def test_the_review_groups_the_answers_by_step(qtbot, akta):  # noqa: ANN001
    form = akta.form_screen
    sections = form.review_sections()
    assert [heading for heading, _lines in sections] == [
        "Data anak",
        "Kelahiran",
        "Data orang tua",
        "Pelapor dan saksi",
        "Kontak dan alamat",
    ]
    assert sum(len(lines) for _heading, lines in sections) == len(form.applicable)
    akta.review.show_sections(sections)
    akta.show_screen(akta.review)
    shown = [w.text() for w in akta.review.findChildren(QLabel, "SectionTitle")]
    assert shown == [heading for heading, _lines in sections]
