"""``kiosk``: start the touchscreen app, or check an installation with ``--self-check``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from kiosk.config_file import APP_NAME, demo_config_text

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskApp

DEMO_OPERATOR_PIN = "246810"
DEMO_ADMIN_PIN = "135790"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="PPP Kiosk touchscreen app")
    parser.add_argument("--config", type=Path, help="path of kiosk.toml")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="run offline at once on a sample configuration and database",
    )
    parser.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check store, catalogue and printing headless, then exit",
    )
    # The LAN service's own process, started by the touchscreen app (kiosk.lan.supervisor).
    parser.add_argument("--lan-service", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--print-test",
        action="store_true",
        help="print the test page on the configured printer, say how the printer is, then exit "
        "(0 ready, 3 status unknown, 4 needs attention, 5 not printed)",
    )
    return parser


def demo_config_path() -> Path:
    """The demo's own folder: config, database and printouts; made on first use."""
    root = (
        Path(
            os.environ.get("KIOSK_DEMO_DIR")
            or platformdirs.user_data_dir(APP_NAME, appauthor=False)
        )
        / "demo"
    )
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = root / "kiosk.toml"
    if not path.exists():
        path.write_text(demo_config_text(root / "data"), encoding="utf-8")
    return path


def seed_demo_operators(app: KioskApp) -> None:
    """The demo's two sample accounts, in the demo's own database only: a real kiosk gets
    its accounts from ``kiosk-admin`` (kiosk.admin_cli)."""
    from kiosk.usecases import add_operator
    from kiosk.usecases.operators import has_operators

    if not has_operators(app.context):
        add_operator(app.context, "Petugas Demo", "operator", DEMO_OPERATOR_PIN)
        add_operator(app.context, "Admin Demo", "admin", DEMO_ADMIN_PIN)


def run_print_test(app: KioskApp) -> int:
    """Print the test page and say, in Indonesian then English, how the printer is."""
    from kiosk.printer_check import print_test_page
    from kiosk.ui.i18n import tr

    check = print_test_page(
        app.printer, app.settings.printer.profile, app.settings.outpost_name, app.context.clock
    )
    for language in ("id", "en"):
        sys.stdout.write(" ".join(tr(key, language) for key in check.keys) + "\n")
    if check.detail:
        sys.stdout.write(f"({app.printer.backend}: {' '.join(check.detail.split())})\n")
    return check.exit_code


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    from kiosk.config_file import config_path

    path = config_path(args.config, args.demo)
    if args.lan_service:
        from kiosk.lan.service import run_lan_service

        return run_lan_service(path, demo=args.demo, parent_pid=args.parent_pid)
    if not (args.self_check or args.print_test):
        # Home is painted first; the store, the catalogue and the rest arrive behind it.
        from kiosk.ui.app import run_gui

        return run_gui(path, windowed=args.windowed or args.demo, demo=args.demo)

    from kiosk.bootstrap import CannotStart, open_kiosk

    try:
        app = open_kiosk(path, log_to_files=True)
    except CannotStart as exc:
        sys.stderr.write(f"kiosk: {exc}\n")
        return exc.kiosk_exit_code
    if args.demo:
        seed_demo_operators(app)
    if args.self_check:
        from kiosk.selfcheck import run_self_check

        return run_self_check(app)
    return run_print_test(app)


if __name__ == "__main__":
    raise SystemExit(main())
