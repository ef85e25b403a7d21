"""Named steps of long forms: the loader refuses steps that do not cover the fields exactly
once, in order; every shipped form's steps do; consent is left to the data-use notice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forms import FormDefinitionError, load_catalogue, load_form, validate_answers
from tests.unit.forms_testdata import TODAY
from tests.unit.test_forms_definitions import good_form

STEPS_FROM = 10  # a form asking this many questions or more is asked in named steps


def with_steps(*steps: tuple[str, list[str]]) -> dict[str, Any]:
    data = good_form()
    data["steps"] = [
        {"id": sid, "title": {"id": f"Langkah {sid}", "en": f"Step {sid}"}, "fields": names}
        for sid, names in steps
    ]
    return data


def refused(tmp_path: Path, data: dict[str, Any]) -> FormDefinitionError:
    path = tmp_path / "contoh.v1.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormDefinitionError) as failure:
        load_form(path)
    assert str(failure.value).startswith(str(path))
    return failure.value


def test_good_steps_load_and_say_where_each_field_is(tmp_path: Path) -> None:
    path = tmp_path / "contoh.v1.json"
    path.write_text(json.dumps(with_steps(("diri", ["nik", "nama"]), ("lain", ["lahir", "jk"]))))
    form = load_form(path)
    assert [step.id for step in form.steps] == ["diri", "lain"]
    assert form.step_of("lahir") is form.steps[1]
    assert form.steps[0].title.en == "Step diri"


def test_a_form_without_steps_stays_valid(tmp_path: Path) -> None:
    path = tmp_path / "contoh.v1.json"
    path.write_text(json.dumps(good_form()))
    form = load_form(path)
    assert form.steps == () and form.step_of("nik") is None


def test_a_step_naming_an_unknown_field_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, with_steps(("diri", ["nik", "nama", "nama_ibu"]), ("x", ["lahir"])))
    assert error.problem == "step 'diri' names 'nama_ibu', which is not a field of this form"


def test_a_field_in_two_steps_is_refused(tmp_path: Path) -> None:
    error = refused(
        tmp_path, with_steps(("diri", ["nik", "nama"]), ("lain", ["nama", "lahir", "jk"]))
    )
    assert error.field == "nama"
    assert error.problem == "is in two steps, 'diri' and 'lain'; a field belongs to one"
    assert "field 'nama': is in two steps" in str(error)


def test_a_field_in_no_step_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, with_steps(("diri", ["nik", "nama"]), ("lain", ["lahir"])))
    assert error.field == "jk" and "is in no step" in error.problem


def test_steps_out_of_the_fields_order_are_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, with_steps(("a", ["nama", "nik"]), ("b", ["lahir", "jk"])))
    assert error.field == "nama" and "steps follow the fields' order" in error.problem


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["steps"][1].update(id="a"), "step id 'a' is used twice"),
        (lambda d: d["steps"][0].update(id="Data Diri"), "must be lower-case"),
        (lambda d: d["steps"][0]["title"].update(en=" "), "title needs both id and en"),
        (lambda d: d["steps"][0].update(fields=[]), "step 'a' has no fields"),
        (lambda d: d["steps"][0].update(nama="x"), "unknown key"),
    ],
)
def test_other_broken_steps_are_refused(tmp_path: Path, change: Any, words: str) -> None:
    data = with_steps(("a", ["nik", "nama"]), ("b", ["lahir", "jk"]))
    change(data)
    assert words in str(refused(tmp_path, data))


def latest_forms() -> list[Any]:
    catalogue = load_catalogue()
    return [catalogue.form(form_id) for form_id in sorted(catalogue.forms)]


def test_every_shipped_forms_steps_cover_every_field_exactly_once() -> None:
    for form in latest_forms():
        if not form.steps:
            continue
        listed = [name for step in form.steps for name in step.fields]
        assert listed == [field.name for field in form.fields], form.key
        assert all(2 <= len(step.fields) <= 8 for step in form.steps), form.key


def test_every_long_shipped_form_is_asked_in_named_steps() -> None:
    long_forms = [form for form in latest_forms() if len(form.fields) >= STEPS_FROM]
    assert {form.id for form in long_forms} >= {"akta_kelahiran", "ktp_baru", "skck"}
    for form in long_forms:
        assert len(form.steps) >= 2, form.key
        for step in form.steps:
            assert step.title.id != step.title.en, (form.key, step.id)  # really both languages


def test_no_shipped_form_asks_consent_the_notice_does() -> None:
    for form in latest_forms():
        assert all(field.type != "consent" for field in form.fields), form.key


def test_answers_given_with_a_consent_question_still_validate() -> None:
    """A request captured before the consent question left the forms (stored on a kiosk or
    on the server) validates against its own version, and its consent is kept."""
    catalogue = load_catalogue()
    answers = {
        "nik": "3510091203850001",
        "nama": "Budi Santoso",
        "tanggal_lahir": "1985-03-12",
        "jenis_kelamin": "L",
        "alasan": "rusak",
        "telepon": "081234567890",
        "desa": "35.10.09.2002",
        "persetujuan": True,
    }
    old = validate_answers(catalogue.form("ktp_ganti", 1), answers, today=TODAY)
    assert old["persetujuan"] is True
    new = validate_answers(catalogue.form("ktp_ganti"), answers, today=TODAY)
    assert "persetujuan" not in new and new["nama"] == old["nama"]
    for form_id, versions in catalogue.forms.items():
        assert 1 in versions, form_id  # every version a request may name stays loadable


def test_the_server_checks_each_request_against_the_version_it_names() -> None:
    """The reference server's check (mpp_server.catalog, run on every pushed request):
    requests made before and after the consent question left the form both pass."""
    from mpp_server.catalog import CatalogSource
    from sync.protocol import Record

    answers = {
        "nik": "3510091203850001",
        "nama": "Budi Santoso",
        "dokumen": ["kk"],
        "jumlah_lembar": 2,
        "telepon": "081234567890",
    }

    def request(version: int, **extra: object) -> Record:
        return Record(
            id="01937c5e-8a40-7b2c-9d1e-2f3a4b5c6d7e",
            kind="service_request",
            kiosk_id="k1",
            outpost="rogojampi",
            created_at="2026-11-27T01:00:00+00:00",
            form_id="legalisir",
            form_version=version,
            payload={"answers": {**answers, **extra}},
        )

    server = CatalogSource()
    assert server.validate(request(1, persetujuan=True)) is None
    assert server.validate(request(2)) is None
    assert server.validate(request(2, persetujuan=True)) is None  # an old client's extra key
    assert "consent_required" in (server.validate(request(1)) or "")
