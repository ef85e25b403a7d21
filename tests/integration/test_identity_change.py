"""Changing a kiosk's kiosk_id or outpost never strands its unsent records as wrong_kiosk.

Start-up (kiosk, kiosk-sync) refuses a changed identity while records made under the old one
are pending, and says what to do; once they are sent, the change goes through.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.sample_answers import KTP_BARU
from kiosk.bootstrap import build_app
from kiosk.config import parse_config
from kiosk.store.identity import KioskIdentityChanged
from kiosk.usecases import issue_ticket, submit_request
from sync.client import SyncClient
from sync.pusher import push_pending


def settings(data: Path, kiosk_id: str = "rgj-1", outpost: str = "rogojampi", **server):
    return parse_config(
        {"kiosk_id": kiosk_id, "outpost": outpost, "data_dir": str(data), "server": server}
    )


def kiosk_with_unsent_records(data: Path, **server) -> None:
    app = build_app(settings(data, **server))
    submit_request(app.context, "KTP_BARU", KTP_BARU, language="id", notice_version="1")
    issue_ticket(app.context, "KTP_BARU")
    app.close()


@pytest.mark.parametrize(
    ("kiosk_id", "outpost"), [("rgj-2", "rogojampi"), ("rgj-1", "genteng")], ids=["id", "outpost"]
)
def test_a_changed_identity_is_refused_while_old_records_are_pending(tmp_path, kiosk_id, outpost):
    data = tmp_path / "data"
    kiosk_with_unsent_records(data)

    with pytest.raises(KioskIdentityChanged) as refused:
        build_app(settings(data, kiosk_id, outpost))

    words = str(refused.value)
    assert "3 records made as rgj-1 (rogojampi)" in words  # request + two issued events
    assert 'kiosk_id = "rgj-1"' in words and "kiosk-sync push" in words
    assert refused.value.pending == {("rgj-1", "rogojampi"): 3}
    app = build_app(settings(data))  # the old config still starts, nothing was changed
    assert app.outbox.status().pending == 3
    app.close()


def test_after_pushing_with_the_old_config_the_new_identity_starts(server, tmp_path):
    data = tmp_path / "data"
    token = server.add_kiosk("rgj-1")
    kiosk_with_unsent_records(data, url=server.url, token=token)
    old = build_app(settings(data, url=server.url, token=token))
    summary = push_pending(old.outbox, SyncClient(old.settings.server), include_not_due=True)
    old.close()
    assert summary.rejected == 0 and summary.remaining == 0

    new_token = server.add_kiosk("gtg-1", outpost="genteng")
    new = build_app(settings(data, "gtg-1", "genteng", url=server.url, token=new_token))
    try:
        issue_ticket(new.context, "KTP_BARU")
        summary = push_pending(new.outbox, SyncClient(new.settings.server), include_not_due=True)
    finally:
        new.close()
    assert (summary.accepted, summary.rejected) == (1, 0)  # the new ticket's event


def test_a_fresh_database_takes_whatever_identity_it_is_given(tmp_path):
    build_app(settings(tmp_path / "a", "rgj-9", "genteng")).close()
    build_app(settings(tmp_path / "a", "rgj-9", "genteng")).close()


def test_kiosk_and_kiosk_sync_refuse_with_words_and_no_traceback(tmp_path):
    data = tmp_path / "data"
    kiosk_with_unsent_records(data)
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "rgj-2"\noutpost = "rogojampi"\ndata_dir = "{data.as_posix()}"\n',
        encoding="utf-8",
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for module, *args in (["kiosk", "--self-check"], ["kiosk.sync_cli", "status"]):
        done = subprocess.run(
            [sys.executable, "-m", module, "--config", str(config), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, (module, done.stderr[-2000:])
        assert "records made as rgj-1 (rogojampi)" in done.stderr, done.stderr[-2000:]
        assert "kiosk-sync push" in done.stderr and "Traceback" not in done.stderr
