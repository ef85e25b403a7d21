"""``kiosk-sync`` as an admin runs it, against the real server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from devtools.backlog import seed_audit_backlog
from kiosk.sync_cli import main
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


def test_push_shows_progress_and_a_summary_then_status(server, tmp_path, capsys):
    config = write_config(tmp_path, server.url, server.add_kiosk("k-rogojampi-1"))
    seed(config, 450)

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
    assert "remaining            3" in out and "last error: network" in out


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
