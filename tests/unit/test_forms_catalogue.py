"""The shipped catalogue: complete, consistent, bilingual, and versioned forms stay loadable."""

from __future__ import annotations

import json
import shutil
from importlib.resources import files
from pathlib import Path

import pytest

from forms import (
    Catalogue,
    CatalogueError,
    FormDefinitionError,
    LocalizedText,
    ValidationFailed,
    load_catalogue,
    load_form,
    validate_answers,
)
from tests.unit.forms_testdata import TODAY


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def all_texts(catalogue: Catalogue) -> list[tuple[str, LocalizedText]]:
    texts: list[tuple[str, LocalizedText]] = []
    for category in catalogue.categories:
        texts.append((category.code, category.name))
    for service in catalogue.services:
        texts += [(service.code, service.name), (service.code, service.description)]
        texts += [(service.code, document) for document in service.documents]
    for versions in catalogue.forms.values():
        for form in versions.values():
            texts.append((form.key, form.title))
            for field in form.fields:
                texts.append((f"{form.key}:{field.name}", field.label))
                texts += [(f"{form.key}:{field.name}", option.label) for option in field.options]
    return texts


def test_at_least_25_services_with_unique_codes_and_letters(catalogue: Catalogue) -> None:
    assert len(catalogue.services) >= 25
    letters = [service.queue_letter for service in catalogue.services]
    assert len(set(letters)) == len(letters)
    assert all(len(letter) == 1 and letter.isupper() for letter in letters)
    assert len({service.code for service in catalogue.services}) == len(catalogue.services)


def test_counters_come_in_the_halls_order(catalogue: Catalogue) -> None:
    assert catalogue.counters() == [str(n) for n in range(1, 13)]  # 10 after 9, not after 1
    named = catalogue.model_copy(
        update={
            "services": (
                *catalogue.services[:2],
                catalogue.services[2].model_copy(update={"counter": "Informasi"}),
            )
        }
    )
    assert named.counters() == ["1", "Informasi"]


def test_catalogue_carries_its_version(catalogue: Catalogue) -> None:
    assert catalogue.version == "2026.11.1"


def test_every_service_is_complete(catalogue: Catalogue) -> None:
    categories = {category.code for category in catalogue.categories}
    for service in catalogue.services:
        assert service.category in categories
        assert service.documents, service.code
        assert 1 <= service.estimated_minutes <= 60, service.code
        assert service.counter and service.icon.isascii()


def test_every_referenced_form_exists_and_loads_from_its_file(catalogue: Catalogue) -> None:
    folder = files("resources") / "forms"
    with_forms = [service for service in catalogue.services if service.form_id]
    assert len(with_forms) >= 20
    for service in with_forms:
        form = catalogue.form_for(service)
        assert form is not None
        assert load_form(folder / f"{form.key}.json") == form


def test_every_text_has_both_languages(catalogue: Catalogue) -> None:
    for owner, text in all_texts(catalogue):
        assert text.id.strip() and text.en.strip(), owner
        assert text.get("id") == text.id and text.get("en") == text.en


def test_main_services_are_offered(catalogue: Catalogue) -> None:
    wanted = {"KTP_BARU", "KTP_GANTI", "KK_BARU", "KK_PERUBAHAN", "AKTA_KELAHIRAN"}
    wanted |= {"AKTA_KEMATIAN", "KIA", "PINDAH_KELUAR", "BPJS_KES_DAFTAR", "SKCK", "NIB_OSS"}
    wanted |= {"PBG", "PBB_SPPT", "SKTM", "DTKS", "KARTU_AK1"}
    assert wanted <= {service.code for service in catalogue.services}
    assert catalogue.service("SKCK").category == "kepolisian"
    assert [s.code for s in catalogue.services_in("kesehatan")] == [
        "BPJS_KES_DAFTAR",
        "BPJS_KES_PERUBAHAN",
    ]
    with pytest.raises(KeyError):
        catalogue.service("TIDAK_ADA")


def test_villages_of_both_outposts(catalogue: Catalogue) -> None:
    rogojampi = catalogue.villages_of("rogojampi")
    genteng = catalogue.villages_of("genteng")
    assert len(rogojampi) == 10 and len(genteng) == 5
    assert all(v.code.startswith("35.10.13.") for v in rogojampi)
    assert all(v.code.startswith("35.10.09.") for v in genteng)
    assert {v.name for v in genteng} >= {"Kembiritan", "Genteng Wetan", "Setail"}
    assert all(v.kind == "desa" for v in rogojampi + genteng)


def test_nik_is_checked_against_date_and_sex_where_the_form_asks_both(
    catalogue: Catalogue,
) -> None:
    for versions in catalogue.forms.values():
        for form in versions.values():
            names = {field.name: field for field in form.fields}
            for field in form.fields:
                if field.checks_nik_against:
                    assert names[field.checks_nik_against.birth_date].type == "date"


V1_ANSWERS = {
    "nik": "3510091203850001",
    "nama": "Budi Santoso",
    "tempat_lahir": "Banyuwangi",
    "tanggal_lahir": "1985-03-12",
    "jenis_kelamin": "L",
    "telepon": "081234567890",
    "desa": "35.10.09.2003",
    "alamat": "Dusun Krajan",
    "rt": "002",
    "rw": "001",
    "persetujuan": True,
}


def test_answers_captured_with_v1_still_validate_against_v1_after_v2_ships(
    catalogue: Catalogue,
) -> None:
    assert catalogue.form("ktp_baru").version == 3
    v1 = catalogue.form("ktp_baru", 1)
    stored = validate_answers(v1, V1_ANSWERS, today=TODAY)
    assert validate_answers(v1, stored, today=TODAY) == stored
    for later in (2, 3):
        with pytest.raises(ValidationFailed) as failure:
            validate_answers(catalogue.form("ktp_baru", later), stored, today=TODAY)
        assert set(failure.value.errors) == {"agama", "status_perkawinan"}


def test_catalogue_is_cached_and_can_be_reloaded(catalogue: Catalogue) -> None:
    assert load_catalogue() is catalogue
    load_catalogue.cache_clear()
    fresh = load_catalogue()
    assert fresh == catalogue and fresh is not catalogue


def copy_resources(tmp_path: Path) -> Path:
    source = Path(str(files("resources")))
    root = tmp_path / "resources"
    shutil.copytree(source / "forms", root / "forms")
    for name in ("catalogue.json", "villages.json"):
        shutil.copy(source / name, root / name)
    return root


def test_a_pulled_catalogue_loads_from_another_root(tmp_path: Path) -> None:
    root = copy_resources(tmp_path)
    data = json.loads((root / "catalogue.json").read_text(encoding="utf-8"))
    data["version"] = "2026.12.1"
    (root / "catalogue.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_catalogue(root).version == "2026.12.1"


def test_a_duplicate_queue_letter_is_refused_naming_the_service(tmp_path: Path) -> None:
    root = copy_resources(tmp_path)
    data = json.loads((root / "catalogue.json").read_text(encoding="utf-8"))
    data["services"][1]["queue_letter"] = "A"
    (root / "catalogue.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CatalogueError) as failure:
        load_catalogue(root)
    assert "catalogue.json" in str(failure.value)
    assert failure.value.field == "KTP_GANTI" and "queue letter A" in failure.value.problem


def test_a_service_pointing_at_a_missing_form_is_refused(tmp_path: Path) -> None:
    root = copy_resources(tmp_path)
    for path in (root / "forms").glob("skck.v*.json"):
        path.unlink()
    with pytest.raises(CatalogueError, match=r"SKCK'?: form 'skck' has no file"):
        load_catalogue(root)


def test_a_broken_form_file_stops_the_catalogue_naming_it(tmp_path: Path) -> None:
    root = copy_resources(tmp_path)
    path = root / "forms" / "kia.v1.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["fields"][0]["type"] = "kartu_keluarga"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(FormDefinitionError) as failure:
        load_catalogue(root)
    assert "kia.v1.json" in str(failure.value) and failure.value.field == "no_kk"
