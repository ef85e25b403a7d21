"""The catalogue the server hands out, and the server-side check of each request's answers."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from functools import cached_property
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from forms.wib import WIB
from sync.protocol import REASON_UNKNOWN_FORM, Catalog, Record, canonical_json

if TYPE_CHECKING:
    from forms import FormDefinition, Village


def default_catalog_root() -> Traversable:
    return files("resources")


class CatalogSource:
    """Reads a catalogue folder (``catalogue.json``, ``villages.json``, ``forms/``) once.

    The folder is configuration, not state: every server process reading the same folder
    answers the same catalogue and the same ETag.
    """

    def __init__(self, root: Traversable | Path | None = None) -> None:
        self.root = default_catalog_root() if root is None else root

    @cached_property
    def catalog(self) -> Catalog:
        files_: dict[str, Any] = {}
        for name in ("catalogue.json", "villages.json"):
            files_[name] = json.loads((self.root / name).read_text(encoding="utf-8"))
        forms = self.root / "forms"
        for entry in sorted(forms.iterdir(), key=lambda item: item.name):
            if entry.name.endswith(".json"):
                files_[f"forms/{entry.name}"] = json.loads(entry.read_text(encoding="utf-8"))
        return Catalog(version=str(files_["catalogue.json"].get("version", "")), files=files_)

    @cached_property
    def outposts(self) -> frozenset[str]:
        """The outposts this catalogue has villages for: the ones a kiosk may belong to.

        Read from ``villages.json`` alone, so ``mpp-server add-kiosk`` does not load forms.
        """
        villages = json.loads((self.root / "villages.json").read_text(encoding="utf-8"))
        return frozenset(villages.get("outposts", {}))

    @cached_property
    def etag(self) -> str:
        return '"' + hashlib.sha256(canonical_json(self.catalog.files)).hexdigest()[:32] + '"'

    @cached_property
    def _catalogue(self) -> Any:  # forms.Catalogue
        from forms import load_catalogue

        return load_catalogue(self.root)

    def form(self, form_id: str | None, version: int | None) -> FormDefinition | None:
        """The form version a record names, or None when this catalogue does not hold it
        (an older kiosk's, a retired form, a record without a form)."""
        if form_id is None or version is None:
            return None
        try:
            return self._catalogue.form(form_id, version)
        except KeyError:
            return None

    @cached_property
    def villages(self) -> dict[str, Village]:
        """Every outpost's villages by code (a village code is unique across Indonesia)."""
        return {
            village.code: village
            for villages in self._catalogue.villages.values()
            for village in villages
        }

    def validate(self, record: Record) -> str | None:
        """Why a service request's answers are refused by its form version, or None."""
        if record.kind != "service_request":
            return None
        from forms import ValidationFailed, validate_answers

        catalogue = self._catalogue
        try:
            form = catalogue.form(record.form_id, record.form_version)
        except KeyError:
            return REASON_UNKNOWN_FORM
        answers = record.payload.get("answers")
        if not isinstance(answers, dict):
            return 'invalid_answers: {"__form__": "invalid_answers"}'
        villages = catalogue.villages.get(record.outpost)
        today: date = record.created_at.astimezone(WIB).date()
        try:
            validate_answers(form, answers, today=today, villages=villages)
        except ValidationFailed as failed:
            codes = {name: error.code for name, error in failed.errors.items()}
            return "invalid_answers: " + json.dumps(codes, sort_keys=True)
        return None
