"""Where the answers key is kept, and the rules that keep the stored answers readable.

Two places, chosen in the config (``[answer_key] store``):

* ``file`` — an owner-only file, ``<data>/keys/answers.key``. As safe as the disk under it:
  the deployment guides require full-disk encryption.
* ``systemd-creds`` — the key sealed by systemd (``systemd-creds --user encrypt``, bound to
  this machine's TPM2 and/or host secret and to the kiosk's user), in
  ``<data>/keys/answers.key.cred``; or handed in by the service manager
  (``LoadCredentialEncrypted=`` puts it in ``$CREDENTIALS_DIRECTORY``). A stolen disk or a
  copied data folder then holds no usable key.

Whatever the place, a key is made only when the database holds no encrypted answer: a new
key in place of a lost one would turn every unsent answer into noise. The key's id (a hash,
not the key) is kept in the database so that a missing key can be named and a wrong one
refused; ``kiosk-sync backup`` saves the key as ``answers-<kiosk id>-<key id>.key``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select

from kiosk.store.answer_cipher import PREFIX, AnswerCipher, AnswerKeyError
from kiosk.store.models import ServiceRequest
from kiosk.store.state import read_state, write_state
from kiosk.store.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)

KEY_BYTES = 32
CREDENTIAL_NAME = "ppp-kiosk-answers-key"
"""The name systemd embeds in the sealed key and checks when it unseals it."""
KEY_ID_STATE = "answers.key_id"
GUIDE = "admin guide, 'Backup'"


class AnswerKeyMissing(AnswerKeyError):
    """The key is gone while encrypted answers need it; a new one is never made then."""


class KeyStore(Protocol):
    """Where the answers key lives: read it, tell whether it is there, keep a new one."""

    def describe(self) -> str: ...
    def exists(self) -> bool: ...
    def read(self) -> bytes: ...
    def create(self, key: bytes) -> None: ...

    def confirm(self) -> None:
        """The key read is the database's: keep it for good (seal a plain copy, say)."""
        ...

    @property
    def restore_to(self) -> Path:
        """Where an admin puts back a saved key file (any store takes a plain one there)."""
        ...


def new_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)


def key_id(key: bytes) -> str:
    """Twelve hex digits naming a key without revealing it (a hash, never the key itself)."""
    return hashlib.sha256(b"ppp-kiosk answers key id\0" + key).hexdigest()[:12]


def key_backup_name(kiosk_id: str, key_or_id: bytes | str) -> str:
    kid = key_or_id if isinstance(key_or_id, str) else key_id(key_or_id)
    return f"answers-{kiosk_id}-{kid}.key"


def _checked(key: bytes, where: str) -> bytes:
    if len(key) != KEY_BYTES:
        raise AnswerKeyError(
            f"the answers key {where} is damaged ({len(key)} bytes, not {KEY_BYTES}): put "
            f"back the copy saved by `kiosk-sync backup` ({GUIDE})"
        )
    return key


def write_owner_only(path: Path, content: bytes) -> None:
    """Write a new file only its owner can read, durably; fails if it exists."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


@dataclass
class KeyFile:
    """The key in a plain owner-only file."""

    path: Path

    @property
    def restore_to(self) -> Path:
        return self.path

    def describe(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> bytes:
        try:
            key = self.path.read_bytes()
        except OSError as exc:
            raise AnswerKeyError(
                f"the answers key {self.path} cannot be read: {exc.strerror}"
            ) from exc
        return _checked(key, str(self.path))

    def create(self, key: bytes) -> None:
        write_owner_only(self.path, key)

    def confirm(self) -> None:
        pass


Runner = Callable[..., subprocess.CompletedProcess]


@dataclass
class SystemdCredential:
    """The key sealed with ``systemd-creds`` (systemd-creds(1)).

    Reads, in this order: ``$CREDENTIALS_DIRECTORY/ppp-kiosk-answers-key`` (the unit loaded
    it with ``LoadCredentialEncrypted=``); a plain key file (left from before, or put back
    by an admin from a backup, e.g. on a new machine), which is sealed and removed once it
    has proved to be the database's key (:meth:`confirm`); the sealed file, unsealed with
    ``systemd-creds --user decrypt``. ``--user`` (systemd 256 and
    newer) binds the key to the kiosk's user and this machine, so the unprivileged kiosk
    can seal and unseal it itself.
    """

    sealed: Path
    plain: Path
    executable: str = "systemd-creds"
    credentials_dir: Path | None = field(
        default_factory=lambda: (
            Path(os.environ["CREDENTIALS_DIRECTORY"])
            if os.environ.get("CREDENTIALS_DIRECTORY")
            else None
        )
    )
    run: Runner = subprocess.run

    @property
    def restore_to(self) -> Path:
        return self.plain  # sealed at the next start

    @property
    def _loaded(self) -> Path | None:
        if self.credentials_dir is None:
            return None
        path = self.credentials_dir / CREDENTIAL_NAME
        return path if path.exists() else None

    def describe(self) -> str:
        loaded = self._loaded
        return f"{loaded} (from the service manager)" if loaded else f"{self.sealed} (sealed)"

    def exists(self) -> bool:
        return self._loaded is not None or self.sealed.exists() or self.plain.exists()

    def read(self) -> bytes:
        loaded = self._loaded
        if loaded is not None:
            return _checked(loaded.read_bytes(), str(loaded))
        if self.plain.exists():
            return KeyFile(self.plain).read()
        return _checked(self._unseal(self.sealed), self.describe())

    def confirm(self) -> None:
        """Seal a plain key that proved right, in place of any sealed one; then remove it."""
        if self._loaded is not None or not self.plain.exists():
            return
        self.create(KeyFile(self.plain).read())
        self.plain.unlink()
        log.info("the answers key is now sealed by systemd-creds in %s", self.sealed)

    def create(self, key: bytes) -> None:
        self.sealed.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = self.sealed.with_name(self.sealed.name + ".new")
        staging.unlink(missing_ok=True)
        self._tool(["encrypt", "--user", f"--name={CREDENTIAL_NAME}", "-", str(staging)], key)
        os.chmod(staging, 0o600)
        if self._decrypt(staging) != key:  # never replace anything with a key we cannot read
            staging.unlink()
            raise AnswerKeyError(f"{self.executable} did not give back the key it sealed")
        os.replace(staging, self.sealed)

    def _decrypt(self, path: Path) -> bytes:
        return self._tool(["decrypt", "--user", f"--name={CREDENTIAL_NAME}", str(path), "-"])

    def _unseal(self, path: Path) -> bytes:
        try:
            return self._decrypt(path)
        except AnswerKeyError as exc:
            raise AnswerKeyError(
                f"{exc}. On another machine (or after a new TPM) a sealed key cannot be "
                f"opened: put the key saved by `kiosk-sync backup` as {self.plain}; it is "
                f"sealed again at the next start ({GUIDE})"
            ) from None

    def _tool(self, args: Sequence[str], stdin: bytes | None = None) -> bytes:
        try:
            done = self.run([self.executable, *args], input=stdin, capture_output=True, timeout=60)
        except FileNotFoundError:
            raise AnswerKeyError(
                f"answer_key.store is systemd-creds, but {self.executable!r} is not installed "
                "(systemd 256 or newer is needed to seal a key for the kiosk's user)"
            ) from None
        except subprocess.TimeoutExpired:
            raise AnswerKeyError(f"{self.executable} {args[0]} did not finish") from None
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            raise AnswerKeyError(
                f"{self.executable} {args[0]} of the answers key failed "
                f"({said[-1] if said else f'exit {done.returncode}'})"
            )
        return done.stdout


# -- opening the cipher: the rules ------------------------------------------------------


def _recorded_key_id(uow: UnitOfWorkFactory) -> str | None:
    with uow(read_only=True) as work:
        return read_state(work.session, KEY_ID_STATE)


def _encrypted_answers(uow: UnitOfWorkFactory) -> tuple[int, tuple[str, str] | None]:
    """How many encrypted answers the database holds, and one (id, answer) to try a key on.

    A scan of the requests: only when the key is missing or not the one on record.
    """
    with uow(read_only=True) as work:
        sealed = ServiceRequest.answers.like(PREFIX + "%")
        count = work.session.scalar(select(func.count()).where(sealed)) or 0
        row = work.session.execute(
            select(ServiceRequest.id, ServiceRequest.answers).where(sealed).limit(1)
        ).first()
        return count, (tuple(row) if row else None)


def _record_key_id(uow: UnitOfWorkFactory, kid: str) -> None:
    with uow() as work:
        write_state(work.session, KEY_ID_STATE, kid)
        work.commit()


def _missing(keys: KeyStore, count: int, kid: str | None, kiosk_id: str, backups: Path) -> str:
    name = key_backup_name(kiosk_id, kid) if kid else f"answers-{kiosk_id}-….key"
    found = sorted(backups.glob(name if kid else f"answers-{kiosk_id}-*.key"))
    where = (
        f"; found: {', '.join(str(p) for p in found)}"
        if found
        else " (kept apart from the database copies, e.g. on the admin's second USB stick)"
    )
    return (
        f"the answers key {keys.describe()} is missing, and the database holds {count} "
        f"encrypted answers that only that key opens. A new key is not made: those answers "
        f"would be lost. Put back the key saved by `kiosk-sync backup`, the file {name}{where}, "
        f"as {keys.restore_to} (owner-only: chmod 600), then start again ({GUIDE})."
    )


def open_answer_cipher(
    keys: KeyStore, uow: UnitOfWorkFactory, *, kiosk_id: str, backups: Path
) -> AnswerCipher:
    """The cipher for this kiosk's answers; a key is made only if no answer needs the old one.

    Raises :class:`AnswerKeyMissing` when the key is gone and answers need it, and
    :class:`AnswerKeyError` when the key is damaged or is not the one the answers were
    sealed with (another kiosk's, or a new one). The usual start reads the key and one row.
    """
    recorded = _recorded_key_id(uow)
    if not keys.exists():
        count, _sample = _encrypted_answers(uow)
        if count:
            raise AnswerKeyMissing(_missing(keys, count, recorded, kiosk_id, backups))
        key = new_key()
        keys.create(key)
        if recorded:
            log.warning("a new answers key was made: no stored answer needed the old one")
        _record_key_id(uow, key_id(key))
        return AnswerCipher(key)
    key = keys.read()
    cipher = AnswerCipher(key)
    kid = key_id(key)
    if recorded == kid:
        keys.confirm()
        return cipher
    count, sample = _encrypted_answers(uow)
    # A kiosk from before key ids were kept (none on record) lets its key prove itself.
    if count and (recorded is not None or not _opens(cipher, sample)):
        expected = f" (it should be {key_backup_name(kiosk_id, recorded)})" if recorded else ""
        raise AnswerKeyError(
            f"the answers key {keys.describe()} does not open the {count} encrypted answers "
            f"in the database: it is another kiosk's key or a new one{expected}. Put back "
            f"the key saved by `kiosk-sync backup` for this database ({GUIDE})."
        )
    _record_key_id(uow, kid)
    keys.confirm()
    return cipher


def _opens(cipher: AnswerCipher, sample: tuple[str, str] | None) -> bool:
    if sample is None:
        return False
    try:
        cipher.decrypt(sample[1], sample[0])
    except ValueError:
        return False
    return True


def save_key_backup(keys: KeyStore, folder: Path, kiosk_id: str) -> Path:
    """Copy the key, owner-only, into ``folder`` as ``answers-<kiosk>-<key id>.key``.

    The name holds the key's id, so the same key is saved once and a missing key can be
    found by name. Returns the file.
    """
    key = keys.read()
    target = folder / key_backup_name(kiosk_id, key)
    if target.exists():
        if target.read_bytes() == key:
            return target
        raise AnswerKeyError(f"{target} exists and holds another key; it is left as it is")
    write_owner_only(target, key)
    return target
