"""Personal answers encrypted at rest with AES-256-GCM; the key lives outside the database file.

A kiosk in a market can be stolen: the database alone, or a backup of it, reveals no NIK.

Stored form: ``v1:`` + base64(12-byte nonce + ciphertext + 16-byte tag), the record's id as
associated data, so an answer copied onto another record does not decrypt
(:class:`sync.sealed.RecordSeal`, which the server's answers at rest use too). PyCryptodome
does the AES-GCM: it costs the bundle half a megabyte, where a general crypto toolkit cost
twelve.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.store.db import StoreError
from sync.sealed import RecordSeal

PREFIX = "v1:"


class AnswerKeyError(StoreError):
    """The answers key file is unreadable or damaged. A new key is never made in its place:
    the answers stored under the old one would become unreadable."""


class AnswerCipher:
    def __init__(self, key: bytes) -> None:
        self._seal = RecordSeal(key, PREFIX)  # ValueError unless 32 bytes

    @classmethod
    def from_key_file(cls, path: Path) -> AnswerCipher:
        """Read a key file, making a new owner-only one if there is none: for tools and tests.

        The kiosk opens its key through :func:`kiosk.store.answer_key.open_answer_cipher`,
        which never makes a key while stored answers need the old one.
        """
        from kiosk.store.answer_key import KeyFile, new_key

        keys = KeyFile(Path(path))
        if not keys.exists():
            keys.create(new_key())
        return cls(keys.read())

    def encrypt(self, plaintext: str, record_id: str) -> str:
        return self._seal.seal(plaintext.encode("utf-8"), record_id)

    @staticmethod
    def is_sealed(stored: str) -> bool:
        """True for text this cipher wrote (its ``v1:`` form), False for plain answers."""
        return stored.startswith(PREFIX)

    def decrypt(self, stored: str, record_id: str) -> str:
        """The plaintext; ValueError if it is not ours, was altered or belongs to another record."""
        return self._seal.open(stored, record_id).decode("utf-8")
