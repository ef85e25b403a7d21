"""Personal answers encrypted at rest with AES-256-GCM; the key lives outside the database file.

A kiosk in a market can be stolen: the database alone, or a backup of it, reveals no NIK.

Stored form: ``v1:`` + base64(12-byte nonce + ciphertext + 16-byte tag), the record's id as
associated data, so an answer copied onto another record does not decrypt. PyCryptodome does
the AES-GCM: it costs the bundle half a megabyte, where a general crypto toolkit cost twelve.
"""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from Crypto.Cipher import AES

from kiosk.store.db import StoreError

PREFIX = "v1:"
NONCE_BYTES = 12
TAG_BYTES = 16


class AnswerKeyError(StoreError):
    """The answers key file is unreadable or damaged. A new key is never made in its place:
    the answers stored under the old one would become unreadable."""


class AnswerCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the answer key must be 32 bytes")
        self._key = bytes(key)

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

    def _gcm(self, nonce: bytes, record_id: str):
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce, mac_len=TAG_BYTES)
        cipher.update(record_id.encode())
        return cipher

    def encrypt(self, plaintext: str, record_id: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed, tag = self._gcm(nonce, record_id).encrypt_and_digest(plaintext.encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed + tag).decode("ascii")

    @staticmethod
    def is_sealed(stored: str) -> bool:
        """True for text this cipher wrote (its ``v1:`` form), False for plain answers."""
        return stored.startswith(PREFIX)

    def decrypt(self, stored: str, record_id: str) -> str:
        """The plaintext; ValueError if it is not ours, was altered or belongs to another record."""
        if not stored.startswith(PREFIX):
            raise ValueError("not an encrypted answer")
        raw = base64.b64decode(stored[len(PREFIX) :], validate=True)
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise ValueError("encrypted answer too short")
        nonce, sealed, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        # decrypt_and_verify raises ValueError ("MAC check failed") on any mismatch
        return self._gcm(nonce, record_id).decrypt_and_verify(sealed, tag).decode("utf-8")
