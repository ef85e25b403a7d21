"""``kiosk-sync`` as an admin runs it, against the real server on loopback."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from devtools.backlog import seed_audit_backlog
from forms.wib import WIB
from kiosk.sync_cli import EXIT_CONFIG, main
from sync.lock import PushLock


def write_config(tmp_path: Path, url: str, token: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        'kiosk_id = "k-rogojampi-1"\noutpost = "rogojampi"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n'
        f'[server]\nurl = "{url}"\ntoken = "{token}"\n',
        encoding="utf-8",
    )
    return path


def seed(config: Path, count: int) -> None:
    from kiosk.bootstrap import build_app
    from kiosk.config import load_config

    app = build_app(load_config(config))
    seed_audit_backlog(app.store.engine, count)
    app.close()


def test_push_shows_progress_and_a_summary_then_status(server, tmp_path, capsys, monkeypatch):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 450)

    monkeypatch.setattr("kiosk.sync_cli._is_terminal", lambda stream: True)
    assert main(["--config", str(config), "push"]) == 0
    out, err = capsys.readouterr()
    assert "450/450 records" in err and "rec/s" in err and "ETA" in err
    assert "accepted           450" in out and "remaining            0" in out
    assert "server holds 450 records of this kiosk: ok" in out

    assert main(["--config", str(config), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert (status["pending"], status["sent"], status["dead"]) == (0, 450, 0)


def test_push_exits_non_zero_when_the_server_is_down(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 3)
    server.kill()

    assert main(["--config", str(config), "push"]) == 1
    out = capsys.readouterr().out
    assert "remaining            3" in out
    assert f"last error talking to {server.url}: network" in out  # the URL it tried
    assert "nothing was sent: is the server up" in out


def test_a_push_with_nothing_to_send_still_names_the_server_it_could_not_reach(
    server, tmp_path, capsys
):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 0)
    server.kill()

    assert main(["--config", str(config), "push"]) == 1  # the count check could not be made
    assert f"count check not done, talking to {server.url}: network" in capsys.readouterr().out


def test_push_with_a_bad_token_exits_3(server, tmp_path, capsys):
    server.add_kiosk("k-rogojampi-1")
    config = write_config(tmp_path, server.url, "nope")
    seed(config, 1)
    assert main(["--config", str(config), "push"]) == 3
    assert "401" in capsys.readouterr().err


def test_push_while_another_push_runs_exits_4(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 1)
    with PushLock(tmp_path / "data" / "sync.lock"):
        assert main(["--config", str(config), "push"]) == 4
    assert "another sync push is running" in capsys.readouterr().err


def test_pull_saves_a_checked_catalogue_and_uses_the_etag(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 0)
    old_form = tmp_path / "data" / "catalogue" / "forms" / "retired_form.v1.json"

    assert main(["--config", str(config), "pull"]) == 0
    assert "saved in" in capsys.readouterr().out
    saved = tmp_path / "data" / "catalogue"
    assert (saved / "catalogue.json").exists() and (saved / "forms" / "legalisir.v1.json").exists()
    legalisir = json.loads((saved / "forms" / "legalisir.v1.json").read_text())
    old_form.write_text(json.dumps({**legalisir, "id": "retired_form"}))

    assert main(["--config", str(config), "pull"]) == 0
    assert "unchanged" in capsys.readouterr().out
    (saved / ".etag").write_text('"stale"')
    assert main(["--config", str(config), "pull"]) == 0
    assert old_form.exists()  # forms of records already captured are kept


def test_retry_dead(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    assert main(["--config", str(config), "retry-dead"]) == 0
    assert "0 records queued again" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["push", "pull"])
def test_an_empty_token_is_reported_before_anyone_is_contacted(tmp_path, capsys, command):
    with socket.socket() as listener:  # stands where the server would: counts connections
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        config = write_config(tmp_path, url, "")
        seed(config, 2)

        assert main(["--config", str(config), command]) == EXIT_CONFIG
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody called
    err = capsys.readouterr().err
    assert "[server] token is empty" in err and str(config) in err
    assert "mpp-server add-kiosk k-rogojampi-1 --outpost rogojampi" in err


def test_status_times_carry_their_zone_and_labels_line_up(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 2)
    assert main(["--config", str(config), "push"]) == 0
    capsys.readouterr()

    assert main(["--config", str(config), "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    for moment in (status["last_success_at"], status["clock"]["now"]):
        assert moment.endswith("+00:00"), moment
    succeeded = datetime.fromisoformat(status["last_success_at"])

    assert main(["--config", str(config), "status"]) == 0
    lines = capsys.readouterr().out.splitlines()
    labels = {line[:13].rstrip(): line[14:] for line in lines}
    wib = succeeded.astimezone(WIB)
    assert labels["last success"] == f"{wib:%Y-%m-%d %H:%M:%S} WIB"
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WIB on this kiosk;", labels["clock"])
    assert (labels["pending"], labels["sent"], labels["dead"]) == ("0", "2", "0")
    for line in lines:  # every value starts in the same column
        assert re.match(r"^[a-zA-Z ]{13} \S", line), line


def test_a_push_into_a_log_gets_the_summary_without_a_progress_bar(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 120)

    assert main(["--config", str(config), "push"]) == 0  # stderr is not a terminal here
    out, err = capsys.readouterr()
    assert "accepted           120" in out
    assert "records" not in err and "\r" not in err, err


def test_status_into_a_closed_pipe_stops_quietly(tmp_path):
    """``kiosk-sync status | head -1``: the reader has gone before the status is written."""
    config = write_config(tmp_path, "http://127.0.0.1:9", "token")
    reader_gone = subprocess.Popen(
        [sys.executable, "-m", "kiosk.sync_cli", "--config", str(config), "status"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader_gone.stdout.close()  # before the child has started, let alone written
    err = reader_gone.stderr.read().decode()
    reader_gone.stderr.close()
    assert reader_gone.wait(timeout=60) == 1
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
