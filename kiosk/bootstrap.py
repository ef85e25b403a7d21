"""The one composition root: builds the kiosk from its settings.

Every part is injectable so a test can hand in a temp file, a fake clock or a fake printer.
Nothing here runs at import time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from kiosk.clock import Clock, MonotonicClock, RunClock, utc_now
from kiosk.config import KioskSettings
from kiosk.store.answer_key import KeyFile, KeyStore, SystemdCredential, open_answer_cipher
from kiosk.store.db import open_engine
from kiosk.store.identity import confirm_identity
from kiosk.store.migrate import check_readable, migrate_to_head
from kiosk.store.uow import UnitOfWorkFactory, make_uow_factory
from kiosk.usecases.context import KioskContext, ServiceCatalogue

if TYPE_CHECKING:
    from kiosk.usecases.outbox import KioskOutbox
    from kiosk.usecases.status import KioskStatusInbox
    from printing.backends import Printer
    from sync.client import SyncClient
    from sync.worker import SyncState, SyncWorker

log = logging.getLogger(__name__)


@dataclass
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "kiosk.db"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def answer_key(self) -> Path:
        return self.root / "keys" / "answers.key"

    @property
    def sealed_answer_key(self) -> Path:
        """The key sealed by systemd-creds, when ``answer_key.store = "systemd-creds"``."""
        return self.root / "keys" / "answers.key.cred"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def pulled_catalogue(self) -> Path:
        """Where ``kiosk-sync pull`` puts the catalogue it fetched from the server."""
        return self.root / "catalogue"


@dataclass
class Store:
    engine: Engine
    uow: UnitOfWorkFactory
    path: Path
    backup_made: Path | None = None


def open_store(path: Path, backup_dir: Path) -> Store:
    """Check the file, open it with the kiosk's pragmas, migrate to head (after a backup)."""
    check_readable(path)
    engine = open_engine(path)
    backup = migrate_to_head(engine, path, backup_dir)
    if backup is not None:
        log.info("database upgraded; the earlier file is kept at %s", backup)
    return Store(engine=engine, uow=make_uow_factory(engine), path=path, backup_made=backup)


def answer_key_store(settings: KioskSettings, paths: DataPaths) -> KeyStore:
    if settings.answer_key.store == "systemd-creds":
        return SystemdCredential(
            sealed=paths.sealed_answer_key,
            plain=paths.answer_key,
            executable=settings.answer_key.systemd_creds,
        )
    return KeyFile(paths.answer_key)


def load_service_catalogue(paths: DataPaths) -> ServiceCatalogue:
    """The catalogue last pulled from the server, else the one shipped with the kiosk.

    A pulled catalogue was checked whole before it was saved; should it still fail to load
    (a damaged disk), the kiosk says so in the log and serves the shipped one.
    """
    from forms import load_catalogue

    if (paths.pulled_catalogue / "catalogue.json").exists():
        try:
            return load_catalogue(paths.pulled_catalogue)
        except Exception:  # noqa: BLE001 - any failure: fall back, never stop the kiosk
            log.exception("the pulled catalogue in %s cannot be read", paths.pulled_catalogue)
    return load_catalogue()


@dataclass
class KioskApp:
    settings: KioskSettings
    paths: DataPaths
    store: Store
    catalogue: ServiceCatalogue
    context: KioskContext
    keys: KeyStore
    _printer: Printer | None = field(default=None, repr=False)
    _outbox: KioskOutbox | None = field(default=None, repr=False)

    @property
    def printer(self) -> Printer:
        """Built on first use: the printing stack stays out of the start-up path."""
        if self._printer is None:
            from printing.backends import make_printer

            self._printer = make_printer(self.settings.printer)
        return self._printer

    @property
    def outbox(self) -> KioskOutbox:
        """The records waiting for the server; built on first use, like the printer."""
        if self._outbox is None:
            from kiosk.usecases.outbox import KioskOutbox

            self._outbox = KioskOutbox(
                uow=self.store.uow,
                data_dir=self.paths.root,
                kiosk_id=self.settings.kiosk_id,
                outpost=self.settings.outpost,
                cipher=self.context.cipher,
                batch_size=self.settings.server.batch_size,
                clock=self.context.clock,
            )
        return self._outbox

    def status_inbox(self) -> KioskStatusInbox:
        """Where pulled request statuses are kept (``kiosk-sync pull``, the worker)."""
        from kiosk.usecases.status import KioskStatusInbox

        return KioskStatusInbox(uow=self.store.uow, clock=self.context.clock)

    def sync_client(self) -> SyncClient:
        """A new client for the configured central server (each caller closes its own)."""
        from sync.client import SyncClient

        return SyncClient(self.settings.server)

    def sync_worker(self, on_state: Callable[[SyncState], None] | None = None) -> SyncWorker | None:
        """The background sync thread (not started), or None when this kiosk has no server
        token: then the outbox keeps every record for a later ``kiosk-sync push``."""
        if not self.settings.server.token:
            return None
        from sync.worker import SyncWorker

        return SyncWorker(
            self.outbox, self.sync_client(), on_state=on_state, inbox=self.status_inbox()
        )

    def close(self) -> None:
        self.store.engine.dispose()


def build_app(
    settings: KioskSettings,
    *,
    catalogue: ServiceCatalogue | None = None,
    clock: Clock = utc_now,
    monotonic: MonotonicClock | None = None,
    printer: Printer | None = None,
) -> KioskApp:
    paths = DataPaths(settings.resolved_data_dir())
    paths.root.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = open_store(paths.database, paths.backups)
    keys = answer_key_store(settings, paths)
    try:
        confirm_identity(store.uow, settings.kiosk_id, settings.outpost)
        cipher = open_answer_cipher(
            keys, store.uow, kiosk_id=settings.kiosk_id, backups=paths.backups
        )
    except BaseException:
        store.engine.dispose()
        raise
    if catalogue is None:
        catalogue = load_service_catalogue(paths)
    context = KioskContext(
        uow=store.uow,
        catalogue=catalogue,
        kiosk_id=settings.kiosk_id,
        outpost=settings.outpost,
        device_mark=settings.device_mark,
        cipher=cipher,
        clock=clock,
        monotonic=monotonic or RunClock(),
        backup_dir=paths.backups,
    )
    return KioskApp(
        settings=settings,
        paths=paths,
        store=store,
        catalogue=catalogue,
        context=context,
        keys=keys,
        _printer=printer,
    )


EXIT_CONFIG, EXIT_DATA = 2, 3
"""``kiosk`` refused to start: the configuration (or the kiosk's identity) is wrong; the data is
(a damaged database, a missing or foreign answers key). Nothing was changed either way."""


class CannotStart(Exception):
    """A command-line tool cannot open this kiosk: the words say why, nothing was changed.

    ``config_problem`` is True when the admin must fix the configuration (a wrong key or
    value, a changed kiosk identity with records pending), False when the data is the
    problem (a damaged database, a missing or foreign answers key).
    """

    def __init__(self, message: str, *, config_problem: bool) -> None:
        super().__init__(message)
        self.config_problem = config_problem

    @property
    def kiosk_exit_code(self) -> int:
        """What ``kiosk`` ends with: 2 for the configuration, 3 for the data."""
        return EXIT_CONFIG if self.config_problem else EXIT_DATA


def open_or_exit(
    config: Path | None,
    demo: bool,
    *,
    fail: Callable[[str, int], int],
    codes: tuple[int, int],
) -> KioskApp:
    """``open_for_command`` for a command's ``main``: on CannotStart, ``fail(words, code)``
    tells the admin why and the command exits with the first code for a configuration
    problem, the second for a data problem."""
    try:
        return open_for_command(config, demo)
    except CannotStart as exc:
        config_code, data_code = codes
        raise SystemExit(fail(str(exc), config_code if exc.config_problem else data_code)) from None


def open_for_command(config: Path | None, demo: bool) -> KioskApp:
    """The kiosk the admin's commands (kiosk-sync, kiosk-admin) work on; raises CannotStart."""
    from kiosk.config_file import config_path

    return open_kiosk(config_path(config, demo))


def open_kiosk(path: Path, *, log_to_files: bool = False) -> KioskApp:
    """Read the configuration and build the kiosk from it; raises CannotStart.

    ``log_to_files``: also write the log to the data dir's ``logs/`` (the touchscreen app).
    """
    from kiosk.config import ConfigError, load_config
    from kiosk.store.answer_cipher import AnswerKeyError
    from kiosk.store.db import StoreError
    from kiosk.store.identity import KioskIdentityChanged

    try:
        settings = load_config(path)
        if log_to_files:
            from kiosk.logsetup import configure_logging

            configure_logging(settings.resolved_data_dir() / "logs")
        return build_app(settings)
    except (ConfigError, KioskIdentityChanged) as exc:
        raise CannotStart(str(exc), config_problem=True) from None
    except AnswerKeyError as exc:  # missing, damaged or not this database's: change nothing
        raise CannotStart(str(exc), config_problem=False) from None
    except StoreError as exc:  # a damaged database: say so, change nothing
        raise CannotStart(
            f"the local database cannot be opened: {exc}", config_problem=False
        ) from None
