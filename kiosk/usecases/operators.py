"""Operator and admin accounts: PINs under scrypt, a console lockout, every action audited.

Accounts are made and changed by ``kiosk-admin`` (kiosk.admin_cli) and, for an account's own
PIN, by the admin panel; ``kiosk --demo`` seeds two sample accounts into the demo's data.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc
from kiosk.store.models import ROLES, OperatorAccount
from kiosk.usecases.context import KioskContext
from kiosk.usecases.errors import (
    ConsoleLocked,
    LastAdmin,
    OperatorExists,
    OperatorNotFound,
    PinInUse,
    PinRejected,
    WeakPin,
)
from kiosk.usecases.lockout import (
    FAILURES_TO_LOCK,
    Lockout,
    clear_lockout_state,
    load_lockout,
    save_lockout,
)
from kiosk.usecases.recording import add_audit, new_id

log = logging.getLogger(__name__)

MAX_FAILURES = FAILURES_TO_LOCK
PIN_MIN_LENGTH = 6
PIN_MAX_LENGTH = 12

# scrypt with n=2**14, r=8: about 16 MiB and tens of milliseconds per guess.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Operator:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class OperatorInfo:
    id: str
    name: str
    role: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class LockoutStatus:
    locked: bool
    seconds_left: float
    level: int
    """Locks in the current series (the next one is longer)."""
    failures: int
    """Wrong PINs towards the next lock."""


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


def _check_pin_shape(pin: str) -> None:
    if not (pin.isdigit() and PIN_MIN_LENGTH <= len(pin) <= PIN_MAX_LENGTH):
        raise WeakPin("a PIN is 6 to 12 digits")
    if len(set(pin)) == 1 or pin in "01234567890123456789" or pin in "98765432109876543210":
        raise WeakPin("a PIN may not be one repeated digit or a plain run")


def _pin_taken(session: Session, pin: str, other_than: str | None = None) -> bool:
    """Whether another account has ``pin``: the console picks an account by its PIN, so two
    with one PIN would sign the second in as the first. Disabled accounts count too, so
    enabling one again can never make a pair."""
    accounts = session.scalars(select(OperatorAccount)).all()
    return any(a.id != other_than and pin_matches(pin, a.pin_hash) for a in accounts)


def _find(session: Session, who: str) -> OperatorAccount:
    """An account by its id or its name (names are unique, letter case aside)."""
    account = session.get(OperatorAccount, who)
    if account is not None:
        return account
    wanted = " ".join(who.split()).casefold()
    for candidate in session.scalars(select(OperatorAccount)).all():
        if candidate.name.casefold() == wanted:
            return candidate
    raise OperatorNotFound(who)


def add_operator(
    ctx: KioskContext,
    name: str,
    role: str,
    pin: str,
    actor_id: str | None = None,
    *,
    via: str | None = None,
) -> Operator:
    _check_pin_shape(pin)
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    name = " ".join(name.split())[:80]
    if not name:
        raise ValueError("an operator needs a name")
    now = ctx.clock()
    with ctx.uow() as uow:
        taken = [a.name.casefold() for a in uow.session.scalars(select(OperatorAccount)).all()]
        if name.casefold() in taken:
            raise OperatorExists(name)
        if _pin_taken(uow.session, pin):
            raise PinInUse()
        account = OperatorAccount(
            id=new_id(), name=name, role=role, pin_hash=hash_pin(pin), active=True, created_at=now
        )
        uow.session.add(account)
        detail = {"operator": account.id, "role": role} | ({"via": via} if via else {})
        add_audit(uow.session, "operator_added", now, actor_id, **detail)
        uow.commit()
    return Operator(account.id, account.name, account.role)


def list_operators(ctx: KioskContext) -> list[OperatorInfo]:
    with ctx.uow(read_only=True) as uow:
        accounts = uow.session.scalars(
            select(OperatorAccount).order_by(OperatorAccount.created_at)
        ).all()
        return [
            OperatorInfo(a.id, a.name, a.role, a.active, as_utc(a.created_at)) for a in accounts
        ]


def set_operator_active(
    ctx: KioskContext, who: str, active: bool, *, via: str | None = None
) -> Operator:
    """Disable an account (its PIN opens nothing from now on) or enable it again."""
    now = ctx.clock()
    with ctx.uow() as uow:
        account = _find(uow.session, who)
        if account.active == active:
            return Operator(account.id, account.name, account.role)
        if not active and account.role == "admin":
            admins = uow.session.scalars(
                select(OperatorAccount.id).where(
                    OperatorAccount.role == "admin", OperatorAccount.active.is_(True)
                )
            ).all()
            if admins == [account.id]:
                raise LastAdmin(account.name)
        account.active = active
        action = "operator_enabled" if active else "operator_disabled"
        add_audit(uow.session, action, now, None, operator=account.id, via=via)
        uow.commit()
        return Operator(account.id, account.name, account.role)


def set_operator_pin(ctx: KioskContext, who: str, pin: str, *, via: str | None = None) -> Operator:
    """An admin gives an account a new PIN (the old one forgotten or known to others)."""
    _check_pin_shape(pin)
    now = ctx.clock()
    with ctx.uow() as uow:
        account = _find(uow.session, who)
        if _pin_taken(uow.session, pin, other_than=account.id):
            raise PinInUse()
        account.pin_hash = hash_pin(pin)
        add_audit(uow.session, "operator_pin_set", now, None, operator=account.id, via=via)
        uow.commit()
        return Operator(account.id, account.name, account.role)


def unlock_console(ctx: KioskContext, pin: str, *, require_admin: bool = False) -> Operator:
    """The operator console's PIN check, with the escalating lockout of kiosk.usecases.lockout.

    Each wrong PIN and each lock is in the audit log, which is synced: the MPP sees a kiosk
    where someone keeps guessing.
    """
    now = ctx.clock()
    monotonic = ctx.monotonic
    with ctx.uow() as uow:
        lockout = load_lockout(uow.session)
        left = lockout.seconds_left(now, monotonic)
        if left > 0:
            if lockout.run_id != monotonic.run_id:  # first look since a restart
                lockout.measure_from_here(left, monotonic)
                save_lockout(uow.session, lockout)
                uow.commit()
            raise ConsoleLocked(now + timedelta(seconds=left), seconds_left=left)
        if lockout.locked:
            lockout.end()
        accounts = uow.session.scalars(
            select(OperatorAccount).where(OperatorAccount.active.is_(True))
        ).all()
        match = next((a for a in accounts if pin_matches(pin, a.pin_hash)), None)
        if match is None or (require_admin and match.role != "admin"):
            lockout.failures += 1
            add_audit(uow.session, "pin_rejected", now, None, attempt=lockout.failures)
            if lockout.failures < FAILURES_TO_LOCK:
                save_lockout(uow.session, lockout)
                uow.commit()
                raise PinRejected(FAILURES_TO_LOCK - lockout.failures)
            step = lockout.begin(now, monotonic)
            minutes = int(step.total_seconds() // 60)
            add_audit(
                uow.session,
                "console_locked",
                now,
                None,
                level=lockout.level,
                minutes=minutes,
                wrong_pins=FAILURES_TO_LOCK,
            )
            save_lockout(uow.session, lockout)
            uow.commit()
            log.warning(
                "console locked for %d min after %d wrong PINs (lock %d of the series)",
                minutes,
                FAILURES_TO_LOCK,
                lockout.level,
            )
            raise ConsoleLocked(now + step, seconds_left=step.total_seconds())
        save_lockout(uow.session, Lockout())  # a right PIN ends the series
        add_audit(uow.session, "console_unlocked", now, match.id, role=match.role)
        uow.commit()
        return Operator(match.id, match.name, match.role)


def lockout_status(ctx: KioskContext) -> LockoutStatus:
    """As this process sees it: another run's lock is estimated by the restart rule."""
    now = ctx.clock()
    with ctx.uow(read_only=True) as uow:
        lockout = load_lockout(uow.session)
        left = lockout.seconds_left(now, ctx.monotonic)
        return LockoutStatus(left > 0, left, lockout.level, lockout.failures)


def clear_lockout(ctx: KioskContext, *, via: str | None = None) -> LockoutStatus:
    """An admin ends a lock (and its series): someone kept the operators out."""
    now = ctx.clock()
    with ctx.uow() as uow:
        before = clear_lockout_state(uow.session)
        left = before.seconds_left(now, ctx.monotonic)
        add_audit(uow.session, "console_lock_cleared", now, None, level=before.level, via=via)
        uow.commit()
        return LockoutStatus(left > 0, left, before.level, before.failures)


def change_pin(ctx: KioskContext, operator_id: str, old_pin: str, new_pin: str) -> None:
    _check_pin_shape(new_pin)
    now = ctx.clock()
    with ctx.uow() as uow:
        account = uow.session.get(OperatorAccount, operator_id)
        if account is None or not pin_matches(old_pin, account.pin_hash):
            raise PinRejected(MAX_FAILURES)
        if _pin_taken(uow.session, new_pin, other_than=account.id):
            raise PinInUse()
        account.pin_hash = hash_pin(new_pin)
        add_audit(uow.session, "pin_changed", now, operator_id)
        uow.commit()


def has_operators(ctx: KioskContext) -> bool:
    with ctx.uow(read_only=True) as uow:
        return uow.session.scalars(select(OperatorAccount.id).limit(1)).first() is not None


def has_admin(ctx: KioskContext) -> bool:
    """Whether an active admin account exists; a new kiosk has none until ``kiosk-admin``."""
    with ctx.uow(read_only=True) as uow:
        found = uow.session.scalars(
            select(OperatorAccount.id)
            .where(OperatorAccount.role == "admin", OperatorAccount.active.is_(True))
            .limit(1)
        ).first()
        return found is not None


def record_app_closed(ctx: KioskContext, operator_id: str) -> None:
    """The admin closed the kiosk app from the admin panel (the session starts it again)."""
    now = ctx.clock()
    with ctx.uow() as uow:
        add_audit(uow.session, "app_closed", now, operator_id)
        uow.commit()
