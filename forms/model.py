"""Form definitions: what a form asks, declared in JSON under resources/forms/."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from forms.text import EMPTY, LocalizedText

FieldType = Literal[
    "text",
    "long_text",
    "number",
    "date",
    "choice",
    "multi_choice",
    "yes_no",
    "consent",
    "nik",
    "kk",
    "phone",
    "email",
    "village",
    "address",
    "name",
]

FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]

# Types whose answers identify or reach a person: masked in logs, encrypted at rest.
SENSITIVE_TYPES: frozenset[str] = frozenset({"nik", "kk", "phone"})

TEXT_TYPES: frozenset[str] = frozenset({"text", "long_text", "address", "name"})
CHOICE_TYPES: frozenset[str] = frozenset({"choice", "multi_choice"})
BOOLEAN_TYPES: frozenset[str] = frozenset({"yes_no", "consent"})

# The NIK encodes sex as the day of birth (+40 for women); a sex field checked against a
# NIK must use these two values.
SEX_VALUES: frozenset[str] = frozenset({"L", "P"})


class Option(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: str
    label: LocalizedText


class VisibleWhen(BaseModel):
    """Show a field only when an earlier choice / yes-no field has this value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    equals: str | bool


class NikCrossCheck(BaseModel):
    """Names of fields in the same form that must agree with the NIK's encoded date and sex."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    birth_date: str | None = None
    sex: str | None = None


class FieldDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    type: FieldType
    label: LocalizedText
    help: LocalizedText = EMPTY
    required: bool = True
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    min_value: int | None = None
    max_value: int | None = None
    pattern: str | None = None
    options: tuple[Option, ...] = ()
    uppercase: bool = False
    date_rule: Literal["past", "future", "any"] = "any"
    visible_when: VisibleWhen | None = None
    sensitive: bool = False
    checks_nik_against: NikCrossCheck | None = None

    @model_validator(mode="before")
    @classmethod
    def _sensitive_by_type(cls, data: Any) -> Any:
        if isinstance(data, dict) and "sensitive" not in data:
            data = {**data, "sensitive": data.get("type") in SENSITIVE_TYPES}
        return data

    def option_values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


class FormStep(BaseModel):
    """A named part of a long form ("Data anak", "Data orang tua"): its questions, in order.

    Steps only group questions for the resident (the form screen's "Langkah 2 dari 5", the
    review's headings); validation and the stored answers do not know them.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: LocalizedText
    fields: tuple[str, ...]


class FormDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: int = Field(ge=1)
    title: LocalizedText
    description: LocalizedText = EMPTY
    fields: tuple[FieldDefinition, ...]
    #: Optional. When given, every field is in exactly one step and the steps follow the
    #: fields' order; a form without steps is asked as one run of questions.
    steps: tuple[FormStep, ...] = ()

    def field(self, name: str) -> FieldDefinition:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    def step_of(self, name: str) -> FormStep | None:
        """The step holding field ``name``; None for a form without steps."""
        for step in self.steps:
            if name in step.fields:
                return step
        return None

    def step_problem(self) -> tuple[str | None, str] | None:
        """What is wrong with the steps, as (field or None, problem), or None.

        Steps must name fields of this form, each field exactly once, in the form's order
        (the form is asked front to back, so a step never jumps back).
        """
        if not self.steps:
            return None
        names = [field.name for field in self.fields]
        known = set(names)
        home: dict[str, str] = {}
        step_ids: set[str] = set()
        listed: list[str] = []
        for step in self.steps:
            if step.id in step_ids:
                return None, f"step id {step.id!r} is used twice"
            step_ids.add(step.id)
            if not step.title.is_complete():
                return None, f"step {step.id!r}: title needs both id and en text"
            if not step.fields:
                return None, f"step {step.id!r} has no fields"
            for name in step.fields:
                if name not in known:
                    return (
                        None,
                        f"step {step.id!r} names {name!r}, which is not a field of this form",
                    )
                if name in home:
                    return (
                        name,
                        f"is in two steps, {home[name]!r} and {step.id!r}; a field belongs to one",
                    )
                home[name] = step.id
                listed.append(name)
        missing = [name for name in names if name not in home]
        if missing:
            return missing[0], "is in no step; when a form has steps, every field belongs to one"
        for name, expected in zip(listed, names, strict=True):
            if name != expected:
                return name, (
                    f"step {home[name]!r} lists {name!r} where the form's order has {expected!r}; "
                    "steps follow the fields' order"
                )
        return None

    @property
    def key(self) -> str:
        """`id.vN`, the name of the definition's file and of the answers' schema."""
        return f"{self.id}.v{self.version}"
