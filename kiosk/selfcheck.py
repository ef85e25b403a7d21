"""``kiosk --self-check``: prove an installation works, headless, and say so in one line."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

from sqlalchemy import text

from kiosk.admin_cli import admin_setup_note
from kiosk.bootstrap import KioskApp
from kiosk.disk_encryption import data_volume_encryption, self_check_line
from kiosk.usecases.clock_check import clock_status, warning_lines


def run_self_check(app: KioskApp) -> int:
    problems: list[str] = []
    with app.store.engine.connect() as conn:
        result = conn.execute(text("PRAGMA integrity_check")).scalar_one()
        if result != "ok":
            problems.append(f"store: integrity_check says {result}")
    try:  # the answers' encryption: its native code must load, and a round trip must hold
        cipher = app.context.cipher
        if (
            cipher is not None
            and cipher.decrypt(cipher.encrypt("ok", "self-check"), "self-check") != "ok"
        ):
            problems.append("store: the answer cipher does not round-trip")
    except Exception as exc:  # noqa: BLE001 - a self-check reports every failure
        problems.append(f"store: answer cipher: {exc!r}")
    services = list(getattr(app.catalogue, "services", []))
    if not services:
        problems.append("catalogue: no services")
    try:
        from printing.content import TestPage
        from printing.pdf import render_pdf

        page = TestPage(
            printer_name=app.settings.printer.backend,
            profile=app.settings.printer.profile,
            printed_at=datetime.now(UTC),
        )
        pdf = render_pdf(page, paper="80mm")
        if not pdf.startswith(b"%PDF"):
            problems.append("printing: the test page is not a PDF")
        # ... and as a thermal printer's bytes, the big number and the QR code drawn as
        # pictures (Pillow, its fonts, python-escpos and its capability data all load)
        from printing.escpos_render import render_escpos

        escpos = render_escpos(page, profile=app.settings.printer.profile, native_qr=False)
        if b"\x1dv0" not in escpos:  # GS v 0: a raster image
            problems.append("printing: the ESC/POS test page holds no picture")
    except Exception as exc:  # noqa: BLE001 - a self-check reports every failure
        problems.append(f"printing: {exc!r}")
    try:
        from kiosk.ui.app import check_gui

        check_gui(app)
    except Exception as exc:  # noqa: BLE001
        problems.append(f"ui: {exc!r}")
    if problems:
        for problem in problems:
            sys.stderr.write(f"self-check failed: {problem}\n")
        return 1
    sys.stdout.write(admin_setup_note(app.context))  # while no admin: how to make one
    sys.stdout.write(disk_encryption_line(app))  # a warning at most, never a failure
    sys.stdout.write(clock_lines(app))  # warnings at most: a wrong clock does not stop it
    sys.stdout.write(f"self-check ok ({len(services)} services)\n")
    return 0


def clock_lines(app: KioskApp) -> str:
    """A warning line per sign that the clock is wrong (kiosk.usecases.clock_check)."""
    lines = warning_lines(clock_status(app.context))
    return "".join(f"warning: clock: {line}\n" for line in lines)


def disk_encryption_line(app: KioskApp) -> str:
    folder = app.paths.root
    sealed = app.settings.answer_key.store == "systemd-creds"
    return self_check_line(folder, sealed, data_volume_encryption(folder))
