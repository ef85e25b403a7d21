"""Submit one sample KTP_BARU request into the demo kiosk, without the touchscreen.

Run from the repository root (devtools is not installed)::

    .venv/bin/python -m devtools.sample_request

It opens the kiosk ``kiosk --demo`` runs (``KIOSK_DEMO_DIR`` honoured, as ``kiosk-sync
--demo`` does) and calls ``submit_request`` as the touchscreen does after the resident
accepted the data-use notice: the same answers validation, request, ticket and outbox rows,
the notice's version stored with it. Nothing is printed on paper and nothing is sent: the
next ``kiosk-sync --demo push`` (or the running demo's sync) sends it.

The tracking code goes to stdout alone, for ``CODE=$(...)``; the words around it, with the
queue number, go to stderr. Exit code 2 when the demo kiosk cannot be opened.
"""

from __future__ import annotations

import sys

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import open_or_exit
from kiosk.ui.screens.notice import load_notice
from kiosk.usecases import submit_request

SERVICE = "KTP_BARU"


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"sample_request: {message}\n")
    return code


def main() -> int:
    app = open_or_exit(None, True, fail=_fail, codes=(2, 2))
    try:
        # The notice the touchscreen shows and the resident accepts; its version is stored.
        notice = load_notice(app.settings.outpost_name, app.settings.retention_days, app.paths.root)
        ticket = submit_request(
            app.context, SERVICE, KTP_BARU, language="id", notice_version=notice.version
        )
    finally:
        app.close()
    sys.stderr.write(
        f"{SERVICE} request saved in the demo kiosk ({app.paths.root}): "
        f"queue number {ticket.number}, tracking code {ticket.tracking_code}\n"
    )
    sys.stdout.write(f"{ticket.tracking_code}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
