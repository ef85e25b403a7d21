"""``mpp-server``: serve the sync API, manage the kiosks, purge old answers."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mpp_server.answers_at_rest import ENV_ANSWERS_KEY_FILE
from mpp_server.db import DEFAULT_DATABASE_URL
from mpp_server.retention import DEFAULT_RETENTION_DAYS
from mpp_server.transport import (
    DEFAULT_BODY_TIMEOUT_S,
    DEFAULT_HEADER_TIMEOUT_S,
    DEFAULT_KEEP_ALIVE_S,
    DEFAULT_LIMIT_CONCURRENCY,
)

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy import Engine

ENV_DATABASE_URL = "MPP_DATABASE_URL"
ENV_CATALOG_DIR = "MPP_CATALOG_DIR"
ENV_RETENTION_DAYS = "MPP_RETENTION_DAYS"
EXIT_OK, EXIT_REFUSED = 0, 1


def _positive(kind: Callable[[str], float | int], what: str) -> Callable[[str], float | int]:
    def parse(text: str) -> float | int:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a number, not {text!r}") from None
        if value < 1:
            raise argparse.ArgumentTypeError(f"{what} must be at least 1, not {text}")
        return value

    return parse


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpp-server", description="reference MPP sync server")
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("--database-url", default=None, help=f"default {DEFAULT_DATABASE_URL}")
        return cmd

    serve = command("serve", "serve the sync API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument("--catalog-dir", type=Path, default=None, help="catalogue folder to serve")
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--answers-key-file", type=Path, default=None, metavar="PATH",
        help="the key that encrypts residents' answers at rest (from new-answers-key; "
        f"default ${ENV_ANSWERS_KEY_FILE}); without one they are stored in clear",
    )  # fmt: skip
    serve.add_argument(
        "--timeout-headers", type=_positive(float, "--timeout-headers"),
        default=DEFAULT_HEADER_TIMEOUT_S, metavar="S",
        help="close a connection whose request head has not all arrived after S seconds "
        f"(default {DEFAULT_HEADER_TIMEOUT_S:g})",
    )  # fmt: skip
    serve.add_argument(
        "--timeout-body", type=_positive(float, "--timeout-body"),
        default=DEFAULT_BODY_TIMEOUT_S, metavar="S",
        help="close a connection whose request body has not all arrived S seconds after its "
        f"head (default {DEFAULT_BODY_TIMEOUT_S:g})",
    )  # fmt: skip
    serve.add_argument(
        "--timeout-keep-alive", type=_positive(int, "--timeout-keep-alive"),
        default=DEFAULT_KEEP_ALIVE_S, metavar="S",
        help=f"close an idle connection S seconds after its last answer (default "
        f"{DEFAULT_KEEP_ALIVE_S})",
    )  # fmt: skip
    serve.add_argument(
        "--limit-concurrency", type=_positive(int, "--limit-concurrency"),
        default=DEFAULT_LIMIT_CONCURRENCY, metavar="N",
        help="answer 503 past N open connections or requests per worker "
        f"(default {DEFAULT_LIMIT_CONCURRENCY})",
    )  # fmt: skip

    add = command("add-kiosk", "register a new kiosk and print its token once")
    add.add_argument("kiosk_id")
    add.add_argument("--outpost", required=True, help="one of the catalogue's outposts")
    add.add_argument(
        "--catalog-dir", type=Path, default=None, help="catalogue whose outposts are known"
    )
    command("rotate-token", "give a kiosk a new token; the old one stops working").add_argument(
        "kiosk_id"
    )
    command("disable-kiosk", "refuse everything a kiosk sends (403) until enabled").add_argument(
        "kiosk_id"
    )
    command("enable-kiosk", "let a disabled kiosk sync again").add_argument("kiosk_id")
    command("list-kiosks", "the kiosks, their outposts and whether they are enabled")
    sub.add_parser(
        "new-answers-key",
        help="write a new key that encrypts residents' answers at rest (owner-only file)",
    ).add_argument("path", type=Path)

    staff = command(
        "add-staff", "add an MPP staff user for the staff pages (password from the prompt or stdin)"
    )
    staff.add_argument("name")
    staff.add_argument("--role", choices=("officer", "admin"), required=True)
    command(
        "set-password",
        "give a staff user a new password (from the prompt or stdin); ends their sessions and "
        "lifts a lockout",
    ).add_argument("name")
    command(
        "disable-staff", "stop a staff user signing in; ends their sessions at once"
    ).add_argument("name")
    command("enable-staff", "let a disabled staff user sign in again").add_argument("name")
    command("list-staff", "the staff users, their roles, and who is disabled or locked")
    command(
        "add-backoffice", "register a back-office client of the status API; prints its token once"
    ).add_argument("name")
    command(
        "rotate-backoffice",
        "give a back-office client a new token (printed once) and enable it; the old token "
        "stops working",
    ).add_argument("name")
    command(
        "revoke-backoffice", "stop a back-office client at once: its token stops working"
    ).add_argument("name")
    command("list-backoffice", "the back-office clients and whether they are active")

    purge = command("purge", "erase residents' answers older than the retention")
    purge.add_argument(
        "--retention-days", type=_positive(int, "the retention (--retention-days)"),
        default=None, metavar="DAYS",
        help=f"keep answers this many days (default ${ENV_RETENTION_DAYS}, else "
        f"{DEFAULT_RETENTION_DAYS})",
    )  # fmt: skip
    purge.add_argument("--dry-run", action="store_true", help="count, change nothing")

    seal = command(
        "seal-answers",
        "encrypt the residents' answers stored in clear (before the server had an answers key)",
    )
    seal.add_argument(
        "--answers-key-file", type=Path, default=None, metavar="PATH",
        help=f"the key `serve` uses (default ${ENV_ANSWERS_KEY_FILE})",
    )  # fmt: skip
    seal.add_argument("--dry-run", action="store_true", help="count, change nothing")
    return parser


def app_from_env():  # noqa: ANN201 - FastAPI; the factory uvicorn calls in each worker
    from mpp_server.app import create_app
    from mpp_server.catalog import CatalogSource

    catalog_dir = os.environ.get(ENV_CATALOG_DIR)
    return create_app(
        os.environ.get(ENV_DATABASE_URL, DEFAULT_DATABASE_URL),
        catalog=CatalogSource(Path(catalog_dir) if catalog_dir else None),
        answers_cipher=_answers_cipher(),
    )


def _answers_cipher():  # noqa: ANN202 - AnswersCipher | None
    """The answers key named by $MPP_ANSWERS_KEY_FILE, or None (answers stored in clear)."""
    from mpp_server.answers_at_rest import read_key_file

    path = os.environ.get(ENV_ANSWERS_KEY_FILE)
    if not path:
        import logging

        logging.getLogger("mpp_server").warning(
            "WARNING: no answers key ($%s): residents' answers are stored IN CLEAR in the "
            "database; make one with `mpp-server new-answers-key PATH`",
            ENV_ANSWERS_KEY_FILE,
        )
        return None
    return read_key_file(Path(path))


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


def _kiosk_command(args: argparse.Namespace, url: str) -> int:
    from mpp_server.db import (
        KioskLifecycleError,
        add_kiosk,
        list_kiosks,
        open_engine,
        rotate_token,
        set_kiosk_enabled,
    )

    engine = open_engine(url)
    try:
        if args.command == "list-kiosks":
            sys.stdout.write(f"{'kiosk':<24}{'outpost':<14}{'state':<10}added (UTC)\n")
            for kiosk in list_kiosks(engine):
                state = "enabled" if kiosk.active else "disabled"
                added = kiosk.created_at.strftime("%Y-%m-%d %H:%M")
                sys.stdout.write(f"{kiosk.id:<24}{kiosk.outpost:<14}{state:<10}{added}\n")
            return EXIT_OK
        kiosk_id = args.kiosk_id
        if args.command == "add-kiosk":
            from mpp_server.catalog import CatalogSource

            catalog_dir = args.catalog_dir or os.environ.get(ENV_CATALOG_DIR)
            known = CatalogSource(Path(catalog_dir) if catalog_dir else None).outposts
            token = add_kiosk(engine, kiosk_id, args.outpost, outposts=known)
            sys.stdout.write(token + "\n")
            _say(
                f"kiosk {kiosk_id} ({args.outpost}) registered; put this token in its "
                "kiosk.toml [server] token — it is not shown again"
            )
        elif args.command == "rotate-token":
            token = rotate_token(engine, kiosk_id)
            sys.stdout.write(token + "\n")
            _say(
                f"kiosk {kiosk_id} has a new token and its old one no longer works; put this "
                "one in its kiosk.toml [server] token — it is not shown again"
            )
        else:
            enabled = args.command == "enable-kiosk"
            set_kiosk_enabled(engine, kiosk_id, enabled)
            _say(
                f"kiosk {kiosk_id} enabled: it syncs again with its token"
                if enabled
                else f"kiosk {kiosk_id} disabled: everything it sends is refused (HTTP 403) "
                f"until `mpp-server enable-kiosk {kiosk_id}`"
            )
        return EXIT_OK
    except KioskLifecycleError as exc:
        _say(f"mpp-server: {exc}")
        return EXIT_REFUSED
    finally:
        engine.dispose()


def _purge(args: argparse.Namespace, url: str, parser: argparse.ArgumentParser) -> int:
    from mpp_server.db import open_engine
    from mpp_server.retention import purge_answers

    days = args.retention_days
    if days is None:
        from_env = os.environ.get(ENV_RETENTION_DAYS)
        try:
            days = _positive(int, f"${ENV_RETENTION_DAYS}")(from_env) if from_env else None
        except argparse.ArgumentTypeError as exc:
            parser.error(f"the retention: {exc}")
        days = days or DEFAULT_RETENTION_DAYS
    engine = open_engine(url)
    try:
        done = purge_answers(engine, int(days), dry_run=args.dry_run)
        if not args.dry_run:
            from datetime import UTC, datetime

            from mpp_server.ratelimit import forget_old

            forget_old(engine, datetime.now(UTC))
    finally:
        engine.dispose()
    noun = "request" if done.requests == 1 else "requests"
    verb = "would be purged" if args.dry_run else "purged: answers erased"
    sys.stdout.write(
        f"{done.requests} {noun} older than {days} days (WIB days before "
        f"{done.before_day.isoformat()}) {verb}; days, services, kiosks and ticket numbers "
        "are kept\n"
    )
    if done.kept_open:
        sys.stdout.write(
            f"{done.kept_open} older {'request is' if done.kept_open == 1 else 'requests are'} "
            "not final yet (no ready or refused status) and keep their answers until they are\n"
        )
    return EXIT_OK


def _seal_answers(args: argparse.Namespace, url: str) -> int:
    from mpp_server.answers_at_rest import AnswersKeyError, read_key_file
    from mpp_server.db import open_engine
    from mpp_server.seal_existing import seal_stored_answers

    path = args.answers_key_file or os.environ.get(ENV_ANSWERS_KEY_FILE)
    if not path:
        _say(
            f"mpp-server: no answers key: give the one `serve` uses with --answers-key-file "
            f"PATH or ${ENV_ANSWERS_KEY_FILE} (`mpp-server new-answers-key PATH` makes one); "
            "nothing changed"
        )
        return EXIT_REFUSED
    try:
        cipher = read_key_file(Path(path))
    except AnswersKeyError as exc:
        _say(f"mpp-server: {exc}; nothing changed")
        return EXIT_REFUSED
    engine = open_engine(url)
    try:
        done = seal_stored_answers(engine, cipher, dry_run=args.dry_run)
    finally:
        engine.dispose()
    noun = "record" if done.sealed == 1 else "records"
    verb = "would seal" if args.dry_run else "sealed"
    sys.stdout.write(
        f"{verb} {done.sealed} {noun}; {done.already_sealed} already sealed; "
        f"{done.without_answers} without answers\n"
    )
    return EXIT_OK


def _warn_of_clear_answers(engine: Engine) -> None:
    """One line at start-up when a server with a key still holds answers in clear."""
    from mpp_server.seal_existing import count_clear_answers

    count = count_clear_answers(engine)
    if count:
        import logging

        logging.getLogger("mpp_server").warning(
            "WARNING: %d %s residents' answers IN CLEAR (stored before the answers key was "
            "set); encrypt them with `mpp-server seal-answers`",
            count,
            "record holds" if count == 1 else "records hold",
        )


def _new_answers_key(path: Path) -> int:
    from mpp_server.answers_at_rest import new_key_file

    try:
        new_key_file(path)
    except FileExistsError:
        _say(f"mpp-server: {path} exists; it is never overwritten (the answers sealed with it "
             "would be lost)")  # fmt: skip
        return EXIT_REFUSED
    except OSError as exc:
        _say(f"mpp-server: {path} cannot be written: {exc}")
        return EXIT_REFUSED
    _say(
        f"answers key written to {path} (owner-only); serve with --answers-key-file {path} "
        f"or ${ENV_ANSWERS_KEY_FILE}, and back it up apart from the database: without it "
        "the answers cannot be read"
    )
    return EXIT_OK


def _read_password() -> str:
    """From the terminal, asked twice; else the first line of stdin (for scripts)."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise ValueError("the two passwords differ; nothing changed")
        return first
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:  # `</dev/null`, or an empty first line: not a short password, none at all
        raise ValueError("no password was given on stdin; nothing changed")
    return line


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    """Columns as wide as their widest cell, two spaces apart."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in [header, *rows]
    )


def _utc(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    from mpp_server.db import stored_utc

    return stored_utc(moment).strftime("%Y-%m-%d %H:%M")


ACCOUNT_COMMANDS = (
    "add-staff", "set-password", "disable-staff", "enable-staff", "list-staff",
    "add-backoffice", "rotate-backoffice", "revoke-backoffice", "list-backoffice",
)  # fmt: skip


def _account_command(args: argparse.Namespace, url: str) -> int:
    from datetime import UTC, datetime

    from mpp_server.accounts import (
        CLI,
        AccountError,
        add_backoffice,
        add_staff,
        list_backoffice,
        list_staff,
        reset_password,
        revoke_backoffice,
        rotate_backoffice,
        set_active,
    )
    from mpp_server.db import open_engine

    engine = open_engine(url)
    try:
        if args.command == "add-staff":
            add_staff(engine, args.name, args.role, _read_password())
            _say(f"staff user {args.name} ({args.role}) added; they sign in at /staff/login")
        elif args.command == "set-password":
            password = _read_password()
            reset_password(engine, CLI, args.name, password, password, now=datetime.now(UTC))
            _say(
                f"staff user {args.name} has a new password; their sessions ended and any "
                "lockout is lifted"
            )
        elif args.command in ("disable-staff", "enable-staff"):
            enabled = args.command == "enable-staff"
            set_active(engine, CLI, args.name, enabled, now=datetime.now(UTC))
            _say(
                f"staff user {args.name} enabled: they sign in again with their password"
                if enabled
                else f"staff user {args.name} disabled: their sessions ended and they cannot "
                f"sign in until `mpp-server enable-staff {args.name}`"
            )
        elif args.command == "list-staff":
            rows = [
                (p.name, p.role, "active" if p.active else "disabled", _utc(p.locked_until))
                for p in list_staff(engine, datetime.now(UTC))
            ]
            sys.stdout.write(_table(("name", "role", "state", "locked until (UTC)"), rows))
        elif args.command == "list-backoffice":
            rows = [
                (c.name, "active" if c.active else "revoked", _utc(c.created_at))
                for c in list_backoffice(engine)
            ]
            sys.stdout.write(_table(("name", "state", "added (UTC)"), rows))
        elif args.command == "revoke-backoffice":
            if revoke_backoffice(engine, CLI, args.name, now=datetime.now(UTC)):
                _say(
                    f"back-office client {args.name} revoked: its token no longer works; "
                    f"`mpp-server rotate-backoffice {args.name}` gives it a new one"
                )
            else:
                _say(f"back-office client {args.name} was already revoked; nothing changed")
        elif args.command == "rotate-backoffice":
            token = rotate_backoffice(engine, CLI, args.name, now=datetime.now(UTC))
            sys.stdout.write(token + "\n")
            _say(
                f"back-office client {args.name} has a new token and its old one no longer "
                "works; it sends this one as `Authorization: Bearer ...` — it is not shown again"
            )
        else:
            token = add_backoffice(engine, args.name)
            sys.stdout.write(token + "\n")
            _say(
                f"back-office client {args.name} registered; it sends this token as "
                "`Authorization: Bearer ...` — it is not shown again"
            )
        return EXIT_OK
    except (AccountError, ValueError) as exc:
        _say(f"mpp-server: {exc}")
        return EXIT_REFUSED
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "new-answers-key":
        return _new_answers_key(args.path)
    url = args.database_url or os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL
    if args.command == "purge":
        return _purge(args, url, parser)
    if args.command == "seal-answers":
        return _seal_answers(args, url)
    if args.command in ACCOUNT_COMMANDS:
        return _account_command(args, url)
    if args.command != "serve":
        return _kiosk_command(args, url)
    import uvicorn

    from mpp_server.db import open_engine
    from mpp_server.transport import deadline_protocol

    if args.answers_key_file is not None:
        os.environ[ENV_ANSWERS_KEY_FILE] = str(args.answers_key_file)
    from mpp_server.answers_at_rest import AnswersKeyError

    try:
        cipher = _answers_cipher()  # refuse a bad key before the workers start, not in each
    except AnswersKeyError as exc:
        _say(f"mpp-server: {exc}; not started")
        return EXIT_REFUSED
    engine = open_engine(url)  # migrate the schema once, before the workers start
    try:
        if cipher is not None:
            _warn_of_clear_answers(engine)
    finally:
        engine.dispose()
    os.environ[ENV_DATABASE_URL] = url
    if args.catalog_dir:
        os.environ[ENV_CATALOG_DIR] = str(args.catalog_dir)
    uvicorn.run(
        "mpp_server.cli:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
        http=deadline_protocol(args.timeout_headers, args.timeout_body),  # type: ignore[arg-type]
        timeout_keep_alive=args.timeout_keep_alive,
        limit_concurrency=args.limit_concurrency,
    )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
