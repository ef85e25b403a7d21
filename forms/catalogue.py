"""The service catalogue: categories, services, their forms and the outposts' villages."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from forms.definitions import FormDefinitionError, form_from_data, read_json
from forms.model import FormDefinition
from forms.text import EMPTY, LocalizedText

_ICON = re.compile(r"[a-z][a-z0-9-]*")
_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
_VILLAGE_CODE = re.compile(r"35\.10\.\d{2}\.[12]\d{3}")
_FORM_FILE = re.compile(r"[a-z][a-z0-9_]*\.v\d+\.json")


class CatalogueError(FormDefinitionError):
    """The catalogue or villages file is broken; names the file, the entry and the problem."""


class Category(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: LocalizedText
    icon: str


class Service(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    queue_letter: str = Field(pattern=r"^[A-Z]$")
    name: LocalizedText
    category: str
    documents: tuple[LocalizedText, ...]
    estimated_minutes: int = Field(ge=1, le=480)
    counter: str
    form_id: str | None
    icon: str
    description: LocalizedText = EMPTY
    agency: LocalizedText = EMPTY


class Village(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    name: str
    kind: Literal["desa", "kelurahan"]


class Catalogue(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    categories: tuple[Category, ...]
    services: tuple[Service, ...]
    villages: dict[str, tuple[Village, ...]]
    forms: dict[str, dict[int, FormDefinition]] = Field(default_factory=dict, repr=False)

    def service(self, code: str) -> Service:
        for service in self.services:
            if service.code == code:
                return service
        raise KeyError(code)

    def category(self, code: str) -> Category:
        for category in self.categories:
            if category.code == code:
                return category
        raise KeyError(code)

    def counters(self) -> list[str]:
        """Every counter (loket) a service is served at, in the hall's order: 1, 2 … 10, then
        any named counter by name."""
        names = {service.counter for service in self.services}
        return sorted(names, key=lambda c: (int(c), c) if c.isdigit() else (10**6, c))

    def services_in(self, category_code: str) -> list[Service]:
        return [service for service in self.services if service.category == category_code]

    def form(self, form_id: str, version: int | None = None) -> FormDefinition:
        """The latest version of a form, or the version asked for (older ones stay loadable)."""
        versions = self.forms[form_id]
        return versions[max(versions) if version is None else version]

    def form_for(self, service: Service) -> FormDefinition | None:
        return None if service.form_id is None else self.form(service.form_id)

    def villages_of(self, outpost: str) -> list[Village]:
        return list(self.villages[outpost])


def default_root() -> Traversable:
    return files("resources")


@lru_cache(maxsize=8)
def load_catalogue(root: Traversable | Path | None = None) -> Catalogue:
    """The catalogue under `root` (default: the bundled resources package), checked whole.

    Cached per root; `load_catalogue.cache_clear()` after a catalogue pull.
    """
    base = default_root() if root is None else root
    forms = _load_forms(base / "forms")
    catalogue_file = base / "catalogue.json"
    villages_file = base / "villages.json"
    data = read_json(catalogue_file)
    village_data = read_json(villages_file)
    if not isinstance(data, dict) or not isinstance(village_data, dict):
        raise CatalogueError(str(catalogue_file), None, "must be a JSON object")
    villages = _villages(village_data, str(villages_file))
    try:
        catalogue = Catalogue.model_validate(
            {
                "version": data.get("version"),
                "categories": data.get("categories"),
                "services": data.get("services"),
                "villages": villages,
                "forms": forms,
            }
        )
    except ValidationError as error:
        raise CatalogueError(str(catalogue_file), *_describe(error, data)) from None
    _check_catalogue(catalogue, str(catalogue_file))
    return catalogue


def _load_forms(folder: Traversable | Path) -> dict[str, dict[int, FormDefinition]]:
    forms: dict[str, dict[int, FormDefinition]] = {}
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if not entry.name.endswith(".json"):
            continue
        source = str(entry)
        if not _FORM_FILE.fullmatch(entry.name):
            raise FormDefinitionError(source, None, "file name must be <form id>.v<version>.json")
        form = form_from_data(read_json(entry), source=source)
        if entry.name != f"{form.key}.json":
            raise FormDefinitionError(source, None, f"file name does not match {form.key}")
        forms.setdefault(form.id, {})[form.version] = form
    return forms


def _villages(data: dict[str, Any], source: str) -> dict[str, list[dict[str, Any]]]:
    outposts = data.get("outposts")
    if not isinstance(outposts, dict) or not outposts:
        raise CatalogueError(source, None, "needs an 'outposts' object")
    result: dict[str, list[dict[str, Any]]] = {}
    for slug, outpost in outposts.items():
        entries = outpost.get("villages") if isinstance(outpost, dict) else None
        if not isinstance(entries, list) or not entries:
            raise CatalogueError(source, slug, "needs a non-empty 'villages' list")
        result[slug] = entries
    return result


def _describe(error: ValidationError, data: dict[str, Any]) -> tuple[str | None, str]:
    first = error.errors()[0]
    loc = list(first["loc"])
    entry: str | None = None
    if len(loc) >= 2 and loc[0] in ("services", "categories") and isinstance(loc[1], int):
        raw = data.get(loc[0])
        item = raw[loc[1]] if isinstance(raw, list) and loc[1] < len(raw) else None
        code = item.get("code") if isinstance(item, dict) else None
        entry = code if isinstance(code, str) else f"{loc[0]}[{loc[1]}]"
        loc = loc[2:]
    elif len(loc) >= 2 and loc[0] == "villages":
        entry = f"villages of {loc[1]}"
        loc = loc[2:]
    where = ".".join(str(part) for part in loc) or "entry"
    return entry, f"{where}: {first['msg']}"


def _check_catalogue(catalogue: Catalogue, source: str) -> None:
    def fail(entry: str | None, problem: str) -> None:
        raise CatalogueError(source, entry, problem)

    if not re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", catalogue.version):
        fail(None, f"version {catalogue.version!r} must look like 2026.11.1")
    category_codes = [category.code for category in catalogue.categories]
    if len(set(category_codes)) != len(category_codes):
        fail(None, "category codes must be unique")
    for category in catalogue.categories:
        if not category.name.is_complete():
            fail(category.code, "name needs both id and en text")
        if not _ICON.fullmatch(category.icon):
            fail(category.code, f"icon {category.icon!r} must be a short ascii slug")
    codes: set[str] = set()
    letters: dict[str, str] = {}
    for service in catalogue.services:
        code = service.code
        if not _CODE.fullmatch(code) or code in codes:
            fail(code, "service codes must be unique upper-case identifiers")
        codes.add(code)
        if service.queue_letter in letters:
            fail(
                code,
                f"queue letter {service.queue_letter} is already {letters[service.queue_letter]}'s",
            )
        letters[service.queue_letter] = code
        if service.category not in category_codes:
            fail(code, f"unknown category {service.category!r}")
        if not all(text.is_complete() for text in (service.name, *service.documents)):
            fail(code, "name and every document need both id and en text")
        for optional in (service.description, service.agency):
            if optional != EMPTY and not optional.is_complete():
                fail(code, "description and agency need both id and en text, or neither")
        if not service.counter.strip():
            fail(code, "counter (loket) is empty")
        if not _ICON.fullmatch(service.icon):
            fail(code, f"icon {service.icon!r} must be a short ascii slug")
        if service.form_id is not None and service.form_id not in catalogue.forms:
            fail(code, f"form {service.form_id!r} has no file under forms/")
    for outpost, villages in catalogue.villages.items():
        village_codes = [village.code for village in villages]
        if len(set(village_codes)) != len(village_codes):
            fail(f"villages of {outpost}", "village codes must be unique")
        for village in villages:
            if not _VILLAGE_CODE.fullmatch(village.code):
                fail(f"villages of {outpost}", f"{village.code!r} is not a Banyuwangi village code")
            expected = "kelurahan" if village.code[9] == "1" else "desa"
            if village.kind != expected:
                fail(f"villages of {outpost}", f"{village.code} is a {expected} by its code")
