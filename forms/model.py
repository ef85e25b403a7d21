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


class FormDefinition(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: int = Field(ge=1)
    title: LocalizedText
    description: LocalizedText = EMPTY
    fields: tuple[FieldDefinition, ...]

    def field(self, name: str) -> FieldDefinition:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)

    @property
    def key(self) -> str:
        """`id.vN`, the name of the definition's file and of the answers' schema."""
        return f"{self.id}.v{self.version}"
