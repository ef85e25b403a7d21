"""What a resident is told when an answer is refused, and what an admin is told when the
catalogue is broken: each case here was a mutant the other form tests let through.

Expected codes and numbers come from the field definitions written in each row, never from
running the code.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from forms import (
    CatalogueError,
    FieldDefinition,
    FormDefinition,
    FormDefinitionError,
    LocalizedText,
    Option,
    ValidationFailed,
    form_from_data,
    load_catalogue,
    validate_answers,
)
from forms.regions import _build

TODAY = date(2026, 11, 27)
L = LocalizedText(id="Isian", en="Field")
OPTIONS = (Option(value="kk", label=L), Option(value="ktp", label=L), Option(value="akta", label=L))


def one_field_form(**field: Any) -> FormDefinition:
    return FormDefinition(
        id="probe", version=1, title=L, fields=(FieldDefinition(name="x", label=L, **field),)
    )


def refusal(field: dict[str, Any], value: object) -> tuple[str, str]:
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(one_field_form(**field), {"x": value}, today=TODAY)
    error = failure.value.errors["x"]
    return error.code, error.message.get("en")


# field, what the resident typed, the code, a number the English message must show ("" none)
REFUSED = [
    ({"type": "text", "min_length": 3}, "ab", "too_short", "at least 3"),
    ({"type": "text", "max_length": 5}, "abcdefg", "too_long", "at most 5"),
    ({"type": "text"}, "x" * 5000, "too_long", "at most 200"),  # text holds 200 by default
    ({"type": "consent"}, "maybe", "consent_required", ""),
    ({"type": "date"}, "01-01-2101", "date_out_of_range", ""),
    ({"type": "date"}, "31-12-1899", "date_out_of_range", ""),
    ({"type": "multi_choice", "options": OPTIONS}, "kk", "invalid_choice", ""),
    (
        {"type": "multi_choice", "options": OPTIONS, "max_length": 1},
        ["kk", "ktp"],
        "too_many_choices",
        "at most 1",
    ),
    ({"type": "village"}, "3" * 41, "village_unknown", ""),
    ({"type": "village"}, "Desa Kedaleman", "village_unknown", ""),
    ({"type": "choice", "options": OPTIONS}, "paspor", "invalid_choice", ""),
    ({"type": "number", "min_value": 1}, "0", "too_small", "at least 1"),
    ({"type": "date"}, "32-13-2020", "date_invalid", ""),
    ({"type": "nik"}, ["3510135708900003"], "invalid_type", ""),
]


@pytest.mark.parametrize(("field", "typed", "code", "shown"), REFUSED)
def test_a_refused_answer_says_why(field: dict, typed: object, code: str, shown: str) -> None:
    got_code, message = refusal(field, typed)
    assert got_code == code
    assert shown in message
    assert "None" not in message


def test_the_last_possible_year_is_still_accepted() -> None:
    assert validate_answers(one_field_form(type="date"), {"x": "31-12-2100"}, today=TODAY) == {
        "x": "2100-12-31"
    }


def test_the_first_possible_year_is_still_accepted() -> None:
    assert validate_answers(one_field_form(type="date"), {"x": "01-01-1900"}, today=TODAY) == {
        "x": "1900-01-01"
    }


def test_a_long_answer_of_exactly_the_raw_limit_is_still_read() -> None:
    # long_text holds 1000 characters, so up to 4 x 1000 raw characters are read and cleaned.
    typed = "a" + " " * 3998 + "b"
    assert validate_answers(one_field_form(type="long_text"), {"x": typed}, today=TODAY) == {
        "x": "a b"
    }


def test_an_accent_typed_as_two_characters_is_kept_as_one() -> None:
    typed = "Dekat warung kopi Cafe\u0301\nRT 003"  # e + combining acute, as some keyboards send
    answers = validate_answers(one_field_form(type="long_text"), {"x": typed}, today=TODAY)
    assert answers == {"x": "Dekat warung kopi Caf\u00e9\nRT 003"}


def test_regency_ranges_expand_to_every_code_they_name() -> None:
    assert _build({"35": "09-11,79"}) == frozenset({"3509", "3510", "3511", "3579"})


def test_a_nik_sent_as_a_number_is_kept_as_its_digits() -> None:
    answers = validate_answers(one_field_form(type="nik"), {"x": 3510135708900003}, today=TODAY)
    assert answers == {"x": "3510135708900003"}


def test_spaces_a_stuck_key_typed_do_not_count_against_a_long_answer() -> None:
    # long_text holds 1000 characters; 1,500 raw characters that clean to 19 are fine.
    typed = "Dusun Krajan" + " " * 1500 + "RT 003"
    answers = validate_answers(one_field_form(type="long_text"), {"x": typed}, today=TODAY)
    assert answers == {"x": "Dusun Krajan RT 003"}


def test_a_number_field_with_only_a_lower_bound_is_a_good_definition() -> None:
    form = form_from_data(
        {
            "id": "contoh",
            "version": 1,
            "title": {"id": "Contoh", "en": "Example"},
            "fields": [
                {
                    "name": "jumlah",
                    "type": "number",
                    "label": {"id": "Jumlah", "en": "Count"},
                    "min_value": 1,
                },
            ],
        },
        source="contoh.v1.json",
    )
    assert form.field("jumlah").min_value == 1


# --- the catalogue an admin ships or the server sends --------------------------------------


@pytest.fixture
def resources(tmp_path: Path) -> Path:
    source = Path(str(files("resources")))
    root = tmp_path / "resources"
    shutil.copytree(source / "forms", root / "forms")
    for name in ("catalogue.json", "villages.json"):
        shutil.copy(source / name, root / name)
    return root


def edit(root: Path, name: str, change: Any) -> None:
    path = root / name
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def refused_catalogue(root: Path) -> CatalogueError:
    with pytest.raises(CatalogueError) as failure:
        load_catalogue(root)
    return failure.value


def test_a_catalogue_version_not_like_a_date_is_refused(resources: Path) -> None:
    edit(resources, "catalogue.json", lambda d: d.update(version="November"))
    assert "version" in refused_catalogue(resources).problem


def test_a_lower_case_service_code_is_refused_naming_it(resources: Path) -> None:
    edit(resources, "catalogue.json", lambda d: d["services"][0].update(code="ktp baru"))
    assert refused_catalogue(resources).field == "ktp baru"


def test_a_service_in_an_unknown_category_is_refused_naming_the_service(resources: Path) -> None:
    edit(resources, "catalogue.json", lambda d: d["services"][0].update(category="tidak_ada"))
    error = refused_catalogue(resources)
    assert error.field == "KTP_BARU" and "tidak_ada" in error.problem


def test_a_description_in_one_language_only_is_refused(resources: Path) -> None:
    edit(
        resources,
        "catalogue.json",
        lambda d: d["services"][0].update(description={"id": "Perekaman KTP-el", "en": ""}),
    )
    assert refused_catalogue(resources).field == "KTP_BARU"


def test_an_outpost_without_villages_is_refused_naming_the_outpost(resources: Path) -> None:
    edit(resources, "villages.json", lambda d: d["outposts"]["genteng"].update(villages=[]))
    assert refused_catalogue(resources).field == "genteng"


def test_a_note_left_in_the_forms_folder_does_not_hide_the_forms(resources: Path) -> None:
    shipped = load_catalogue(resources)
    (resources / "forms" / "README.txt").write_text("notes", encoding="utf-8")
    load_catalogue.cache_clear()
    assert len(load_catalogue(resources).services) == len(shipped.services)


def test_a_category_is_found_by_its_code(resources: Path) -> None:
    catalogue = load_catalogue(resources)
    assert catalogue.category("kependudukan").code == "kependudukan"


def test_a_service_with_a_wrong_kind_of_value_is_refused_naming_it_and_the_key(
    resources: Path,
) -> None:
    edit(resources, "catalogue.json", lambda d: d["services"][0].update(estimated_minutes="lama"))
    error = refused_catalogue(resources)
    assert error.field == "KTP_BARU"
    assert error.problem.startswith("estimated_minutes: ")


def test_a_service_without_a_code_is_refused_naming_its_place_in_the_list(
    resources: Path,
) -> None:
    edit(resources, "catalogue.json", lambda d: d["services"][2].pop("code"))
    error = refused_catalogue(resources)
    assert error.field == "services[2]"
    assert error.problem.startswith("code: ")


def broken_form(change: Any) -> str:
    data: dict[str, Any] = {
        "id": "contoh",
        "version": 1,
        "title": {"id": "Contoh", "en": "Example"},
        "fields": [
            {"name": "nama", "type": "name", "label": {"id": "Nama", "en": "Name"}},
            {
                "name": "jk",
                "type": "choice",
                "label": {"id": "Jenis kelamin", "en": "Sex"},
                "options": [
                    {"value": "L", "label": {"id": "Laki-laki", "en": "Male"}},
                    {"value": "P", "label": {"id": "Perempuan", "en": "Female"}},
                ],
            },
        ],
    }
    change(data)
    with pytest.raises(FormDefinitionError) as failure:
        form_from_data(data, source="contoh.v1.json")
    return failure.value.problem


# a form definition an admin might ship, what is wrong with it, words its problem must use
BROKEN_FORMS = [
    (lambda d: d.update(title={"id": "Contoh", "en": ""}), "title"),
    (lambda d: d.update(fields=[]), "at least one field"),
    (lambda d: d["fields"].append(dict(d["fields"][0])), "used twice"),
    (lambda d: d["fields"][1]["options"][1].update(value="L"), "unique"),
]


@pytest.mark.parametrize(("change", "words"), BROKEN_FORMS)
def test_a_broken_form_definition_says_what_is_wrong(change: Any, words: str) -> None:
    assert words in broken_form(change)


def test_a_second_service_on_a_queue_letter_names_the_service_that_has_it(
    resources: Path,
) -> None:
    edit(resources, "catalogue.json", lambda d: d["services"][1].update(queue_letter="A"))
    assert "KTP_BARU" in refused_catalogue(resources).problem  # KTP_BARU has letter A


def test_a_kelurahan_listed_as_a_desa_is_refused_naming_the_outpost(resources: Path) -> None:
    # In a village code the digit after the kecamatan says kelurahan (1) or desa (2).
    edit(
        resources,
        "villages.json",
        lambda d: d["outposts"]["rogojampi"]["villages"][0].update(code="35.10.13.1001"),
    )
    error = refused_catalogue(resources)
    assert error.field == "villages of rogojampi" and "kelurahan" in error.problem


def test_an_answer_of_exactly_the_minimum_length_is_accepted() -> None:
    form = one_field_form(type="text", min_length=3)
    assert validate_answers(form, {"x": "abc"}, today=TODAY) == {"x": "abc"}


def test_a_category_named_in_one_language_only_is_refused_naming_it(resources: Path) -> None:
    edit(
        resources,
        "catalogue.json",
        lambda d: d["categories"][0].update(name={"id": "Kependudukan", "en": ""}),
    )
    assert refused_catalogue(resources).field == "kependudukan"


def test_a_form_file_that_is_not_an_object_is_refused_naming_the_file(resources: Path) -> None:
    path = resources / "forms" / "kia.v1.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(FormDefinitionError) as failure:
        load_catalogue(resources)
    assert failure.value.source == str(path)


def test_a_form_file_named_for_another_version_is_refused_naming_the_version(
    resources: Path,
) -> None:
    (resources / "forms" / "kia.v1.json").rename(resources / "forms" / "kia.v2.json")
    with pytest.raises(FormDefinitionError) as failure:
        load_catalogue(resources)
    assert "kia.v1" in failure.value.problem
