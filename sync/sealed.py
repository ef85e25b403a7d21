"""One record's text sealed with AES-256-GCM, bound to the record's id: what the kiosk keeps in
its store and what the server keeps at rest are sealed the same way, each with its own key
and its own prefix.

Sealed form: ``<prefix>`` + base64(12-byte random nonce + ciphertext + 16-byte tag), the
record's id as associated data, so a sealed value copied onto another record does not open.
PyCryptodome does the AES-GCM.
"""

from __future__ import annotations

import base64
import secrets

from Crypto.Cipher import AES

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16


class RecordSeal:
    """Seals and opens text under one 32-byte key; sealed values start with ``prefix``."""

    def __init__(self, key: bytes, prefix: str) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError("the key must be 32 bytes")
        self._key = bytes(key)
        self.prefix = prefix

    def _gcm(self, nonce: bytes, record_id: str):  # noqa: ANN202 - a PyCryptodome GCM object
        cipher = AES.new(self._key, AES.MODE_GCM, nonce=nonce, mac_len=TAG_BYTES)
        cipher.update(record_id.encode("utf-8"))
        return cipher

    def is_sealed(self, stored: object) -> bool:
        return isinstance(stored, str) and stored.startswith(self.prefix)

    def seal(self, plain: bytes, record_id: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed, tag = self._gcm(nonce, record_id).encrypt_and_digest(plain)
        return self.prefix + base64.b64encode(nonce + sealed + tag).decode("ascii")

    def open(self, stored: str, record_id: str) -> bytes:
        """The plain bytes; ValueError if not sealed by this key for this record, or altered."""
        if not self.is_sealed(stored):
            raise ValueError("not a sealed value")
        try:
            raw = base64.b64decode(stored[len(self.prefix) :], validate=True)
        except ValueError:
            raise ValueError("a sealed value that is not base64") from None
        if len(raw) < NONCE_BYTES + TAG_BYTES:
            raise ValueError("a sealed value too short")
        nonce, sealed, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
        # decrypt_and_verify raises ValueError ("MAC check failed") on any mismatch
        return self._gcm(nonce, record_id).decrypt_and_verify(sealed, tag)


__all__ = ["KEY_BYTES", "NONCE_BYTES", "TAG_BYTES", "RecordSeal"]
