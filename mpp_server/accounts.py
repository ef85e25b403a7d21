"""Who may set statuses: staff users (passwords, sessions, lockout), back-office clients
(tokens), and the audit log every change and sign-in is written to.

Passwords are kept as scrypt hashes with a per-user salt; session and client tokens are
256-bit random strings kept as their sha256, like the kiosks' tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from mpp_server.db import hash_token, stored_utc
from mpp_server.models import AuditEntry, BackOfficeClient, StaffSession, StaffUser

Role = Literal["officer", "admin"]
ROLES: tuple[Role, ...] = ("officer", "admin")
MIN_PASSWORD = 10
MAX_FAILED_SIGNINS = 5
LOCKOUT = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=10)
"""A working day: staff sign in once a morning."""

ACCOUNT_DISABLED = "account disabled"
AMBIGUOUS_NAME = "ambiguous name"
"""The details of a failed sign-in by a disabled account, and by a name that matches several
users (letter case aside); the audit page words them (mpp_server.pages)."""

_NAME = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AccountError(ValueError):
    """An account command refused; nothing changed. ``str()`` says why in words an admin can
    act on at the command line; ``words`` says it (Indonesian, English) on the staff pages."""

    def __init__(self, message: str, words: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.words = words or (message, message)


class WrongPassword(AccountError):
    """The current password given to change it was wrong (counted like a failed sign-in)."""

    def __init__(self) -> None:
        super().__init__(
            "the current password is wrong; nothing changed",
            ("Kata sandi saat ini salah", "The current password is wrong"),
        )


@dataclass(frozen=True)
class AccountActor:
    """Who changes an account, as the audit log names them: a signed-in admin on the staff
    pages (kind ``staff``) or the server's command line (:data:`CLI`)."""

    kind: Literal["staff", "admin"]
    name: str


CLI = AccountActor("admin", "cli")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)


_DUMMY_HASH = hash_password(secrets.token_hex(8))
"""Checked against for an unknown name, so a wrong name takes as long as a wrong password."""


def _check_name(name: str) -> None:
    """A staff user's or a back-office client's name: AccountError unless usable."""
    if not _NAME.fullmatch(name):
        raise AccountError(
            f"{name!r} is not a usable name: 2 to 64 letters, digits, '.', '_', '@' or '-'"
        )


def add_staff(engine: Engine, name: str, role: str, password: str) -> None:
    _check_name(name)
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: officer or admin")
    password_hash = _new_password_hash(password, password)
    with Session(engine) as session, session.begin():
        if existing := _staff_like(session, name):
            raise AccountError(f"staff user {existing[0].name} already exists; nothing changed")
        now = datetime.now(UTC)
        session.add(
            StaffUser(
                name=name,
                role=role,
                password_hash=password_hash,
                active=True,
                failed_signins=0,
                created_at=now,
            )
        )
        audit(session, now, "admin", "cli", "add_staff", detail=f"{name} ({role})")


def add_backoffice(engine: Engine, name: str) -> str:
    """A new back-office client; its token is returned once, only its hash is kept."""
    _check_name(name)
    token = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        if session.get(BackOfficeClient, name) is not None:
            raise AccountError(
                f"back-office client {name} already exists; nothing changed. To give it a new "
                f"token run `mpp-server rotate-backoffice {name}`"
            )
        now = datetime.now(UTC)
        session.add(
            BackOfficeClient(name=name, token_hash=hash_token(token), active=True, created_at=now)
        )
        audit(session, now, "admin", "cli", "add_backoffice", detail=name)
    return token


def _backoffice_named(session: Session, name: str) -> BackOfficeClient:
    client = session.get(BackOfficeClient, name[:64])
    if client is None:
        raise AccountError(
            f"no back-office client {name!r} (`mpp-server list-backoffice`); nothing changed"
        )
    return client


def revoke_backoffice(engine: Engine, actor: AccountActor, name: str, *, now: datetime) -> bool:
    """Its token stops working at once; False if it was revoked already (nothing changed)."""
    with Session(engine) as session, session.begin():
        client = _backoffice_named(session, name)
        if not client.active:
            return False
        client.active = False
        audit(session, now, actor.kind, actor.name, "revoke_backoffice", detail=client.name)
        return True


def rotate_backoffice(engine: Engine, actor: AccountActor, name: str, *, now: datetime) -> str:
    """A new token for a client (returned once, only its hash kept); the old one stops
    working, and a revoked client is active again."""
    token = secrets.token_urlsafe(32)
    with Session(engine) as session, session.begin():
        client = _backoffice_named(session, name)
        client.token_hash, client.active = hash_token(token), True
        audit(session, now, actor.kind, actor.name, "rotate_backoffice", detail=client.name)
    return token


@dataclass(frozen=True)
class BackOfficeRow:
    name: str
    active: bool
    created_at: datetime


def list_backoffice(engine: Engine) -> list[BackOfficeRow]:
    with Session(engine) as session:
        clients = session.scalars(select(BackOfficeClient).order_by(BackOfficeClient.name))
        return [BackOfficeRow(c.name, c.active, c.created_at) for c in clients]


def find_backoffice(session: Session, token: str) -> BackOfficeClient | None:
    return session.scalars(
        select(BackOfficeClient).where(
            BackOfficeClient.token_hash == hash_token(token), BackOfficeClient.active.is_(True)
        )
    ).first()


def audit(
    session: Session,
    at: datetime,
    actor_kind: str,
    actor: str,
    action: str,
    *,
    request_id: str | None = None,
    detail: str | None = None,
    address: str | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            actor_kind=actor_kind,
            actor=actor[:64],
            action=action,
            request_id=request_id,
            detail=detail,
            address=(address or "")[:64] or None,
        )
    )


@dataclass(frozen=True)
class SignedIn:
    user_id: int
    name: str
    role: str
    csrf_token: str

    @property
    def admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class SignInResult:
    token: str | None = None
    locked_until: datetime | None = None


def _aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else stored_utc(moment)


def sign_in(
    engine: Engine, name: str, password: str, *, address: str | None, now: datetime
) -> SignInResult:
    """A new session token, or none. The name is matched letter case aside (a name several
    users share that way signs nobody in). After MAX_FAILED_SIGNINS wrong passwords in a row
    the account is locked for LOCKOUT (even the right password is refused meanwhile)."""
    with Session(engine) as session, session.begin():
        found = _staff_like(session, name)
        user = found[0] if len(found) == 1 else None
        if user is None or not user.active:
            check_password(password, _DUMMY_HASH)
            detail = (
                ACCOUNT_DISABLED if user is not None
                else AMBIGUOUS_NAME if found
                else None
            )  # fmt: skip
            actor = user.name if user is not None else name[:64] or "-"
            audit(session, now, "staff", actor, "sign_in_failed", detail=detail, address=address)
            return SignInResult()
        locked = _aware(user.locked_until)
        if locked is not None and locked > now:
            audit(session, now, "staff", user.name, "sign_in_locked", address=address)
            return SignInResult(locked_until=locked)
        if not check_password(password, user.password_hash):
            user.failed_signins += 1
            detail = f"{user.failed_signins} in a row"
            if user.failed_signins >= MAX_FAILED_SIGNINS:
                user.locked_until = now + LOCKOUT
                user.failed_signins = 0
                audit(session, now, "staff", user.name, "locked", detail=detail, address=address)
                return SignInResult(locked_until=user.locked_until)
            audit(
                session, now, "staff", user.name, "sign_in_failed", detail=detail, address=address
            )
            return SignInResult()
        user.failed_signins, user.locked_until = 0, None
        token = secrets.token_urlsafe(32)
        session.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        session.add(
            StaffSession(
                token_hash=hash_token(token),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(24),
                created_at=now,
                expires_at=now + SESSION_LIFETIME,
            )
        )
        audit(session, now, "staff", user.name, "sign_in", address=address)
        return SignInResult(token=token)


def session_user(engine: Engine, token: str | None, now: datetime) -> SignedIn | None:
    if not token:
        return None
    with Session(engine) as session:
        row = session.execute(
            select(StaffSession, StaffUser)
            .join(StaffUser, StaffUser.id == StaffSession.user_id)
            .where(StaffSession.token_hash == hash_token(token))
        ).first()
        if row is None:
            return None
        staff_session, user = row
        if _aware(staff_session.expires_at) <= now or not user.active:  # type: ignore[operator]
            return None
        return SignedIn(user.id, user.name, user.role, staff_session.csrf_token)


def sign_out(engine: Engine, token: str | None, *, address: str | None, now: datetime) -> None:
    if not token:
        return
    with Session(engine) as session, session.begin():
        row = session.get(StaffSession, hash_token(token))
        if row is None:
            return
        user = session.get(StaffUser, row.user_id)
        session.delete(row)
        audit(session, now, "staff", user.name if user else "-", "sign_out", address=address)


def _new_password_hash(new: str, again: str) -> str:
    """The hash of a new password typed twice, or AccountError: the one home of these rules."""
    if new != again:
        raise AccountError(
            "the two new passwords differ; nothing changed",
            ("Kedua kata sandi baru tidak sama", "The two new passwords differ"),
        )
    if len(new) < MIN_PASSWORD:
        raise AccountError(
            f"the password needs at least {MIN_PASSWORD} characters",
            (
                f"Kata sandi baru paling sedikit {MIN_PASSWORD} karakter",
                f"The new password needs at least {MIN_PASSWORD} characters",
            ),
        )
    return hash_password(new)


def _staff_like(session: Session, name: str) -> list[StaffUser]:
    """The staff users named ``name``, letter case aside (as the kiosk's operators are):
    one, none, or — in a database from before this rule — several."""
    if not name.isascii():  # stored names are ASCII; keep str.lower's Unicode folds out
        return []
    return list(
        session.scalars(
            select(StaffUser).where(func.lower(StaffUser.name) == name[:64].lower())
        ).all()
    )


def _staff_named(session: Session, name: str) -> StaffUser:
    found = _staff_like(session, name)
    if not found:
        raise AccountError(
            f"no staff user {name!r}; nothing changed",
            (f"Tidak ada petugas bernama {name}", f"No staff user named {name}"),
        )
    if len(found) > 1:
        spellings = ", ".join(sorted(user.name for user in found))
        raise AccountError(
            f"the staff name {name!r} is ambiguous: {spellings} differ only in letter case; "
            "nothing changed",
            (
                f"Nama {name} ganda: {spellings} hanya berbeda huruf besar/kecil",
                f"The name {name} is ambiguous: {spellings} differ only in letter case",
            ),
        )
    return found[0]


def _end_sessions(session: Session, user_id: int, *, keep_token: str | None = None) -> None:
    query = delete(StaffSession).where(StaffSession.user_id == user_id)
    if keep_token:
        query = query.where(StaffSession.token_hash != hash_token(keep_token))
    session.execute(query)


def change_password(
    engine: Engine,
    user_id: int,
    current: str,
    new: str,
    again: str,
    *,
    keep_token: str | None,
    address: str | None,
    now: datetime,
) -> None:
    """A signed-in user's own new password. Every other session of theirs ends (one left
    open elsewhere, perhaps by whoever learnt the old password); ``keep_token``'s stays.
    A wrong ``current`` raises WrongPassword and is audited, nothing else changes."""
    new_hash = _new_password_hash(new, again)
    with Session(engine) as session, session.begin():
        user = session.get(StaffUser, user_id)
        if user is None or not user.active:
            raise AccountError(
                "this account is disabled; nothing changed",
                ("Akun ini nonaktif", "This account is disabled"),
            )
        wrong = not check_password(current, user.password_hash)
        if wrong:
            audit(session, now, "staff", user.name, "password_change_failed", address=address)
        else:
            user.password_hash = new_hash
            _end_sessions(session, user.id, keep_token=keep_token)
            audit(session, now, "staff", user.name, "password_changed", address=address)
    if wrong:  # raised once the audit row is committed
        raise WrongPassword()


def reset_password(
    engine: Engine,
    actor: AccountActor,
    name: str,
    new: str,
    again: str,
    *,
    address: str | None = None,
    now: datetime,
) -> None:
    """An admin's new password for someone (forgotten, or seen by another): all their
    sessions end and a lockout is lifted, so they sign in with it at once."""
    new_hash = _new_password_hash(new, again)
    with Session(engine) as session, session.begin():
        user = _staff_named(session, name)
        user.password_hash = new_hash
        user.failed_signins, user.locked_until = 0, None
        _end_sessions(session, user.id)
        audit(
            session, now, actor.kind, actor.name, "password_reset", detail=user.name,
            address=address,
        )  # fmt: skip


def set_active(
    engine: Engine,
    actor: AccountActor,
    name: str,
    active: bool,
    *,
    address: str | None = None,
    now: datetime,
) -> None:
    """Enable or disable a staff user. Disabling ends all their sessions at once; an admin
    cannot disable themself, and the last active admin stays (else nobody could sign in
    to keep the accounts)."""
    with Session(engine) as session, session.begin():
        user = _staff_named(session, name)
        if not active:
            if actor.kind == "staff" and actor.name == user.name:
                raise AccountError(
                    "you cannot disable your own account; nothing changed",
                    (
                        "Anda tidak dapat menonaktifkan akun Anda sendiri",
                        "You cannot disable your own account",
                    ),
                )
            if user.role == "admin" and user.active:
                # FOR UPDATE: two admins disabling each other at once on PostgreSQL cannot
                # both pass (SQLite's BEGIN IMMEDIATE already runs them one after the other).
                admins = session.scalars(
                    select(StaffUser.id)
                    .where(StaffUser.role == "admin", StaffUser.active.is_(True))
                    .with_for_update()
                ).all()
                if len(admins) <= 1:
                    raise AccountError(
                        f"{user.name} is the last active admin; add or enable another admin "
                        "first; nothing changed",
                        (
                            f"{user.name} adalah admin aktif terakhir; tambahkan atau aktifkan "
                            "admin lain lebih dulu",
                            f"{user.name} is the last active admin; add or enable another "
                            "admin first",
                        ),
                    )
            _end_sessions(session, user.id)
        if user.active == active:
            return
        user.active = active
        action = "staff_enabled" if active else "staff_disabled"
        audit(session, now, actor.kind, actor.name, action, detail=user.name, address=address)


@dataclass(frozen=True)
class StaffRow:
    """One staff user as the people page lists them."""

    name: str
    role: str
    active: bool
    locked_until: datetime | None
    created_at: datetime


def list_staff(engine: Engine, now: datetime) -> list[StaffRow]:
    """Every staff user by name; ``locked_until`` only while the lockout lasts."""
    with Session(engine) as session:
        users = session.scalars(select(StaffUser).order_by(StaffUser.name)).all()
        return [
            StaffRow(
                user.name,
                user.role,
                user.active,
                locked if (locked := _aware(user.locked_until)) and locked > now else None,
                user.created_at,
            )
            for user in users
        ]


__all__ = [
    "ACCOUNT_DISABLED",
    "AMBIGUOUS_NAME",
    "CLI",
    "ROLES",
    "AccountActor",
    "AccountError",
    "BackOfficeRow",
    "SignedIn",
    "StaffRow",
    "WrongPassword",
    "add_backoffice",
    "add_staff",
    "audit",
    "change_password",
    "check_password",
    "find_backoffice",
    "hash_password",
    "list_backoffice",
    "list_staff",
    "reset_password",
    "revoke_backoffice",
    "rotate_backoffice",
    "session_user",
    "set_active",
    "sign_in",
    "sign_out",
]
