"""Properties over every field type: whatever arrives, validation answers with normalised
values or ValidationFailed, never anything else; what it accepts is well-formed; and
validating its own output changes nothing."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms import (
    FIELD_TYPES,
    FieldDefinition,
    FormDefinition,
    LocalizedText,
    Option,
    ValidationFailed,
    load_catalogue,
    validate_answers,
)
from forms.identity import check_nik
from forms.normalise import is_name
from tests.unit.forms_testdata import TODAY, VALID_KKS, VALID_NIKS, VALID_PHONES

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
L = LocalizedText(id="Isian", en="Field")
OPTIONS = tuple(Option(value=v, label=L) for v in ("L", "P", "lainnya"))
VILLAGES = [village.code for village in load_catalogue().villages_of("genteng")]

CONTROL = st.characters(categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Zs"])
NASTY_FRAGMENTS = st.sampled_from(
    [
        "'; DROP TABLE warga; --",
        "1 OR 1=1",
        "<script>alert(1)</script>",
        "<b onmouseover=alert(1)>x</b>",
        "😀👨‍👩‍👧‍👦🇮🇩",
        "\u202e\u200b\ufeff",
        "\x00\x1b[2J",
        "Ni Luh Putu Ayu",
        "3510135708900003",
        "081234567890",
        "35.10.09.2001",
        "17-08-1990",
        "nama@contoh.id",
        "L",
    ]
)
HUGE = st.sampled_from(
    ["a" * 100_000, "9" * 100_000, " " * 100_000, "😀" * 100_000, "\x00" * 100_000]
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(CONTROL, st.characters()), max_size=60),
    st.lists(st.one_of(NASTY_FRAGMENTS, st.text(max_size=5)), max_size=6).map("".join),
    NASTY_FRAGMENTS,
    HUGE,
)
ANY_VALUE = st.one_of(
    TEXTS,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.lists(st.one_of(st.text(max_size=8), st.integers(), NASTY_FRAGMENTS), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.builds(object),
    st.sampled_from([row[0] for row in VALID_NIKS + VALID_KKS + VALID_PHONES]),
    st.sampled_from(VILLAGES + [["L", "P"], ["lainnya", "L", "L"]]),
)


def form_with(kind: str, required: bool) -> FormDefinition:
    extra: dict[str, object] = {}
    if kind in ("choice", "multi_choice"):
        extra["options"] = OPTIONS
    if kind == "number":
        extra.update(min_value=-1000, max_value=10**12)
    if kind in ("name", "text", "address", "long_text"):
        extra["uppercase"] = True
    if kind == "consent":
        required = True
    field = FieldDefinition(name="x", type=kind, label=L, required=required, **extra)
    return FormDefinition(id="probe", version=1, title=L, fields=(field,))


FORMS = {(kind, req): form_with(kind, req) for kind in FIELD_TYPES for req in (True, False)}


def clean_text(value: str, *, multiline: bool) -> bool:
    lines = value.split("\n") if multiline else [value]
    for line in lines:
        if not line or line != line.strip() or "  " in line or "\n" in line:
            return False
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Cs") and c != "\n" for c in value)


ACCEPTED_SHAPE = {
    "nik": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9]{16}", v) and check_nik(v),
    "kk": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9]{16}", v) and len(set(v)) > 1,
    "phone": lambda v: isinstance(v, str) and re.fullmatch(r"\+62[0-9]{7,13}", v),
    "email": lambda v: isinstance(v, str) and v.isascii() and "@" in v and " " not in v,
    "village": lambda v: v in VILLAGES,
    "name": lambda v: isinstance(v, str) and is_name(v) and clean_text(v, multiline=False),
    "text": lambda v: isinstance(v, str) and clean_text(v, multiline=False),
    "address": lambda v: isinstance(v, str) and clean_text(v, multiline=True),
    "long_text": lambda v: isinstance(v, str) and clean_text(v, multiline=True),
    "number": lambda v: type(v) is int and -1000 <= v <= 10**12,
    "date": lambda v: isinstance(v, str) and date.fromisoformat(v).isoformat() == v,
    "choice": lambda v: v in ("L", "P", "lainnya"),
    "multi_choice": lambda v: isinstance(v, list) and v and set(v) <= {"L", "P", "lainnya"},
    "yes_no": lambda v: type(v) is bool,
    "consent": lambda v: v is True,
}


@PROPERTY_SETTINGS
@given(kind=st.sampled_from(FIELD_TYPES), required=st.booleans(), value=ANY_VALUE)
def test_any_value_for_any_field_type_is_handled(kind: str, required: bool, value: object) -> None:
    form = FORMS[(kind, required)]
    try:
        result = validate_answers(form, {"x": value}, today=TODAY, villages=VILLAGES)
    except ValidationFailed as failure:
        assert set(failure.errors) == {"x"}
        error = failure.errors["x"]
        assert error.message.id and error.message.en
        return
    if "x" in result:
        assert ACCEPTED_SHAPE[kind](result["x"]), (kind, value, result)
    else:
        assert not required
    again = validate_answers(form, result, today=TODAY, villages=VILLAGES)
    assert again == result


@PROPERTY_SETTINGS
@given(
    answers=st.dictionaries(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from([f.name for f in load_catalogue().form("akta_kelahiran").fields]),
        ),
        ANY_VALUE,
        max_size=30,
    )
)
def test_whole_form_never_raises_anything_else(answers: dict[str, object]) -> None:
    form = load_catalogue().form("akta_kelahiran")
    try:
        result = validate_answers(form, answers, today=TODAY)
    except ValidationFailed:
        return
    assert validate_answers(form, result, today=TODAY) == result


REGIONS = st.sampled_from(["351013", "351009", "357810", "517102", "657101", "940103", "110101"])


@st.composite
def generated_niks(draw: st.DrawFn) -> tuple[str, date, bool]:
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=TODAY))
    female = draw(st.booleans())
    serial = draw(st.integers(min_value=1, max_value=9999))
    day = born.day + (40 if female else 0)
    nik = f"{draw(REGIONS)}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    return nik, born, female


@PROPERTY_SETTINGS
@given(generated=generated_niks(), separator=st.sampled_from(["", " ", "-", "."]))
def test_every_well_formed_nik_is_accepted_with_its_own_date_and_sex(
    generated: tuple[str, date, bool], separator: str
) -> None:
    nik, born, female = generated
    form = load_catalogue().form("kia")
    typed = separator.join(nik[i : i + 4] for i in range(0, 16, 4))
    answers = {
        "no_kk": "3510131203150005",
        "nik_anak": typed,
        "nama_anak": "Putri",
        "tanggal_lahir_anak": born,
        "jenis_kelamin_anak": "P" if female else "L",
        "nama_orang_tua": "Ayu",
        "nik_orang_tua": "3510135708900003",
        "telepon": "081234567890",
        "desa": "35.10.13.2001",
        "persetujuan": True,
    }
    result = validate_answers(form, answers, today=TODAY)
    assert result["nik_anak"] == nik


@PROPERTY_SETTINGS
@given(value=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)))
def test_datetimes_are_read_as_their_date(value: datetime) -> None:
    form = FORMS[("date", True)]
    assert validate_answers(form, {"x": value}, today=TODAY)["x"] == value.date().isoformat()
