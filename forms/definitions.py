"""Loading form definitions from JSON, refusing broken ones with a message that says
which file, which field and what is wrong."""

from __future__ import annotations

import json
import re
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from forms.model import (
    BOOLEAN_TYPES,
    CHOICE_TYPES,
    SEX_VALUES,
    TEXT_TYPES,
    FieldDefinition,
    FormDefinition,
)

_SLUG = re.compile(r"[a-z][a-z0-9_]*")
_FILE_NAME = re.compile(r"(?P<id>[a-z][a-z0-9_]*)\.v(?P<version>\d+)\.json")
_LENGTH_TYPES = TEXT_TYPES | {"email", "multi_choice"}


class FormDefinitionError(ValueError):
    """A form (or catalogue) definition that cannot be used, and why."""

    def __init__(self, source: str, field: str | None, problem: str) -> None:
        where = f"{source}: field {field!r}: " if field else f"{source}: "
        super().__init__(where + problem)
        self.source = source
        self.field = field
        self.problem = problem


def read_json(path: Path | Traversable) -> Any:
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FormDefinitionError(source, None, f"cannot be read ({error})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problem = f"not valid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        raise FormDefinitionError(source, None, problem) from None


def load_form(path: str | Path | Traversable) -> FormDefinition:
    """Read and check one form definition file, e.g. resources/forms/ktp_baru.v1.json."""
    file = Path(path) if isinstance(path, str) else path
    form = form_from_data(read_json(file), source=str(file))
    match = _FILE_NAME.fullmatch(file.name)
    if match and (match["id"], int(match["version"])) != (form.id, form.version):
        problem = f"file name says {match['id']} v{match['version']} but the form is {form.key}"
        raise FormDefinitionError(str(file), None, problem)
    return form


def form_from_data(data: Any, *, source: str) -> FormDefinition:
    """A checked FormDefinition from parsed JSON (also used for forms pulled from the server)."""
    if not isinstance(data, dict):
        raise FormDefinitionError(source, None, "a form definition must be a JSON object")
    try:
        form = FormDefinition.model_validate(data)
    except ValidationError as error:
        field, problem = _describe(error, data)
        raise FormDefinitionError(source, field, problem) from None
    _check_form(form, source)
    return form


def _describe(error: ValidationError, data: dict[str, Any]) -> tuple[str | None, str]:
    first = error.errors()[0]
    loc = list(first["loc"])
    field: str | None = None
    if len(loc) >= 2 and loc[0] == "fields" and isinstance(loc[1], int):
        raw_fields = data.get("fields")
        raw = raw_fields[loc[1]] if isinstance(raw_fields, list) else None
        name = raw.get("name") if isinstance(raw, dict) else None
        field = name if isinstance(name, str) else f"#{loc[1] + 1}"
        loc = loc[2:]
    where = ".".join(str(part) for part in loc) or "definition"
    if first["type"] == "literal_error" and loc == ["type"]:
        return field, f"unknown type {first['input']!r}; known types: {first['ctx']['expected']}"
    if first["type"] == "missing":
        return field, f"{where} is missing"
    if first["type"] == "extra_forbidden":
        return field, f"unknown key {where!r}"
    return field, f"{where}: {first['msg']}"


def _check_form(form: FormDefinition, source: str) -> None:
    def fail(field: str | None, problem: str) -> None:
        raise FormDefinitionError(source, field, problem)

    if not _SLUG.fullmatch(form.id):
        fail(None, f"id {form.id!r} must be lower-case letters, digits and _")
    if not form.title.is_complete():
        fail(None, "title needs both id and en text")
    if not form.fields:
        fail(None, "a form needs at least one field")
    seen: dict[str, FieldDefinition] = {}
    for field in form.fields:
        name = field.name
        if not _SLUG.fullmatch(name):
            fail(name, "name must be lower-case letters, digits and _")
        if name in seen:
            fail(name, "this name is used twice")
        problem = _field_problem(field, seen)
        if problem:
            fail(name, problem)
        seen[name] = field
    check_cross_references(form, source)
    for step in form.steps:
        if not _SLUG.fullmatch(step.id):
            fail(None, f"step id {step.id!r} must be lower-case letters, digits and _")
    step_problem = form.step_problem()
    if step_problem is not None:
        fail(*step_problem)


def _field_problem(field: FieldDefinition, earlier: dict[str, FieldDefinition]) -> str | None:
    kind = field.type
    if not field.label.is_complete():
        return "label needs both id and en text"
    if bool(field.help.id.strip()) != bool(field.help.en.strip()):
        return "help must be given in both languages or in neither"
    if kind in CHOICE_TYPES:
        values = field.option_values()
        if not values:
            return f"a {kind} field needs options"
        if len(set(values)) != len(values):
            return "option values must be unique"
        if not all(
            value and option.label.is_complete()
            for value, option in zip(values, field.options, strict=True)
        ):
            return "every option needs a value and a label in both languages"
    elif field.options:
        return f"options are only for choice and multi_choice, not {kind}"
    if (field.min_length is not None or field.max_length is not None) and kind not in _LENGTH_TYPES:
        return f"min_length/max_length do not apply to {kind}"
    if (
        field.min_length is not None
        and field.max_length is not None
        and field.min_length > field.max_length
    ):
        return "min_length is larger than max_length"
    if (field.min_value is not None or field.max_value is not None) and kind != "number":
        return f"min_value/max_value apply to number only, not {kind}"
    if (
        field.min_value is not None
        and field.max_value is not None
        and field.min_value > field.max_value
    ):
        return "min_value is larger than max_value"
    if field.pattern is not None:
        if kind not in TEXT_TYPES | {"email"}:
            return f"pattern does not apply to {kind}"
        try:
            re.compile(field.pattern)
        except re.error as error:
            return f"pattern {field.pattern!r} is not a valid regular expression: {error}"
    if field.date_rule != "any" and kind != "date":
        return f"date_rule applies to date only, not {kind}"
    if field.uppercase and kind not in TEXT_TYPES:
        return f"uppercase applies to text, long_text, address and name only, not {kind}"
    if kind == "consent" and not field.required:
        return "a consent field must be required"
    return _visibility_problem(field, earlier) or _cross_check_problem(field, earlier)


def _visibility_problem(field: FieldDefinition, earlier: dict[str, FieldDefinition]) -> str | None:
    rule = field.visible_when
    if rule is None:
        return None
    target = earlier.get(rule.field)
    if target is None:
        return f"visible_when refers to {rule.field!r}, which is not an earlier field"
    if target.type == "choice":
        if rule.equals not in target.option_values():
            return f"visible_when value {rule.equals!r} is not an option of {rule.field!r}"
    elif target.type in BOOLEAN_TYPES:
        if not isinstance(rule.equals, bool):
            return f"visible_when on {rule.field!r} ({target.type}) needs true or false"
    else:
        return f"visible_when needs a choice or yes_no field, {rule.field!r} is {target.type}"
    return None


def _cross_check_problem(field: FieldDefinition, earlier: dict[str, FieldDefinition]) -> str | None:
    check = field.checks_nik_against
    if check is None:
        return None
    if field.type != "nik":
        return "checks_nik_against applies to nik fields only"
    return None  # the fields it names may come later: see check_cross_references


def check_cross_references(form: FormDefinition, source: str) -> None:
    """checks_nik_against must name a date field and an L/P choice field of the same form."""
    by_name = {field.name: field for field in form.fields}
    for field in form.fields:
        check = field.checks_nik_against
        if check is None:
            continue
        if check.birth_date is not None:
            target = by_name.get(check.birth_date)
            if target is None or target.type != "date":
                problem = f"checks_nik_against.birth_date {check.birth_date!r} is not a date field"
                raise FormDefinitionError(source, field.name, problem)
        if check.sex is not None:
            target = by_name.get(check.sex)
            if (
                target is None
                or target.type != "choice"
                or not set(target.option_values()) <= SEX_VALUES
            ):
                problem = (
                    f"checks_nik_against.sex {check.sex!r} is not a choice field with options L/P"
                )
                raise FormDefinitionError(source, field.name, problem)
