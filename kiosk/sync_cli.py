"""``kiosk-sync``: the admin's batch sync and upkeep — push, status, retry-dead, pull, purge,
backup."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from kiosk.bootstrap import KioskApp, open_or_exit
from kiosk.clock import as_utc, to_wib
from kiosk.usecases.clock_check import ClockStatus, clock_status, skew_words, warning_lines
from kiosk.usecases.privacy import RetentionForecast, retention_forecast
from kiosk.usecases.status import last_heard_at, statuses_held
from sync.client import SyncAuthError, SyncClient, SyncError
from sync.lock import PushAlreadyRunning
from sync.puller import PullProgress, pull_statuses
from sync.pusher import PushProgress, push_pending, reconcile

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_AUTH, EXIT_BUSY = 0, 1, 2, 3, 4
CATALOGUE_DIR = "catalogue"
ETAG_FILE = ".etag"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-sync", description="PPP Kiosk admin sync")
    parser.add_argument("--config", type=Path, help="path of kiosk.toml")
    parser.add_argument("--demo", action="store_true", help="use the kiosk --demo configuration")
    sub = parser.add_subparsers(dest="command", required=True)
    push = sub.add_parser("push", help="send every pending record now")
    push.add_argument("--batch-size", type=int, default=None)
    push.add_argument("--no-reconcile", action="store_true", help="skip the count check after")
    status = sub.add_parser("status", help="what is pending, sent and dead")
    status.add_argument("--json", action="store_true")
    sub.add_parser("retry-dead", help="put rejected records back in the queue")
    pull = sub.add_parser(
        "pull", help="fetch the service catalogue and forms, and the requests' statuses"
    )
    pull.add_argument(
        "--only", choices=("catalogue", "statuses"), default=None, help="fetch only this"
    )
    sub.add_parser(
        "purge", help="erase personal answers and backups past the retention (see status)"
    )
    backup = sub.add_parser(
        "backup", help="a consistent copy of the database, while it runs, and the answers key"
    )
    backup.add_argument("--to", type=Path, default=None, help="folder (default: <data>/backups)")
    backup.add_argument(
        "--key-to",
        type=Path,
        default=None,
        help="folder for the answers key, best on another medium (default: the --to folder)",
    )
    return parser


def _load_app(args: argparse.Namespace) -> KioskApp:
    return open_or_exit(args.config, args.demo, fail=_fail, codes=(EXIT_CONFIG, EXIT_FAILED))


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"kiosk-sync: {message}\n")
    return code


def _is_terminal(stream: TextIO) -> bool:
    """Progress is drawn only for a person at a terminal; a log or a pipe gets the summary
    line alone, not a trail of redrawn bars."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class ProgressBar:
    """The push's progress on stderr, drawn by tqdm: records, records/s, time left.

    Made on the first report, when the number of records to send is known; a push with
    nothing to send draws nothing."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._bar: tqdm | None = None

    def __call__(self, progress: PushProgress) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=progress.total,
                file=self.stream,
                unit=" rec",
                bar_format="{bar:30} {n_fmt}/{total_fmt} records  {rate_fmt}  ETA {remaining}",
                ascii=".#",
                mininterval=0.1,
                disable=not _is_terminal(self.stream),
            )
        self._bar.update(progress.done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()  # before any message: the bar's line is finished first


def _missing_token(app: KioskApp, args: argparse.Namespace) -> int | None:
    """An empty ``[server] token`` is said before anyone is contacted: the server would
    only answer 401."""
    if app.settings.server.token:
        return None
    from kiosk.config_file import config_path

    return _fail(
        f"no server token: [server] token is empty in {config_path(args.config, args.demo)}, "
        "so nothing was sent. On the MPP server, `mpp-server add-kiosk "
        f"{app.settings.kiosk_id} --outpost {app.settings.outpost}` prints this kiosk's token "
        "once (`mpp-server rotate-token` gives a new one); put it there and try again",
        EXIT_CONFIG,
    )


def _push(app: KioskApp, args: argparse.Namespace) -> int:
    if (refused := _missing_token(app, args)) is not None:
        return refused
    client = app.sync_client()
    try:
        with ProgressBar() as bar:
            summary = push_pending(
                app.outbox, client, progress=bar, include_not_due=True, batch_size=args.batch_size
            )
    except PushAlreadyRunning as exc:
        return _fail(str(exc), EXIT_BUSY)
    except SyncAuthError as exc:
        hint = "; check [server] token in the kiosk config" if exc.status == 401 else ""
        return _fail(f"{exc}{hint}", EXIT_AUTH)
    rows = [
        ("accepted", summary.accepted),
        ("duplicate", summary.duplicate),
        ("rejected", summary.rejected),
        ("remaining", summary.remaining),
    ]
    out = sys.stdout
    out.write(f"{'result':<12}{'records':>10}\n")
    for name, value in rows:
        out.write(f"{name:<12}{value:>10}\n")
    out.write(f"{'elapsed':<12}{summary.elapsed_s:>9.1f}s\n")
    if summary.last_error:
        out.write(f"last error talking to {app.settings.server.url}: {summary.last_error}\n")
        if not summary.sent and not summary.rejected:
            out.write("nothing was sent: is the server up, and is [server] url right?\n")
    if summary.rejected:
        out.write("rejected records are in the dead letter: `kiosk-sync status` shows why\n")
    failed = not summary.ok
    if not failed and not args.no_reconcile:
        try:
            check = reconcile(app.outbox, client)
        except SyncError as exc:
            out.write(f"count check not done, talking to {app.settings.server.url}: {exc}\n")
            failed = True
        else:
            if check.ok:
                out.write(f"server holds {check.server_count} records of this kiosk: ok\n")
            else:
                out.write(
                    f"MISMATCH: server holds {check.server_count}, kiosk sent {check.local_sent}; "
                    f"{check.requeued} records queued again — run push again\n"
                )
                failed = True
    return EXIT_FAILED if failed else EXIT_OK


LABEL_WIDTH = 14
"""The width of the labels of ``status``: the values start in one column."""


def _line(label: str, value: object) -> str:
    return f"{label:<{LABEL_WIDTH - 1}} {value}\n"


def _utc_iso(stored: str | None) -> str | None:
    """A stored time as UTC ISO 8601 with its zone (``+00:00``), for scripts."""
    return None if stored is None else as_utc(datetime.fromisoformat(stored)).isoformat()


def _wib(stored: str | None) -> str:
    """A stored time as the admin reads it: ``2025-03-04 09:15:02 WIB``."""
    if stored is None:
        return "never"
    return f"{to_wib(datetime.fromisoformat(stored)):%Y-%m-%d %H:%M:%S} WIB"


def _status(app: KioskApp, args: argparse.Namespace) -> int:
    status = app.outbox.status()
    forecast = retention_forecast(app.context, app.settings.retention_days)
    clock = clock_status(app.context)
    heard = last_heard_at(app.context)
    held = statuses_held(app.context)
    if args.json:
        data = {"kiosk_id": app.settings.kiosk_id, **asdict(status)}
        data["last_success_at"] = _utc_iso(status.last_success_at)
        data.update(
            statuses_held=held,
            last_pull_at=None if heard is None else heard.isoformat(),
            retention=forecast.as_dict(),
            clock=clock.as_dict(),
        )
        sys.stdout.write(json.dumps(data) + "\n")
        return EXIT_OK
    out = sys.stdout
    out.write(_line("kiosk", f"{app.settings.kiosk_id} ({app.settings.outpost})"))
    out.write(_line("server", app.settings.server.url))
    out.write(_line("pending", status.pending))
    out.write(_line("sent", status.sent))
    out.write(_line("dead", status.dead))
    for reason, count in status.dead_reasons.items():
        out.write(_line("", f"{count} × {reason}"))
    out.write(_line("last success", _wib(status.last_success_at)))
    if status.last_error:
        out.write(_line("last error", status.last_error))
    out.write(_line("statuses held", held))
    out.write(_line("last pull", _wib(None if heard is None else heard.isoformat())))
    out.write(clock_lines(clock))
    out.write(retention_lines(forecast))
    return EXIT_OK


def clock_lines(clock: ClockStatus) -> str:
    """The kiosk's clock and its last measured skew, in words."""
    value = f"{to_wib(clock.now):%Y-%m-%d %H:%M:%S} WIB on this kiosk; "
    if clock.skew is None:
        value += "not compared with the server's yet (the next push or health probe does)"
    else:
        measured = to_wib(datetime.fromisoformat(clock.skew.kiosk_time))
        value += (
            f"{skew_words(clock.skew.skew_s)} the server's ({clock.skew.skew_s:+.1f} s, "
            f"measured {measured:%Y-%m-%d %H:%M} WIB kiosk time)"
        )
    return _line("clock", value) + "".join(
        _line("clock WARNING", text) for text in warning_lines(clock)
    )


def _how_many(count: int, what: str) -> str:
    if what == "backup":
        return f"{count} backup" + ("" if count == 1 else "s")
    return f"{count} {what}'s answers" if count == 1 else f"{count} {what}s' answers"


def retention_lines(forecast: RetentionForecast) -> str:
    """What the purge erases and when, in words."""
    days, grace = forecast.retention_days, forecast.grace_days
    kinds = (
        (forecast.sent, "request"),
        (forecast.unsent, "unsent request"),
        (forecast.backups, "backup"),
    )
    now = [_how_many(due.due_now, what) for due, what in kinds if due.due_now]
    later = [
        f"{_how_many(due.next_count, what)} on {due.next_on.isoformat()}"
        for due, what in sorted(
            ((due, what) for due, what in kinds if due.next_on is not None),
            key=lambda item: item[0].next_on,
        )
    ]
    return (
        _line(
            "retention",
            f"answers {days} days after the server has them; unsent or dead-letter ones "
            f"{days + grace} days ({grace} days' grace, then dead); backups {days} days",
        )
        + _line(
            "purge now",
            f"{', '.join(now) if now else 'nothing'} "
            "(the kiosk purges every 6 hours; `kiosk-sync purge` does it now)",
        )
        + _line("purge next", f"{'; '.join(later) if later else 'nothing yet'} (WIB dates)")
    )


def _backup(app: KioskApp, args: argparse.Namespace) -> int:
    """The database copy and, in a file of its own, the key its answers need."""
    from kiosk.store.answer_key import save_key_backup
    from kiosk.store.migrate import backup_copy

    folder = args.to or app.paths.backups
    copy = backup_copy(app.store.path, folder, "manual")
    key = save_key_backup(app.keys, args.key_to or folder, app.settings.kiosk_id)
    sys.stdout.write(
        f"database copied to {copy}\n"
        f"answers key {app.keys.describe()} saved as {key}: the answers in every copy can "
        "be read only with it; "
        "keep it apart from the database copies (admin guide, 'Backup')\n"
    )
    return EXIT_OK


def catalogue_dir(app: KioskApp) -> Path:
    return app.paths.pulled_catalogue


def pull_catalogue(app: KioskApp, client: SyncClient) -> str:
    """Fetch the catalogue; check it whole before it replaces the old one.

    Form files already here stay (records captured with an older form version keep it).
    Returns "unchanged" or the new catalogue version.
    """
    from forms import load_catalogue

    target = catalogue_dir(app)
    etag_path = target / ETAG_FILE
    etag = etag_path.read_text().strip() if etag_path.exists() and target.exists() else None
    answer = client.catalog(etag)
    if answer.catalog is None:
        return "unchanged"
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".catalogue-", dir=target.parent))
    try:
        (staging / "forms").mkdir()
        if (target / "forms").exists():
            for old in (target / "forms").glob("*.json"):
                shutil.copy2(old, staging / "forms" / old.name)
        for name, content in answer.catalog.files.items():
            (staging / name).write_text(
                json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8"
            )
        load_catalogue.cache_clear()
        load_catalogue(staging)  # raises with the file and entry when anything is wrong
        if answer.etag:
            (staging / ETAG_FILE).write_text(answer.etag)
        old = target.with_name(CATALOGUE_DIR + ".old")
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.rename(old)
        staging.rename(target)
        if old.exists():
            shutil.rmtree(old)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
        load_catalogue.cache_clear()
    return answer.catalog.version


class PullBar:
    """The status pull's progress on stderr: changes received, changes/s, pages.

    The feed does not say how long it is, so the bar counts without a total."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self._bar: tqdm | None = None

    def __call__(self, progress: PullProgress) -> None:
        if self._bar is None:
            self._bar = tqdm(
                file=self.stream,
                unit=" changes",
                bar_format="{n_fmt} status changes  {rate_fmt}  {postfix}",
                mininterval=0.1,
                disable=not _is_terminal(self.stream),
            )
        pages = f"{progress.pages} page{'' if progress.pages == 1 else 's'}"
        self._bar.set_postfix_str(f"{pages}, {progress.applied} new", refresh=False)
        self._bar.update(progress.changes - self._bar.n)

    def __enter__(self) -> PullBar:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def _pull_statuses(app: KioskApp, client: SyncClient) -> int:
    """Every status change the server has for this outpost since the last pull."""
    try:
        with PullBar() as bar:
            summary = pull_statuses(app.status_inbox(), client, progress=bar)
    except SyncAuthError as exc:
        return _fail(str(exc), EXIT_AUTH)
    except SyncError as exc:
        return _fail(f"statuses not (all) fetched: {exc}; the pages fetched are kept", 1)
    out = sys.stdout
    out.write(
        f"statuses: {summary.changes} changes in {summary.pages} "
        f"page{'' if summary.pages == 1 else 's'}, {summary.applied} new, "
        f"{summary.replayed} already held ({summary.elapsed_s:.1f}s)\n"
    )
    if summary.resets:
        out.write("the server no longer knew this kiosk's place in its feed: read it again\n")
    return EXIT_OK


def _pull(app: KioskApp, args: argparse.Namespace) -> int:
    if (refused := _missing_token(app, args)) is not None:
        return refused
    client = app.sync_client()
    if args.only != "statuses":
        try:
            version = pull_catalogue(app, client)
        except SyncAuthError as exc:
            return _fail(str(exc), EXIT_AUTH)
        except SyncError as exc:
            return _fail(f"catalogue not fetched: {exc}", EXIT_FAILED)
        except ValueError as exc:  # forms' FormDefinitionError / CatalogueError
            return _fail(f"the server's catalogue is not valid, the old one is kept: {exc}", 1)
        if version == "unchanged":
            sys.stdout.write("catalogue unchanged\n")
        else:
            sys.stdout.write(f"catalogue {version} saved in {catalogue_dir(app)}\n")
    if args.only == "catalogue":
        return EXIT_OK
    return _pull_statuses(app, client)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (``kiosk-sync status | head -3``): stop quietly, as Python's
        # signal documentation advises, with no traceback from the flush at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FAILED


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    app = _load_app(args)
    try:
        if args.command == "push":
            return _push(app, args)
        if args.command == "status":
            return _status(app, args)
        if args.command == "backup":
            return _backup(app, args)
        if args.command == "purge":
            from kiosk.usecases.privacy import GRACE_DAYS, purge_expired

            days = app.settings.retention_days
            report = purge_expired(app.context, days)
            sys.stdout.write(
                f"{report.requests} requests older than {days} days purged\n"
                f"  of them {report.unsent} never sent (older than {days + GRACE_DAYS} days), "
                "now in the dead letter\n"
                f"{report.backups} backups older than {days} days deleted\n"
            )
            return EXIT_OK
        if args.command == "retry-dead":
            count = app.outbox.retry_dead()
            sys.stdout.write(f"{count} records queued again\n")
            return EXIT_OK
        return _pull(app, args)
    finally:
        app.close()


if __name__ == "__main__":
    raise SystemExit(main())
