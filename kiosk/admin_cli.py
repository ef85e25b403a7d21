"""``kiosk-admin``: the kiosk's staff accounts from the command line.

``kiosk-admin operators add | list | disable | enable | set-pin`` and ``kiosk-admin lockout
[--clear]``. A PIN is read from the terminal without echo, twice; never from the command
line, where it would stay in the shell's history and show in the process list.
``--pin-stdin`` reads one line from standard input instead, for scripts. Every change is in
the audit log (synced), with the system user who ran the command.
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from kiosk.bootstrap import KioskApp, open_or_exit
from kiosk.clock import to_wib
from kiosk.store.models import ROLES
from kiosk.usecases import (
    KioskContext,
    LastAdmin,
    OperatorExists,
    OperatorNotFound,
    PinInUse,
    WeakPin,
    add_operator,
    clear_lockout,
    has_admin,
    list_operators,
    lockout_status,
    set_operator_active,
    set_operator_pin,
)

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2
ADD_ADMIN = "kiosk-admin operators add --role admin --name NAME"

AskPin = Callable[[str], str]


class CommandFailed(Exception):
    """A sentence for the admin; the command exits non-zero and changes nothing."""


def admin_setup_note(ctx: KioskContext) -> str:
    """For ``kiosk --self-check``: a line saying how to create the first admin, while there
    is none; else nothing."""
    if has_admin(ctx):
        return ""
    return f"note: this kiosk has no admin account yet; create one with: {ADD_ADMIN}\n"


def _parser() -> argparse.ArgumentParser:
    # No abbreviations: "--pin 123456" must be refused, not read as "--pin-stdin 123456".
    parser = argparse.ArgumentParser(
        prog="kiosk-admin",
        description="PPP Kiosk staff accounts and the console's PIN lockout",
        allow_abbrev=False,
    )
    parser.add_argument("--config", type=Path, help="path of kiosk.toml")
    parser.add_argument("--demo", action="store_true", help="use the kiosk --demo configuration")
    sub = parser.add_subparsers(dest="command", required=True)

    operators = sub.add_parser(
        "operators", help="the accounts that open the staff console", allow_abbrev=False
    )
    actions = operators.add_subparsers(dest="action", required=True)
    listing = actions.add_parser(
        "list", help="every account: name, role, active or disabled", allow_abbrev=False
    )
    listing.add_argument("--json", action="store_true")
    add = actions.add_parser(
        "add", help="a new account; asks for its PIN twice", allow_abbrev=False
    )
    add.add_argument("--name", required=True, help="the person's name, as the console shows it")
    add.add_argument("--role", choices=ROLES, default="operator")
    _pin_stdin(add)
    for name, text in (
        ("disable", "the account's PIN opens nothing any more"),
        ("enable", "a disabled account works again"),
        ("set-pin", "give an account a new PIN; asks for it twice"),
    ):
        action = actions.add_parser(name, help=text, allow_abbrev=False)
        action.add_argument("who", help="the account's name or id")
        if name == "set-pin":
            _pin_stdin(action)

    lockout = sub.add_parser("lockout", help="the console's PIN lockout", allow_abbrev=False)
    lockout.add_argument(
        "--clear", action="store_true", help="end the lock now (someone kept the staff out)"
    )
    return parser


def _pin_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pin-stdin",
        action="store_true",
        help="read the PIN from the first line of standard input (for scripts)",
    )


def _load_app(args: argparse.Namespace) -> KioskApp:
    return open_or_exit(args.config, args.demo, fail=_fail, codes=(EXIT_CONFIG, EXIT_FAILED))


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"kiosk-admin: {message}\n")
    return code


def _read_pin(args: argparse.Namespace, ask: AskPin, stdin: TextIO) -> str:
    if args.pin_stdin:
        return stdin.readline().rstrip("\r\n")
    with warnings.catch_warnings():
        # getpass falls back to an echoing read when there is no terminal: refuse that.
        warnings.simplefilter("error", getpass.GetPassWarning)
        try:
            pin = ask("New PIN (6-12 digits): ")
            again = ask("The same PIN again: ")
        except getpass.GetPassWarning:
            raise CommandFailed("no terminal to ask for the PIN on; use --pin-stdin") from None
    if pin != again:
        raise CommandFailed("the two PINs differ; nothing was changed")
    return pin


def _via() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is no reason to fail
        user = "?"
    return f"kiosk-admin ({user})"


def _operators(
    ctx: KioskContext, args: argparse.Namespace, ask: AskPin, stdin: TextIO, out: TextIO
) -> None:
    if args.action == "list":
        accounts = list_operators(ctx)
        if args.json:
            rows = [
                {
                    "id": a.id,
                    "name": a.name,
                    "role": a.role,
                    "active": a.active,
                    "created_at": a.created_at.isoformat(),
                }
                for a in accounts
            ]
            out.write(json.dumps(rows, indent=2) + "\n")
            return
        if not accounts:
            out.write(f"no accounts yet; create the first admin with: {ADD_ADMIN}\n")
            return
        out.write(f"{'name':<28}{'role':<10}{'state':<10}{'created (WIB)':<18}id\n")
        for a in accounts:
            state = "active" if a.active else "disabled"
            created = f"{to_wib(a.created_at):%Y-%m-%d %H:%M}"
            out.write(f"{a.name:<28}{a.role:<10}{state:<10}{created:<18}{a.id}\n")
        return
    if args.action == "add":
        pin = _read_pin(args, ask, stdin)
        operator = add_operator(ctx, args.name, args.role, pin, via=_via())
        out.write(f"added {operator.role} {operator.name!r} (id {operator.id})\n")
    elif args.action in ("disable", "enable"):
        operator = set_operator_active(ctx, args.who, args.action == "enable", via=_via())
        out.write(f"{args.action}d {operator.role} {operator.name!r}\n")
    elif args.action == "set-pin":
        pin = _read_pin(args, ask, stdin)
        operator = set_operator_pin(ctx, args.who, pin, via=_via())
        out.write(f"new PIN set for {operator.role} {operator.name!r}\n")


def _lockout(ctx: KioskContext, args: argparse.Namespace, out: TextIO) -> None:
    status = clear_lockout(ctx, via=_via()) if args.clear else lockout_status(ctx)
    if status.locked:
        minutes = math.ceil(status.seconds_left / 60)
        words = "was locked" if args.clear else "is locked"
        out.write(
            f"the console {words}: about {minutes} min left (lock {status.level} of the series)\n"
        )
    else:
        out.write(
            f"the console is not locked ({status.failures} wrong PINs towards the next lock)\n"
        )
    if args.clear:
        out.write("lockout cleared: the next lock starts at 5 minutes again\n")


_WORDS: dict[type[Exception], Callable[[Exception], str]] = {
    WeakPin: lambda _e: "a PIN is 6 to 12 digits, not one repeated digit or a run like 123456",
    PinInUse: lambda _e: "another account has this PIN; choose a different one",
    OperatorExists: lambda e: f"an account named {e} exists already",
    OperatorNotFound: lambda e: f"no account with the name or id {e}; see `operators list`",
    LastAdmin: lambda e: f"{e} is the only active admin; add another admin first",
}


def main(
    argv: list[str] | None = None,
    *,
    ask: AskPin = getpass.getpass,
    stdin: TextIO | None = None,
    out: TextIO | None = None,
) -> int:
    args = _parser().parse_args(argv)
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    app = _load_app(args)
    try:
        if args.command == "operators":
            _operators(app.context, args, ask, stdin, out)
        else:
            _lockout(app.context, args, out)
    except CommandFailed as exc:
        return _fail(str(exc), EXIT_FAILED)
    except tuple(_WORDS) as exc:
        return _fail(_WORDS[type(exc)](exc), EXIT_FAILED)
    except ValueError as exc:
        return _fail(str(exc), EXIT_FAILED)
    finally:
        app.close()
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
