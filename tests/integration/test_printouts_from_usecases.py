"""What the kiosk prints after a real submission, read back as the resident would read it.

A kiosk on a SQLite file issues real tickets; its printouts are rendered as PDF (read by pypdf,
and by tesseract on poppler's picture of the page) and as ESC/POS (printed by the emupos
emulator). The people ahead, the wait and the name read off each must be what the use case
returned and what the resident typed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import pytest

from devtools.escpos_emulator import emulate
from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import KioskApp, build_app
from kiosk.config import KioskSettings
from kiosk.printouts import request_receipt, ticket_printout, walk_in_printout
from kiosk.usecases import call_next, issue_ticket, people_ahead, reprint, submit_request
from printing import render_escpos, render_pdf
from tests.printed import pdf_picture, pdf_text, read_page_with_ocr

NAME = "Wulan Prameswari"
# Every other text answer differs from the name, so a receipt naming the wrong answer shows.
ANSWERS = dict(KTP_BARU, nama=NAME, pekerjaan="Pedagang Pasar", tempat_lahir="Banyuwangi")

READERS: dict[str, Callable[[object], str]] = {
    "pdf-58mm": lambda p: pdf_text(render_pdf(p, "58mm")),
    "pdf-80mm": lambda p: pdf_text(render_pdf(p, "80mm")),
    "pdf-picture-80mm": lambda p: read_page_with_ocr(pdf_picture(render_pdf(p, "80mm"))),
    "escpos-58mm": lambda p: emulate(render_escpos(p, "58mm"), "58mm").receipts[0].text,
    "escpos-80mm": lambda p: emulate(render_escpos(p, "80mm"), "80mm").receipts[0].text,
}

# The printed wording, as a resident reads it; "±" prints as "+/-" on ASCII code pages.
LABELS = {
    "id": (r"Antrean di depan Anda", r"Perkiraan tunggu", "menit", "Nama"),
    "en": (r"People ahead of you", r"Estimated wait", "min", "Name"),
}


@dataclass(frozen=True)
class ReadBack:
    people_ahead: int
    wait_minutes: int
    name: str | None


def read_back(text: str, language: str) -> ReadBack:
    ahead_label, wait_label, minutes, name_label = LABELS[language]
    ahead = re.search(rf"{ahead_label}\D*?(\d+)", text)
    wait = re.search(rf"{wait_label}\D*?(\d+)\s*{minutes}", text)
    name = re.search(rf"(?m)^\s*{name_label}\s+(\S.*?)\s*$", text)
    assert ahead and wait, f"no queue position on the printout:\n{text}"
    return ReadBack(int(ahead[1]), int(wait[1]), name[1] if name else None)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[KioskApp]:
    settings = KioskSettings(kiosk_id="rgj-1", outpost="rogojampi", data_dir=tmp_path)
    app = build_app(settings)
    yield app
    app.close()


def three_waiting(app: KioskApp) -> None:
    for _ in range(3):
        issue_ticket(app.context, "KTP_BARU")


@pytest.mark.parametrize("reader", READERS)
def test_receipt_shows_the_queue_position_and_the_name_typed(app: KioskApp, reader: str) -> None:
    three_waiting(app)
    issued = submit_request(app.context, "KTP_BARU", ANSWERS, language="id", notice_version="1")
    assert (issued.people_ahead, issued.estimated_wait_minutes) == (3, 45)  # clearly apart

    printed = read_back(READERS[reader](request_receipt(app, issued, ANSWERS, "id")), "id")

    assert printed.people_ahead == issued.people_ahead
    assert printed.wait_minutes == issued.estimated_wait_minutes
    assert printed.name is not None and printed.name.casefold() == NAME.casefold()


@pytest.mark.parametrize("reader", ["pdf-58mm", "escpos-80mm"])
def test_walk_in_ticket_shows_the_queue_position(app: KioskApp, reader: str) -> None:
    three_waiting(app)
    issued = issue_ticket(app.context, "KTP_BARU")

    printed = read_back(READERS[reader](walk_in_printout(app, issued, "en")), "en")

    assert (printed.people_ahead, printed.wait_minutes) == (
        issued.people_ahead,
        issued.estimated_wait_minutes,
    )
    assert printed.name is None  # a queue ticket names nobody


@pytest.mark.parametrize("reader", ["pdf-80mm", "escpos-58mm"])
def test_reprint_shows_the_position_now(app: KioskApp, reader: str) -> None:
    three_waiting(app)
    issued = submit_request(app.context, "KTP_BARU", ANSWERS, language="id", notice_version="1")
    call_next(app.context, service_code="KTP_BARU")
    now = people_ahead(app.context, issued.ticket_id)
    assert now == (2, 30)  # one called since: two ahead, not three

    ticket = reprint(app.context, issued.ticket_id)
    printed = read_back(READERS[reader](ticket_printout(app, ticket, "id", is_reprint=True)), "id")

    assert (printed.people_ahead, printed.wait_minutes) == now


def screen_words(language: str) -> dict[str, str]:
    """What the success screen reads its wait from (``tr("common.no_wait")``)."""
    path = files("resources") / "i18n" / f"common.{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("reader", ["pdf-58mm", "pdf-80mm", "escpos-58mm", "escpos-80mm"])
def test_nobody_ahead_prints_the_screens_no_wait_words(
    app: KioskApp, reader: str, language: str
) -> None:
    issued = issue_ticket(app.context, "KTP_BARU")
    assert (issued.people_ahead, issued.estimated_wait_minutes) == (0, 0)

    text = " ".join(READERS[reader](walk_in_printout(app, issued, language)).split())

    assert screen_words(language)["common.no_wait"] in text  # "Tanpa antre" / "No queue"
    assert not re.search(r"(±|\+/-)\s*0\b", text), text
