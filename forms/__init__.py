"""Declarative forms for the PPP Kiosk: definitions, the service catalogue, validation.

Imports no Qt: the kiosk, the sync worker and the reference server all use it.
"""

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
from forms.validation import FORM_ERROR_KEY, FieldError, ValidationFailed, validate_answers

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
    "load_catalogue",
    "load_form",
    "mask_nik",
    "validate_answers",
]
