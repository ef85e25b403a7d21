"""Residents' answers encrypted at rest on the server with AES-256-GCM; the key lives in a file
outside the database.

A copy of the database (a backup, a dump handed to someone for statistics) reveals no NIK
and no name: only a server given the answers key can read them, and only the staff pages
do, when a request is shown.

Stored form: the payload's ``answers`` value becomes ``sealed:v1:`` + base64(12-byte nonce +
ciphertext + 16-byte tag) of the answers' canonical JSON, the record's id as associated
data, so a sealed blob copied onto another row does not open (:class:`sync.sealed.RecordSeal`,
as the kiosk seals the answers in its store). Everything else in the
payload (service, ticket, tracking code, status secret) stays readable for the figures.

The key file holds the 32-byte key as 64 hex digits (``mpp-server new-answers-key PATH``
makes one, owner-only). A lost key loses every sealed answer: back it up apart from the
database.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.protocol import canonical_json
from sync.sealed import KEY_BYTES, RecordSeal

ENV_ANSWERS_KEY_FILE = "MPP_ANSWERS_KEY_FILE"
PREFIX = "sealed:v1:"
UNREADABLE = (
    "Jawaban tidak dapat dibaca dengan kunci server ini",
    "The answers cannot be read with this server's key",
)


class AnswersKeyError(ValueError):
    """The answers key file is missing, unreadable or not a key. A new key is never made in
    its place: the answers sealed under the old one would become unreadable."""


class AnswersCipher:
    def __init__(self, key: bytes) -> None:
        self._seal = RecordSeal(key, PREFIX)  # ValueError unless 32 bytes

    def seal(self, answers: Any, record_id: str) -> str:
        """The answers (any JSON value) as a sealed string bound to ``record_id``."""
        return self._seal.seal(canonical_json(answers), record_id)

    def open(self, stored: str, record_id: str) -> Any:
        """The answers; ValueError if not sealed by this key for this record, or altered."""
        return json.loads(self._seal.open(stored, record_id))


def is_sealed(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal_payload(payload: dict[str, Any], record_id: str, cipher: AnswersCipher | None) -> dict:
    """The payload to store: its ``answers`` sealed (a copy; the input is not changed).

    Without a cipher, or without answers (null, absent), the payload is stored as it came.
    """
    if cipher is None or payload.get("answers") is None:
        return payload
    return {**payload, "answers": cipher.seal(payload["answers"], record_id)}


@dataclass(frozen=True)
class ShownAnswers:
    answers: Any
    """The answers as the kiosk sent them, or None."""
    unreadable: bool = False
    """Sealed, and this server's key (or no key) cannot open them."""


def open_answers(
    payload: dict[str, Any], record_id: str, cipher: AnswersCipher | None
) -> ShownAnswers:
    """A stored payload's answers for a staff page: opened if sealed, as stored if not."""
    stored = payload.get("answers")
    if not is_sealed(stored):
        return ShownAnswers(stored)
    if cipher is None:
        return ShownAnswers(None, unreadable=True)
    try:
        return ShownAnswers(cipher.open(stored, record_id))
    except ValueError:  # another key, another row, altered bytes, bad JSON
        return ShownAnswers(None, unreadable=True)


def new_key_file(path: Path) -> None:
    """Write a new random key to ``path``, owner-only; never over an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_bytes(KEY_BYTES).hex() + "\n")
        out.flush()
        os.fsync(out.fileno())


def read_key_file(path: Path) -> AnswersCipher:
    try:
        text = Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersKeyError(f"the answers key {path} cannot be read: {exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise AnswersKeyError(
            f"the answers key {path} is not a key (64 hex digits, from mpp-server new-answers-key)"
        )
    return AnswersCipher(key)


__all__ = [
    "ENV_ANSWERS_KEY_FILE",
    "UNREADABLE",
    "AnswersCipher",
    "AnswersKeyError",
    "ShownAnswers",
    "is_sealed",
    "new_key_file",
    "open_answers",
    "read_key_file",
    "seal_payload",
]
