"""Declarative forms for the PPP Kiosk: definitions, the service catalogue, validation.

Imports no Qt: the kiosk, the sync worker and the reference server all use it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Where each public name lives. They are loaded on first use (PEP 562), so a module that
# needs only a small piece (``forms.wib`` at the kiosk's start) does not pay for pydantic,
# the phone-number tables and the catalogue.
_HOMES = {
    "Catalogue": "forms.catalogue",
    "CatalogueError": "forms.catalogue",
    "Category": "forms.catalogue",
    "FIELD_TYPES": "forms.model",
    "FORM_ERROR_KEY": "forms.validation",
    "FieldDefinition": "forms.model",
    "FieldError": "forms.validation",
    "FormDefinition": "forms.model",
    "FormDefinitionError": "forms.definitions",
    "LocalizedText": "forms.text",
    "NikCrossCheck": "forms.model",
    "Option": "forms.model",
    "SENSITIVE_TYPES": "forms.model",
    "Service": "forms.catalogue",
    "ValidationFailed": "forms.validation",
    "Village": "forms.catalogue",
    "VisibleWhen": "forms.model",
    "form_from_data": "forms.definitions",
    "is_visible": "forms.validation",
    "load_catalogue": "forms.catalogue",
    "load_form": "forms.definitions",
    "mask_nik": "forms.identity",
    "validate_answers": "forms.validation",
}

if TYPE_CHECKING:
    from forms.catalogue import (
        Catalogue,
        CatalogueError,
        Category,
        Service,
        Village,
        load_catalogue,
    )
    from forms.definitions import FormDefinitionError, form_from_data, load_form
    from forms.identity import mask_nik
    from forms.model import (
        FIELD_TYPES,
        SENSITIVE_TYPES,
        FieldDefinition,
        FormDefinition,
        NikCrossCheck,
        Option,
        VisibleWhen,
    )
    from forms.text import LocalizedText
    from forms.validation import (
        FORM_ERROR_KEY,
        FieldError,
        ValidationFailed,
        is_visible,
        validate_answers,
    )


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'forms' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "FIELD_TYPES",
    "FORM_ERROR_KEY",
    "SENSITIVE_TYPES",
    "Catalogue",
    "CatalogueError",
    "Category",
    "FieldDefinition",
    "FieldError",
    "FormDefinition",
    "FormDefinitionError",
    "LocalizedText",
    "NikCrossCheck",
    "Option",
    "Service",
    "ValidationFailed",
    "Village",
    "VisibleWhen",
    "form_from_data",
    "is_visible",
    "load_catalogue",
    "load_form",
    "mask_nik",
    "validate_answers",
]
