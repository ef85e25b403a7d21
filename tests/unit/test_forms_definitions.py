"""Broken form definitions are refused with a message naming the file, the field and the problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forms import FormDefinitionError, load_form


def good_form() -> dict[str, Any]:
    label = {"id": "Nama", "en": "Name"}
    return {
        "id": "contoh",
        "version": 1,
        "title": {"id": "Contoh", "en": "Example"},
        "fields": [
            {"name": "nik", "type": "nik", "label": {"id": "NIK", "en": "NIK"}},
            {"name": "nama", "type": "name", "label": label},
            {"name": "lahir", "type": "date", "label": label, "date_rule": "past"},
            {
                "name": "jk",
                "type": "choice",
                "label": label,
                "options": [
                    {"value": "L", "label": {"id": "Laki-laki", "en": "Male"}},
                    {"value": "P", "label": {"id": "Perempuan", "en": "Female"}},
                ],
            },
        ],
    }


def write(tmp_path: Path, data: Any, name: str = "contoh.v1.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def broken(tmp_path: Path, change: Any, name: str = "contoh.v1.json") -> FormDefinitionError:
    data = good_form()
    change(data)
    path = write(tmp_path, data, name)
    with pytest.raises(FormDefinitionError) as failure:
        load_form(path)
    assert str(path) in str(failure.value)
    return failure.value


def test_a_good_definition_loads(tmp_path: Path) -> None:
    form = load_form(write(tmp_path, good_form()))
    assert form.key == "contoh.v1"
    assert form.field("nik").sensitive


def test_unknown_field_type(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(type="nama_orang"))
    assert error.field == "nama"
    assert "unknown type 'nama_orang'" in str(error)


def test_label_without_english(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(label={"id": "Nama", "en": " "}))
    assert error.field == "nama" and "label needs both id and en" in error.problem


def test_missing_label(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].pop("label"))
    assert error.field == "nama" and "label is missing" in error.problem


def test_duplicate_field_name(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"].append(dict(d["fields"][1])))
    assert error.field == "nama" and "used twice" in error.problem


def test_choice_without_options(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][3].update(options=[]))
    assert error.field == "jk" and "needs options" in error.problem


def test_options_on_a_text_field(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(options=d["fields"][3]["options"]))
    assert error.field == "nama" and "options are only for choice" in error.problem


def test_bad_regular_expression(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(type="text", pattern="[0-9"))
    assert error.field == "nama" and "not a valid regular expression" in error.problem


def test_min_length_above_max_length(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(min_length=10, max_length=5))
    assert error.field == "nama" and "min_length is larger than max_length" in error.problem


def test_visible_when_refers_to_a_later_or_unknown_field(tmp_path: Path) -> None:
    rule = {"field": "tidak_ada", "equals": "L"}
    error = broken(tmp_path, lambda d: d["fields"][1].update(visible_when=rule))
    assert error.field == "nama" and "'tidak_ada', which is not an earlier field" in error.problem


def test_visible_when_value_not_an_option(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["fields"].append(
            {
                "name": "hamil",
                "type": "yes_no",
                "label": {"id": "Hamil", "en": "Pregnant"},
                "visible_when": {"field": "jk", "equals": "W"},
            }
        )

    error = broken(tmp_path, change)
    assert error.field == "hamil" and "'W' is not an option of 'jk'" in error.problem


def test_nik_check_against_a_field_that_is_not_a_date(tmp_path: Path) -> None:
    check = {"birth_date": "nama", "sex": "jk"}
    error = broken(tmp_path, lambda d: d["fields"][0].update(checks_nik_against=check))
    assert error.field == "nik" and "'nama' is not a date field" in error.problem


def test_nik_check_against_a_sex_field_without_l_and_p(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["fields"][3]["options"][1]["value"] = "W"
        d["fields"][0]["checks_nik_against"] = {"birth_date": "lahir", "sex": "jk"}

    error = broken(tmp_path, change)
    assert error.field == "nik" and "options L/P" in error.problem


def test_unknown_key_is_a_typo_not_ignored(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(requried=False))
    assert error.field == "nama" and "unknown key 'requried'" in error.problem


def test_date_rule_on_a_text_field(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][1].update(date_rule="past"))
    assert error.field == "nama" and "date_rule applies to date only" in error.problem


def test_optional_consent(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        consent = {"name": "setuju", "type": "consent", "label": {"id": "S", "en": "A"}}
        d["fields"].append({**consent, "required": False})

    error = broken(tmp_path, change)
    assert error.field == "setuju" and "consent field must be required" in error.problem


def test_field_without_a_name_is_named_by_position(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d["fields"][2].pop("name"))
    assert error.field == "#3" and "name is missing" in error.problem


def test_file_name_and_contents_disagree(tmp_path: Path) -> None:
    error = broken(tmp_path, lambda d: d.update(version=2))
    assert "file name says contoh v1 but the form is contoh.v2" in error.problem


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "id": "contoh",\n  "version": 1,,\n}')
    with pytest.raises(FormDefinitionError) as failure:
        load_form(path)
    assert str(path) in str(failure.value) and "line 3" in str(failure.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormDefinitionError, match="cannot be read"):
        load_form(tmp_path / "tidak_ada.v1.json")
