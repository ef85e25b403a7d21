"""Personal answers encrypted at rest with AES-GCM; the key lives outside the database file.

A kiosk in a market can be stolen: the database alone, or a backup of it, reveals no NIK.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1:"


class AnswerCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the answer key must be 32 bytes")
        self._aead = AESGCM(key)

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
        return cls(path.read_bytes())

    def encrypt(self, plaintext: str, record_id: str) -> str:
        nonce = secrets.token_bytes(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), record_id.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, stored: str, record_id: str) -> str:
        if not stored.startswith(PREFIX):
            raise ValueError("not an encrypted answer")
        raw = base64.b64decode(stored[len(PREFIX) :])
        return self._aead.decrypt(raw[:12], raw[12:], record_id.encode()).decode("utf-8")
