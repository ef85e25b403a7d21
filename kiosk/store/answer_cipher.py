"""Personal answers encrypted at rest with AES-256-GCM; the key lives outside the database file.

A kiosk in a market can be stolen: the database alone, or a backup of it, reveals no NIK.

Stored form: ``v1:`` + base64(12-byte nonce + ciphertext + 16-byte tag), the record's id as
associated data, so an answer copied onto another record does not decrypt. PyCryptodome does
the AES-GCM: it costs the bundle half a megabyte, where a general crypto toolkit cost twelve.
"""

from __future__ import annotations

import base64
import os
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
        """Read the key, making a new owner-only one the first time."""
        path = Path(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(secrets.token_bytes(32))
                handle.flush()
                os.fsync(handle.fileno())
        try:
            key = path.read_bytes()
        except OSError as exc:
            raise AnswerKeyError(f"the answers key {path} cannot be read: {exc.strerror}") from exc
        if len(key) != 32:
            raise AnswerKeyError(
                f"the answers key {path} is damaged ({len(key)} bytes, not 32): put back the "
                "copy kept apart from the backups (admin guide, 'Backup')"
            )
        return cls(key)

    def _gcm(self, nonce: bytes, record_id: str):
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce, mac_len=TAG_BYTES)
        cipher.update(record_id.encode())
        return cipher

    def encrypt(self, plaintext: str, record_id: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed, tag = self._gcm(nonce, record_id).encrypt_and_digest(plaintext.encode("utf-8"))
        return PREFIX + base64.b64encode(nonce + sealed + tag).decode("ascii")

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
