"""validate_answers: a resident's answers in, normalised answers or field errors out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from forms.fields import PARSERS, FieldProblem, ParseContext, is_blank, to_date
from forms.identity import check_nik
from forms.model import FieldDefinition, FormDefinition
from forms.text import MESSAGES, LocalizedText
from forms.wib import WIB

FORM_ERROR_KEY = "__form__"
_MISSING = object()


@dataclass(frozen=True, slots=True)
class FieldError:
    """Why one answer was refused: a stable code and a message in both languages."""

    code: str
    message: LocalizedText

    @classmethod
    def of(cls, code: str, **params: object) -> FieldError:
        template = MESSAGES.get(code, MESSAGES["invalid"])
        return cls(code, template.format(**params) if params else template)


class ValidationFailed(Exception):
    """The answers were refused; `errors` maps field name (or "__form__") to FieldError."""

    def __init__(self, errors: dict[str, FieldError]) -> None:
        super().__init__(", ".join(f"{name}: {error.code}" for name, error in errors.items()))
        self.errors = errors


def today_in_wib() -> date:
    return datetime.now(WIB).date()


def validate_answers(
    form: FormDefinition,
    answers: Mapping[str, object],
    *,
    today: date | None = None,
    villages: Iterable[object] | None = None,
) -> dict[str, object]:
    """The normalised answers of the visible fields, in form order, or ValidationFailed.

    Keys the form does not define are ignored and dropped; answers to hidden fields are
    dropped whatever they hold. Optional fields left blank are left out. Never raises
    anything but ValidationFailed.
    """
    if not isinstance(answers, Mapping):
        raise ValidationFailed({FORM_ERROR_KEY: FieldError.of("invalid_answers")})
    try:
        ctx = ParseContext(today or today_in_wib(), _village_codes(villages))
    except Exception:
        raise ValidationFailed({FORM_ERROR_KEY: FieldError.of("invalid_answers")}) from None

    result: dict[str, object] = {}
    errors: dict[str, FieldError] = {}
    for field in form.fields:
        if not is_visible(field, result):
            continue
        try:
            raw = answers.get(field.name, _MISSING)
            if raw is _MISSING or is_blank(raw):
                if field.required:
                    errors[field.name] = FieldError.of(
                        "consent_required" if field.type == "consent" else "required"
                    )
                continue
            result[field.name] = PARSERS[field.type](raw, field, ctx)
        except FieldProblem as problem:
            errors[field.name] = FieldError.of(problem.code, **problem.params)
        except Exception:  # a hostile Mapping or an object whose __eq__ raises
            errors[field.name] = FieldError.of("invalid")

    for field in form.fields:
        if field.checks_nik_against is not None and field.name in result:
            _cross_check_nik(field, result, errors)
    if errors:
        raise ValidationFailed(errors)
    return result


def _village_codes(villages: Iterable[object] | None) -> frozenset[str] | None:
    if villages is None:
        return None
    return frozenset(getattr(village, "code", village) for village in villages)  # type: ignore[misc]


def is_visible(field: FieldDefinition, answered: Mapping[str, object]) -> bool:
    """Whether a field is shown and asked, given the answers of the fields before it.

    ``answered`` holds the answers of the earlier fields that are visible and answered, and
    only those: a field hidden or unanswered upstream hides everything that depends on it.
    The form screen and validate_answers both ask this, so they never disagree.
    """
    rule = field.visible_when
    if rule is None:
        return True
    value = answered.get(rule.field, _MISSING)
    return value is not _MISSING and type(value) is type(rule.equals) and value == rule.equals


def _cross_check_nik(
    field: FieldDefinition, result: Mapping[str, object], errors: dict[str, FieldError]
) -> None:
    check = field.checks_nik_against
    assert check is not None
    _number, facts = check_nik(str(result[field.name]))
    born = result.get(check.birth_date) if check.birth_date else None
    if born is not None and not facts.matches_birth_date(to_date(born)):
        errors[field.name] = FieldError.of("nik_birth_date_mismatch")
        return
    sex = result.get(check.sex) if check.sex else None
    if sex is not None and (sex == "P") != facts.female:
        errors[field.name] = FieldError.of("nik_sex_mismatch")
