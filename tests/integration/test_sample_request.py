"""`python -m devtools.sample_request`: one KTP request in the demo kiosk, no touchscreen.

Run as the docs say (from the repository root, the demo under ``KIOSK_DEMO_DIR``); what it
printed is then looked up as a resident would at the kiosk's "Cek Status".
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from kiosk.bootstrap import open_for_command
from kiosk.store.models import QueueTicket, ServiceRequest
from kiosk.usecases.status import lookup

REPO = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


def _sample_request(demo_dir: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(demo_dir))
    return subprocess.run(
        [sys.executable, "-m", "devtools.sample_request"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sample_request_prints_a_tracking_code_the_demo_kiosk_knows(tmp_path, monkeypatch):
    result = _sample_request(tmp_path)

    assert result.returncode == 0, result.stderr[-2000:]
    code = result.stdout.strip()
    assert CODE.match(code), result.stdout
    assert f"queue number A-001, tracking code {code}" in result.stderr
    assert (tmp_path / "demo" / "kiosk.toml").is_file()  # KIOSK_DEMO_DIR/demo, as kiosk --demo

    monkeypatch.setenv("KIOSK_DEMO_DIR", str(tmp_path))
    app = open_for_command(None, True)
    try:
        view = lookup(app.context, code)
        with app.store.uow(read_only=True) as uow:
            request = uow.session.scalars(select(ServiceRequest)).one()
            ticket = uow.session.get_one(QueueTicket, request.ticket_id)
            stored = (ticket.number, ticket.tracking_code, request.notice_version)
    finally:
        app.close()
    assert (view.service_code, view.state) == ("KTP_BARU", "waiting_to_send")
    notice = json.loads((REPO / "resources" / "notice" / "pdp_notice.json").read_text("utf-8"))
    # one ticket with that code, and the version of the notice the resident accepts
    assert stored == ("A-001", code, notice["version"])


def test_each_run_submits_one_more_request(tmp_path):
    first = _sample_request(tmp_path)
    second = _sample_request(tmp_path)

    assert second.returncode == 0, second.stderr[-2000:]
    assert "queue number A-002" in second.stderr
    assert second.stdout.strip() != first.stdout.strip()


def test_a_broken_demo_config_is_named_and_nothing_is_printed_on_stdout(tmp_path):
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "kiosk.toml").write_text('kiosk_id = "x"\noutpost = "jember"\n', "utf-8")

    result = _sample_request(tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("sample_request: ") and "outpost" in result.stderr
