"""One parser per field type: raw answer in, normalised answer out, or FieldProblem.

Every parser is total over `object`: whatever a client sends, it returns or raises
FieldProblem, nothing else. Outputs are JSON-ready (str, int, bool, list[str]) and parse
to themselves, which is what makes validate_answers idempotent.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache

import phonenumbers

from forms.identity import IdentityNumberError, check_kk, check_nik, compact_number
from forms.model import FieldDefinition
from forms.normalise import clean_line, clean_name, clean_paragraphs, is_name
from forms.regions import is_known_regency


class FieldProblem(Exception):
    """Why one answer was refused: a message code and its placeholders."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


DEFAULT_MAX_LENGTH = {
    "text": 200,
    "long_text": 1000,
    "address": 250,
    "name": 100,
    "email": 254,
}
# Beyond this many raw characters an answer is refused before any cleaning, so a
# 100,000-character paste costs nothing.
RAW_LIMIT_FACTOR = 4
RAW_LIMIT_FLOOR = 1000

_EMAIL = re.compile(
    r"(?!\.)(?!.*\.\.)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}(?<!\.)"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")
_INTEGER = re.compile(r"[+-]?\d{1,15}")
_GROUPED_INTEGER = re.compile(r"\d{1,3}(?:\.\d{3}){1,4}")  # 1.500.000 as Indonesians write it
_PHONE_CHARS = re.compile(r"[0-9+()\-. ]+")
_DATE_FORMATS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})"),
)
_TRUE = frozenset({"ya", "y", "yes", "true", "1", "setuju", "agree"})
_FALSE = frozenset({"tidak", "t", "no", "n", "false", "0"})
_PHONE_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


@lru_cache(maxsize=256)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def is_blank(value: object) -> bool:
    """No answer: missing, None, only whitespace/invisible characters, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not clean_line(value) if len(value) <= RAW_LIMIT_FLOOR else False
    return isinstance(value, list | tuple | set | frozenset) and not value


def _string(value: object, field: FieldDefinition) -> str:
    if not isinstance(value, str):
        raise FieldProblem("invalid_type")
    limit = max(RAW_LIMIT_FACTOR * (_max_length(field) or 0), RAW_LIMIT_FLOOR)
    if len(value) > limit:
        raise FieldProblem("too_long", max=_max_length(field) or limit)
    return value


def _max_length(field: FieldDefinition) -> int | None:
    return field.max_length or DEFAULT_MAX_LENGTH.get(field.type)


def _check_length(text: str, field: FieldDefinition) -> str:
    maximum = _max_length(field)
    if field.min_length is not None and len(text) < field.min_length:
        raise FieldProblem("too_short", min=field.min_length)
    if maximum is not None and len(text) > maximum:
        raise FieldProblem("too_long", max=maximum)
    if field.pattern is not None and not compiled(field.pattern).fullmatch(text):
        raise FieldProblem("pattern_mismatch")
    return text


def parse_text(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    return _check_length(clean_line(_string(value, field), uppercase=field.uppercase), field)


def parse_long_text(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    text = clean_paragraphs(_string(value, field), uppercase=field.uppercase)
    return _check_length(text, field)


def parse_name(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    text = clean_name(_string(value, field), uppercase=field.uppercase)
    if not is_name(text):
        raise FieldProblem("name_invalid")
    return _check_length(text, field)


def parse_number(value: object, field: FieldDefinition, ctx: ParseContext) -> int:
    if isinstance(value, bool):
        raise FieldProblem("not_a_number")
    if isinstance(value, float):
        if not (math.isfinite(value) and value.is_integer() and abs(value) < 1e15):
            raise FieldProblem("not_a_number")
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and len(value) <= 40:
        text = "".join(clean_line(value).split())
        if _GROUPED_INTEGER.fullmatch(text):
            text = text.replace(".", "")
        if not (text.isascii() and _INTEGER.fullmatch(text)):
            raise FieldProblem("not_a_number")
        number = int(text)
    else:
        raise FieldProblem("not_a_number")
    if field.min_value is not None and number < field.min_value:
        raise FieldProblem("too_small", min=field.min_value)
    if field.max_value is not None and number > field.max_value:
        raise FieldProblem("too_large", max=field.max_value)
    return number


def to_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) > 40:
        raise FieldProblem("date_invalid")
    text = clean_line(value)
    for form in _DATE_FORMATS:
        match = form.fullmatch(text)
        if match and text.isascii():
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    raise FieldProblem("date_invalid")


def parse_date(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    day = to_date(value)
    if not 1900 <= day.year <= 2100:
        raise FieldProblem("date_out_of_range")
    if field.date_rule == "past" and day > ctx.today:
        raise FieldProblem("date_not_past")
    if field.date_rule == "future" and day < ctx.today:
        raise FieldProblem("date_not_future")
    return day.isoformat()


def parse_choice(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    if not isinstance(value, str) or value not in field.option_values():
        raise FieldProblem("invalid_choice")
    return value


def parse_multi_choice(value: object, field: FieldDefinition, ctx: ParseContext) -> list[str]:
    if not isinstance(value, list | tuple | set | frozenset) or len(value) > 1000:
        raise FieldProblem("invalid_choice")
    allowed = field.option_values()
    if not all(isinstance(item, str) and item in allowed for item in value):
        raise FieldProblem("invalid_choice")
    chosen = [option for option in allowed if option in value]
    if field.min_length is not None and len(chosen) < field.min_length:
        raise FieldProblem("too_few_choices", min=field.min_length)
    if field.max_length is not None and len(chosen) > field.max_length:
        raise FieldProblem("too_many_choices", max=field.max_length)
    return chosen


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and len(value) <= 20:
        word = clean_line(value).lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise FieldProblem("invalid_choice")


def parse_yes_no(value: object, field: FieldDefinition, ctx: ParseContext) -> bool:
    return to_bool(value)


def parse_consent(value: object, field: FieldDefinition, ctx: ParseContext) -> bool:
    try:
        agreed = to_bool(value)
    except FieldProblem:
        raise FieldProblem("consent_required") from None
    if field.required and not agreed:
        raise FieldProblem("consent_required")
    return agreed


def _identity_string(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldProblem("invalid_type")
    if len(value) > 64:
        raise FieldProblem("too_long", max=16)
    return clean_line(value)


def parse_nik(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    try:
        number, _facts = check_nik(_identity_string(value))
    except IdentityNumberError as error:
        raise FieldProblem(error.code) from None
    return number


def parse_kk(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    try:
        return check_kk(_identity_string(value), ctx.today)
    except IdentityNumberError as error:
        raise FieldProblem(error.code) from None


def parse_phone(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    if not isinstance(value, str):
        raise FieldProblem("invalid_type")
    if len(value) > 40:
        raise FieldProblem("phone_invalid")
    text = clean_line(value)
    if not (text.isascii() and _PHONE_CHARS.fullmatch(text)) or "+" in text[1:]:
        raise FieldProblem("phone_invalid")
    digits = compact_number(text).replace("(", "").replace(")", "")
    if digits.startswith("62") and len(digits) >= 10:
        digits = "+" + digits
    try:
        number = phonenumbers.parse(digits, "ID")
    except phonenumbers.NumberParseException:
        raise FieldProblem("phone_invalid") from None
    if number.country_code != 62:
        raise FieldProblem("phone_not_indonesian")
    if not phonenumbers.is_valid_number(number):
        raise FieldProblem("phone_invalid")
    if phonenumbers.number_type(number) not in _PHONE_TYPES:
        raise FieldProblem("phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def parse_email(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    text = clean_line(_string(value, field))
    if not (text.isascii() and _EMAIL.fullmatch(text)):
        raise FieldProblem("email_invalid")
    local, _, domain = text.rpartition("@")
    return _check_length(f"{local}@{domain.lower()}", field)


def parse_village(value: object, field: FieldDefinition, ctx: ParseContext) -> str:
    if not isinstance(value, str) or len(value) > 40:
        raise FieldProblem("village_unknown")
    code = clean_line(value)
    if not (code.isascii() and _VILLAGE_CODE.fullmatch(code)):
        raise FieldProblem("village_unknown")
    if ctx.village_codes is not None:
        if code not in ctx.village_codes:
            raise FieldProblem("village_unknown")
    elif not is_known_regency(code[:2] + code[3:5]):
        raise FieldProblem("village_unknown")
    return code


class ParseContext:
    """What parsers need besides the answer: today's date and the villages on offer."""

    __slots__ = ("today", "village_codes")

    def __init__(self, today: date, village_codes: frozenset[str] | None) -> None:
        self.today = today
        self.village_codes = village_codes


Parser = Callable[[object, FieldDefinition, ParseContext], object]

PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "long_text": parse_long_text,
    "address": parse_long_text,
    "name": parse_name,
    "number": parse_number,
    "date": parse_date,
    "choice": parse_choice,
    "multi_choice": parse_multi_choice,
    "yes_no": parse_yes_no,
    "consent": parse_consent,
    "nik": parse_nik,
    "kk": parse_kk,
    "phone": parse_phone,
    "email": parse_email,
    "village": parse_village,
}
