"""Submits requests and queue tickets forever, printing each one as the resident would see it.

Run by ``devtools.crash_harness.run_until_killed`` (for tests/reliability/test_crash_safety.py
and ``python -m benchmarks reliability``), which kills it with SIGKILL at random moments. A
line is printed only after the use case returned, i.e. after the commit: that is the moment
the kiosk shows the number on screen and sends it to the printer.
"""

from __future__ import annotations

import sys
from pathlib import Path

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings
from kiosk.usecases import issue_ticket, submit_request


def main() -> None:
    data_dir = Path(sys.argv[1])
    app = build_app(KioskSettings(kiosk_id="crash-1", outpost="rogojampi", data_dir=data_dir))
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    n = 0
    while True:
        n += 1
        if n % 3:
            t = submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
        else:
            t = issue_ticket(app.context, "SKCK")
        sys.stdout.write(f"OK {t.ticket_id} {t.number} {t.request_id or '-'}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
