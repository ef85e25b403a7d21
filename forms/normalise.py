"""Cleaning free text the way a touchscreen keyboard (or a bad client) may send it.

Order matters for idempotency: drop invisible characters first, then fold case, then NFC,
then collapse whitespace — so cleaning an already clean text changes nothing.
"""

from __future__ import annotations

import unicodedata

# Cc control, Cf format (zero-width, bidi overrides), Cs lone surrogates: never stored.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
_KEPT_CONTROLS = frozenset("\n\t\r")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"})


def _drop_invisible(text: str, keep_newlines: bool) -> str:
    if text.isascii() and text.isprintable():
        return text
    out = []
    for char in text:
        if unicodedata.category(char) in _DROPPED_CATEGORIES:
            if char in _KEPT_CONTROLS:
                out.append("\n" if keep_newlines and char != "\t" else " ")
            continue
        out.append(char)
    return "".join(out)


def clean_line(text: str, *, uppercase: bool = False) -> str:
    """One line: invisible characters dropped, whitespace collapsed to single spaces."""
    text = _drop_invisible(text, keep_newlines=False)
    if uppercase:
        text = text.upper()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def clean_paragraphs(text: str, *, uppercase: bool = False) -> str:
    """Several lines: each line cleaned, blank lines removed."""
    text = _drop_invisible(text.replace("\r\n", "\n"), keep_newlines=True)
    if uppercase:
        text = text.upper()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_name(text: str, *, uppercase: bool = False) -> str:
    """A person's name: one line, typographic apostrophes made plain."""
    return clean_line(text.translate(_APOSTROPHES), uppercase=uppercase)


def printed_name(text: str) -> str:
    """A person's name as the receipt prints it and the review shows it before it is sent:
    cleaned as a name answer is, in capitals as on a KTP or KK (``budi  santoso`` ->
    ``BUDI SANTOSO``). The one rule for both, so the resident checks what the paper says."""
    return clean_name(text, uppercase=True)


def is_name(text: str) -> bool:
    """Letters of any script (with their marks), spaces, dots, apostrophes, hyphens."""
    has_letter = False
    for char in text:
        if char in " .'-":
            continue
        category = unicodedata.category(char)
        if category[0] == "L":
            has_letter = True
        elif category[0] != "M":
            return False
    return has_letter
