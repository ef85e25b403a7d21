"""The server's pages speak in words, Bahasa Indonesia first and English after: a resident's
answers as the kiosk showed them (an option's label, a village's name, a long date), who
changed a status, the service's two names on the public page with its dates in one long
form, and the overview of records received. Through the real server on loopback, with a
kiosk's real push of a KTP-el request.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sqlalchemy import update

from mpp_server.models import StoredRecord
from tests.integration.test_status_server import (
    NAME,
    NIK,
    ROOMY,
    Server,
    _start,
    new_code,
    push,
    service_request,
    set_on_page,
    signed_in,
    tracked,
)

# NIK 3510091203857319: born 12-03-1985 (day below 40: a man), registered in Banyuwangi.
KTP_ANSWERS = {
    "nik": NIK,
    "nama": NAME,
    "tempat_lahir": "Banyuwangi",
    "tanggal_lahir": "1985-03-12",
    "jenis_kelamin": "L",
    "agama": "islam",
    "status_perkawinan": "kawin",
    "telepon": "081234567890",
    "desa": "35.10.13.2001",
    "alamat": "Dusun Krajan, Jl. Melati 7",
    "rt": "3",
    "rw": "1",
}
PLACE = "Loket 3, MPP Banyuwangi"
_LONG_MONTH = (
    r"(Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|Desember"
    r"|January|February|March|May|June|July|August|October|December)"
)
_SHORT_DATE = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}\b")


@pytest.fixture
def server(any_db_url: str) -> Iterator[Server]:
    """The status tests' server: kiosk ``k1`` at rogojampi, officer ``siti``."""
    yield from _start(any_db_url, ROOMY)


def ktp_request(code: str) -> dict[str, Any]:
    """A kiosk's KTP-el request (form ktp_baru v3) as a batch carries it."""
    record = service_request(code, service="KTP_BARU")
    record.update(form_id="ktp_baru", form_version=3)
    record["payload"]["answers"] = dict(KTP_ANSWERS)
    return record


def words(fragment: str) -> str:
    """What a person reads in an HTML fragment, each English part after a ``|``."""
    text = re.sub(r'<span class="en\b[^"]*">', " | ", fragment)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())


def answers_of(page: str) -> dict[str, str]:
    """The resident's answers on a request page, question -> answer, as read."""
    block = re.search(r'<dl class="answers">(.*?)</dl>', page, re.S)
    assert block, page[:2000]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", block.group(1), re.S)
    return {words(question): words(answer) for question, answer in pairs}


def history_of(page: str) -> list[list[str]]:
    """The status history table's rows, cell by cell, as read."""
    block = re.search(r"Riwayat status.*?<tbody>(.*?)</tbody>", page, re.S)
    assert block, page[-3000:]
    rows = re.findall(r"<tr>(.*?)</tr>", block.group(1), re.S)
    return [[words(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def headers_of(page: str) -> list[str]:
    return [words(cell) for cell in re.findall(r"<th>(.*?)</th>", page, re.S)]


def request_page(server: Server, staff: requests.Session, code: str) -> str:
    answer = staff.get(f"{server.url}/staff/requests/{tracked(server, code).request_id}")
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_the_request_page_shows_each_answer_as_the_resident_chose_it(server):
    code = new_code()
    push(server, ktp_request(code))
    staff = signed_in(server)

    answers = answers_of(request_page(server, staff, code))

    assert answers["Jenis kelamin | Sex"] == "Laki-laki | Male"
    assert answers["Agama/kepercayaan | Religion/belief"] == "Islam"
    assert answers["Status perkawinan | Marital status"] == "Kawin | Married"
    assert answers["Tanggal lahir | Date of birth"] == "12 Maret 1985 | 12 March 1985"
    assert answers["Desa/Kelurahan tempat tinggal | Village of residence"] == (
        "Desa Aliyan (35.10.13.2001)"
    )
    assert answers["NIK | NIK (national ID number)"] == NIK
    assert answers["Nama lengkap | Full name"] == NAME
    assert "1985-03-12" not in answers.values() and "L" not in answers.values()
    assert list(answers)[:4] == [
        "NIK | NIK (national ID number)",
        "Nama lengkap | Full name",
        "Tempat lahir | Place of birth",
        "Tanggal lahir | Date of birth",
    ], "in the form's order"


def test_the_history_names_the_kiosk_and_the_officer(server):
    code = new_code()
    push(server, ktp_request(code))
    staff = signed_in(server)
    assert set_on_page(server, staff, code, status="in_process").status_code == 200

    page = request_page(server, staff, code)

    assert "Versi | Version" in headers_of(page)
    by_version = {row[0]: row for row in history_of(page)}
    assert by_version["1"][3] == "Kios k1 | Kiosk"
    assert by_version["2"][3] == "siti · Petugas | Staff"
    assert "ingest" not in page


def test_a_form_version_the_server_does_not_hold_shows_the_answers_as_stored(server):
    code = new_code()
    record = ktp_request(code)
    push(server, record)
    with server.engine.begin() as connection:  # a retired form version, say
        connection.execute(
            update(StoredRecord).where(StoredRecord.id == record["id"]).values(form_version=99)
        )
    staff = signed_in(server)

    answers = answers_of(request_page(server, staff, code))

    assert answers["jenis_kelamin"] == "L"
    assert answers["tanggal_lahir"] == "1985-03-12"
    assert answers["desa"] == "35.10.13.2001"


def test_the_public_page_names_the_service_in_both_languages_with_long_dates(server):
    code = new_code()
    push(server, ktp_request(code))
    staff = signed_in(server)
    set_on_page(server, staff, code, status="ready", pickup_place=PLACE, pickup_from="2026-12-03")

    before = requests.get(f"{server.url}/s/{code}").text
    after = requests.post(f"{server.url}/s/{code}", data={"nik4": NIK[-4:]}).text

    facts = dict(
        (words(term), words(value))
        for term, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", before, re.S)
    )
    assert facts["Layanan | Service"] == (
        "KTP-el Baru (perekaman) | New electronic ID card (KTP-el)"
    )
    assert facts["Pos pelayanan | Outpost"] == "Kecamatan Rogojampi"
    assert facts["Dapat diambil mulai | Pick up from"] == "3 Desember 2026 | 3 December 2026"
    for when in ("Diajukan | Submitted", "Status terakhir | Last update"):
        assert re.fullmatch(
            rf"\d{{1,2}} {_LONG_MONTH} \d{{4}} \d\d:\d\d WIB( \| \d{{1,2}} {_LONG_MONTH} "
            rf"\d{{4}} \d\d:\d\d WIB)?",
            facts[when],
        ), facts[when]
    for page in (before, after):
        assert not _SHORT_DATE.search(words(page)), words(page)
        for private in (NIK, NAME, NAME.upper(), "Laki-laki", "Aliyan", "1985"):
            assert private not in page, private
    assert PLACE in after


def test_the_staff_list_names_services_in_both_languages(server):
    push(server, ktp_request(new_code()))
    staff = signed_in(server)

    page = staff.get(server.url + "/staff").text

    options = [words(option) for option in re.findall(r"<option[^>]*>(.*?)</option>", page)]
    assert "KTP-el Baru (perekaman) / New electronic ID card (KTP-el)" in options
    assert "KTP-el Baru (perekaman) | New electronic ID card (KTP-el)" in words(page)


def test_the_overview_speaks_both_languages_and_leads_to_the_staff_pages(server):
    push(server, ktp_request(new_code()))

    answer = requests.get(server.url + "/")

    assert answer.status_code == 200
    page = answer.text
    assert headers_of(page)[:4] == [
        "Pos | Outpost",
        "Kode | Code",
        "Hari (WIB) | Day (WIB)",
        "Permohonan | Requests",
    ]
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S)
    assert row, page
    cells = [words(cell) for cell in re.findall(r"<td>(.*?)</td>", row.group(1))]
    assert cells[:2] == ["Kecamatan Rogojampi", "rogojampi"] and cells[3] == "1"
    assert re.search(r'<a href="/staff">Halaman petugas <span class="en">Staff pages</span>', page)
    assert '<link rel="stylesheet" href="/static/mpp.css">' in page
