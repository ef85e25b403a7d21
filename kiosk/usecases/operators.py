"""Operator and admin accounts: PINs under scrypt, a console lockout, every action audited."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.clock import as_utc
from kiosk.store.models import KioskState, OperatorAccount
from kiosk.usecases.context import KioskContext
from kiosk.usecases.errors import ConsoleLocked, PinRejected, WeakPin
from kiosk.usecases.recording import add_audit, new_id

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
_LOCK_KEY = "console_pin_failures"
# scrypt with n=2**14, r=8: about 16 MiB and tens of milliseconds per guess.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


@dataclass(frozen=True)
class Operator:
    id: str
    name: str
    role: str


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
    if not (pin.isdigit() and 6 <= len(pin) <= 12):
        raise WeakPin("a PIN is 6 to 12 digits")
    if len(set(pin)) == 1 or pin in "01234567890123456789" or pin in "98765432109876543210":
        raise WeakPin("a PIN may not be one repeated digit or a plain run")


def add_operator(
    ctx: KioskContext, name: str, role: str, pin: str, actor_id: str | None = None
) -> Operator:
    _check_pin_shape(pin)
    if role not in ("operator", "admin"):
        raise ValueError(f"unknown role {role!r}")
    now = ctx.clock()
    account = OperatorAccount(
        id=new_id(),
        name=name.strip()[:80],
        role=role,
        pin_hash=hash_pin(pin),
        active=True,
        created_at=now,
    )
    with ctx.uow() as uow:
        uow.session.add(account)
        add_audit(uow.session, "operator_added", now, actor_id, operator=account.id, role=role)
        uow.commit()
    return Operator(account.id, account.name, account.role)


def _failures(session: Session) -> tuple[int, datetime | None]:
    state = session.get(KioskState, _LOCK_KEY)
    if state is None:
        return 0, None
    data = json.loads(state.value)
    until = datetime.fromisoformat(data["locked_until"]) if data.get("locked_until") else None
    return data["count"], until


def _set_failures(session: Session, count: int, until: datetime | None) -> None:
    value = json.dumps({"count": count, "locked_until": until.isoformat() if until else None})
    session.merge(KioskState(key=_LOCK_KEY, value=value))


def unlock_console(ctx: KioskContext, pin: str, *, require_admin: bool = False) -> Operator:
    """The operator console's PIN check. Five wrong PINs lock it for five minutes.

    The count survives a restart: pulling the plug does not reset the lockout.
    """
    now = ctx.clock()
    with ctx.uow() as uow:
        count, until = _failures(uow.session)
        if until is not None and as_utc(until) > now:
            raise ConsoleLocked(as_utc(until))
        accounts = uow.session.scalars(
            select(OperatorAccount).where(OperatorAccount.active.is_(True))
        ).all()
        match = next((a for a in accounts if pin_matches(pin, a.pin_hash)), None)
        if match is None or (require_admin and match.role != "admin"):
            count = 0 if until is not None else count  # a lock that ran out starts afresh
            count += 1
            locked_until = now + LOCKOUT if count >= MAX_FAILURES else None
            _set_failures(uow.session, 0 if locked_until else count, locked_until)
            add_audit(uow.session, "pin_rejected", now, None, attempt=count)
            uow.commit()
            if locked_until is not None:
                raise ConsoleLocked(locked_until)
            raise PinRejected(MAX_FAILURES - count)
        _set_failures(uow.session, 0, None)
        add_audit(uow.session, "console_unlocked", now, match.id, role=match.role)
        uow.commit()
        return Operator(match.id, match.name, match.role)


def change_pin(ctx: KioskContext, operator_id: str, old_pin: str, new_pin: str) -> None:
    _check_pin_shape(new_pin)
    now = ctx.clock()
    with ctx.uow() as uow:
        account = uow.session.get(OperatorAccount, operator_id)
        if account is None or not pin_matches(old_pin, account.pin_hash):
            raise PinRejected(MAX_FAILURES)
        account.pin_hash = hash_pin(new_pin)
        add_audit(uow.session, "pin_changed", now, operator_id)
        uow.commit()


def has_operators(ctx: KioskContext) -> bool:
    with ctx.uow(read_only=True) as uow:
        return uow.session.scalars(select(OperatorAccount.id).limit(1)).first() is not None
