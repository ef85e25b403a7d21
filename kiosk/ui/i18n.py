"""Every string a resident, operator or admin sees, in Bahasa Indonesia and English.

Strings live in ``resources/i18n/<area>.<lang>.json`` (flat ``key: text`` maps with
``{placeholder}`` fields); each area's two files must hold the same keys with the same
placeholders, which a test checks. ``tr("home.title")`` looks a key up in the current
language; a missing key shows the key itself (and the test fails long before that).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib.resources import files

LANGUAGES = ("id", "en")
_current = "id"
_listeners: list[Callable[[str], None]] = []


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for entry in sorted(files("resources").joinpath("i18n").iterdir(), key=lambda e: e.name):
        name = entry.name
        if name.endswith(f".{language}.json"):
            merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def current_language() -> str:
    return _current


def set_language(language: str) -> None:
    global _current
    if language not in LANGUAGES:
        raise ValueError(language)
    if language != _current:
        _current = language
        for listener in list(_listeners):
            listener(language)


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def tr(key: str, /, language: str | None = None, **fields: object) -> str:
    """The text of ``key`` in the current language, its ``{fields}`` filled in.

    With ``count=1`` the key's ``.one`` form is used where there is one ("1 person is
    waiting", not "1 people"); Indonesian has the same words for both.
    """
    texts = catalog(language or _current)
    if fields.get("count") == 1 and f"{key}.one" in texts:
        key = f"{key}.one"
    text = texts.get(key, key)
    return text.format(**fields) if fields else text


def pick(text: object, language: str | None = None) -> str:
    """The current language's side of a bilingual value (``.id``/``.en``)."""
    lang = language or _current
    return str(getattr(text, lang, None) or getattr(text, "id", text))
