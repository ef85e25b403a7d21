"""Field by field: what residents type, what is kept, and what is refused with which message."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from forms import (
    FieldDefinition,
    FormDefinition,
    LocalizedText,
    ValidationFailed,
    Village,
    load_catalogue,
    mask_nik,
    validate_answers,
)
from tests.unit.forms_testdata import (
    INVALID_KKS,
    INVALID_NAMES,
    INVALID_NIKS,
    INVALID_PHONES,
    TODAY,
    VALID_KKS,
    VALID_NAMES,
    VALID_NIKS,
    VALID_PHONES,
)

L = LocalizedText(id="Isian", en="Field")


def one_field_form(**field: object) -> FormDefinition:
    return FormDefinition(
        id="probe", version=1, title=L, fields=(FieldDefinition(name="x", label=L, **field),)
    )


def validate_one(form: FormDefinition, value: object) -> object:
    return validate_answers(form, {"x": value}, today=TODAY)["x"]


def error_of(form: FormDefinition, answers: dict[str, object], name: str = "x") -> str:
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(form, answers, today=TODAY)
    return failure.value.errors[name].code


NIK = one_field_form(type="nik")
KK = one_field_form(type="kk")
PHONE = one_field_form(type="phone")
NAME = one_field_form(type="name", uppercase=True)


@pytest.mark.parametrize(("nik", "born", "female", "why"), VALID_NIKS)
def test_real_looking_niks_are_accepted(nik: str, born: date, female: bool, why: str) -> None:
    assert validate_one(NIK, nik) == nik, why


@pytest.mark.parametrize(("nik", "code", "why"), INVALID_NIKS)
def test_broken_niks_are_refused_with_a_reason(nik: str, code: str, why: str) -> None:
    assert error_of(NIK, {"x": nik}) == code, why


def test_nik_typed_with_spaces_dots_and_dashes_is_kept_as_digits() -> None:
    assert validate_one(NIK, " 3510.1357-0890 0003 ") == "3510135708900003"


def test_nik_message_is_kind_and_bilingual() -> None:
    with pytest.raises(ValidationFailed) as failure:
        validate_answers(NIK, {"x": "12345"}, today=TODAY)
    message = failure.value.errors["x"].message
    assert message.get("id") == "NIK harus 16 angka."
    assert message.get("en") == "NIK must be 16 digits."


@pytest.mark.parametrize(("kk", "why"), VALID_KKS)
def test_real_looking_kk_numbers_are_accepted(kk: str, why: str) -> None:
    assert validate_one(KK, kk) == kk, why


@pytest.mark.parametrize(("kk", "code", "why"), INVALID_KKS)
def test_broken_kk_numbers_are_refused_with_a_reason(kk: str, code: str, why: str) -> None:
    assert error_of(KK, {"x": kk}) == code, why


@pytest.mark.parametrize(("typed", "e164", "why"), VALID_PHONES)
def test_indonesian_phones_become_e164(typed: str, e164: str, why: str) -> None:
    assert validate_one(PHONE, typed) == e164, why


@pytest.mark.parametrize(("typed", "code", "why"), INVALID_PHONES)
def test_bad_phones_are_refused(typed: str, code: str, why: str) -> None:
    assert error_of(PHONE, {"x": typed}) == code, why


@pytest.mark.parametrize(("typed", "kept"), VALID_NAMES)
def test_names_of_any_script_are_accepted(typed: str, kept: str) -> None:
    assert validate_one(NAME, typed) == kept


@pytest.mark.parametrize(("typed", "why"), INVALID_NAMES)
def test_names_with_digits_or_symbols_are_refused(typed: str, why: str) -> None:
    assert error_of(NAME, {"x": typed}) == "name_invalid", why


class TestNikAgreesWithTheForm:
    form = load_catalogue().form("ktp_baru", 1)

    def answers(self, **changes: object) -> dict[str, object]:
        base: dict[str, object] = {
            "nik": "3510135708900003",
            "nama": "Ni Luh Putu Ayu",
            "tempat_lahir": "Banyuwangi",
            "tanggal_lahir": "1990-08-17",
            "jenis_kelamin": "P",
            "telepon": "081234567890",
            "desa": "35.10.13.2013",
            "alamat": "Dusun Krajan",
            "rt": "003",
            "rw": "001",
            "persetujuan": True,
        }
        return {**base, **changes}

    def test_matching_date_and_sex_pass(self) -> None:
        assert validate_answers(self.form, self.answers(), today=TODAY)["nik"] == "3510135708900003"

    def test_another_birth_date_is_refused_on_the_nik(self) -> None:
        assert error_of(self.form, self.answers(tanggal_lahir="18-08-1990"), "nik") == (
            "nik_birth_date_mismatch"
        )

    def test_a_man_with_a_womans_nik_is_refused(self) -> None:
        assert error_of(self.form, self.answers(jenis_kelamin="L"), "nik") == "nik_sex_mismatch"

    def test_a_nik_issued_in_bali_is_fine_for_a_rogojampi_resident(self) -> None:
        answers = self.answers(nik="5171024512990004", tanggal_lahir="05-12-1999")
        assert validate_answers(self.form, answers, today=TODAY)["nik"] == "5171024512990004"

    def test_village_must_be_one_of_the_outposts_villages(self) -> None:
        rogojampi = load_catalogue().villages_of("rogojampi")
        answers = self.answers(desa="35.10.09.2001")  # Kembiritan is in Genteng
        with pytest.raises(ValidationFailed) as failure:
            validate_answers(self.form, answers, today=TODAY, villages=rogojampi)
        assert failure.value.errors["desa"].code == "village_unknown"


class TestFormBehaviour:
    form = load_catalogue().form("ktp_ganti")

    def base(self, **changes: object) -> dict[str, object]:
        answers: dict[str, object] = {
            "nik": "3510091203850001",
            "nama": "Budi Santoso",
            "tanggal_lahir": date(1985, 3, 12),
            "jenis_kelamin": "L",
            "alasan": "rusak",
            "telepon": "0333 424172",
            "desa": "35.10.09.2002",
            "persetujuan": "ya",
        }
        return {**answers, **changes}

    def test_hidden_fields_are_dropped_even_when_filled(self) -> None:
        result = validate_answers(
            self.form, self.base(nomor_surat_kehilangan="LP/123"), today=TODAY
        )
        assert "nomor_surat_kehilangan" not in result

    def test_a_field_shown_by_an_answer_becomes_required(self) -> None:
        assert error_of(self.form, self.base(alasan="hilang"), "nomor_surat_kehilangan") == (
            "required"
        )

    def test_unknown_keys_are_ignored_and_dropped(self) -> None:
        result = validate_answers(self.form, self.base(hacker="<script>"), today=TODAY)
        assert "hacker" not in result

    def test_answers_that_are_not_a_mapping_are_a_form_error(self) -> None:
        for junk in (None, [], "nik=1", 42):
            with pytest.raises(ValidationFailed) as failure:
                validate_answers(self.form, junk, today=TODAY)  # type: ignore[arg-type]
            assert set(failure.value.errors) == {"__form__"}

    def test_consent_must_be_given_on_a_form_that_asks_it(self) -> None:
        # v1 asked consent as a question; later versions leave it to the data-use notice.
        v1 = load_catalogue().form("ktp_ganti", 1)
        assert error_of(v1, self.base(persetujuan=False), "persetujuan") == "consent_required"
        assert validate_answers(v1, self.base(), today=TODAY)["persetujuan"] is True
        assert "persetujuan" not in validate_answers(self.form, self.base(), today=TODAY)

    def test_output_is_normalised_and_json_ready(self) -> None:
        result = validate_answers(self.form, self.base(), today=TODAY)
        assert result["tanggal_lahir"] == "1985-03-12"
        assert result["telepon"] == "+62333424172"
        assert result["nama"] == "BUDI SANTOSO"


def test_dates_follow_the_fields_rule() -> None:
    past = one_field_form(type="date", date_rule="past")
    future = one_field_form(type="date", date_rule="future")
    assert validate_one(past, "01/11/2026") == "2026-11-01"
    assert error_of(past, {"x": "2026-11-02"}) == "date_not_past"
    assert error_of(future, {"x": "31-10-2026"}) == "date_not_future"
    assert error_of(past, {"x": "30-02-1990"}) == "date_invalid"
    assert error_of(past, {"x": "1800-01-01"}) == "date_out_of_range"


def test_numbers_accept_indonesian_thousands_and_keep_bounds() -> None:
    form = one_field_form(type="number", min_value=0, max_value=5_000_000)
    assert validate_one(form, "1.500.000") == 1_500_000
    assert validate_one(form, 12.0) == 12
    assert error_of(form, {"x": "1,5"}) == "not_a_number"
    assert error_of(form, {"x": True}) == "not_a_number"
    assert error_of(form, {"x": "9" * 5000}) == "not_a_number"
    assert error_of(form, {"x": 5_000_001}) == "too_large"


def test_multi_choice_keeps_option_order_and_drops_duplicates() -> None:
    from forms import Option

    options = tuple(Option(value=v, label=L) for v in ("a", "b", "c"))
    form = one_field_form(type="multi_choice", options=options, min_length=1)
    assert validate_one(form, ["c", "a", "c"]) == ["a", "c"]
    assert error_of(form, {"x": ["d"]}) == "invalid_choice"
    assert error_of(form, {"x": []}) == "required"


def test_long_text_keeps_lines_but_strips_control_characters() -> None:
    form = one_field_form(type="long_text")
    assert (
        validate_one(form, "  baris satu\x00\r\n\n\u200b baris   dua \x1b")
        == "baris satu\nbaris dua"
    )


def test_email_is_checked_and_domain_lower_cased() -> None:
    form = one_field_form(type="email")
    assert validate_one(form, " Budi.S@Mail.Example.ID ") == "Budi.S@mail.example.id"
    assert error_of(form, {"x": "budi@"}) == "email_invalid"


def test_villages_can_be_given_as_objects_or_codes() -> None:
    form = one_field_form(type="village")
    village = Village(code="35.10.09.2004", name="Setail", kind="desa")
    assert validate_answers(form, {"x": "35.10.09.2004"}, villages=[village])["x"] == village.code
    assert validate_answers(form, {"x": "35.10.09.2004"}, villages=[village.code])["x"]


def test_mask_nik_shows_first_four_and_last_two() -> None:
    assert mask_nik("3510135708900003") == "3510**********03"
    assert mask_nik("3510 1357 0890 0003") == "3510**********03"
    assert mask_nik("12345") == "*" * 16
    assert mask_nik(None) == "*" * 16


def test_sensitive_defaults_follow_the_type() -> None:
    from forms import SENSITIVE_TYPES

    assert frozenset({"nik", "kk", "phone"}) == SENSITIVE_TYPES
    assert one_field_form(type="nik").fields[0].sensitive
    assert not one_field_form(type="name").fields[0].sensitive


def test_forms_import_without_qt() -> None:
    code = "import sys, forms; forms.load_catalogue(); assert 'PySide6' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
