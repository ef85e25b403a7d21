"""A kiosk's life on the server: added once, its token rotated, disabled and enabled again.

``mpp-server`` runs in this process (its ``main``); the API is the real server on loopback,
and a disabled kiosk's admin reads why in ``kiosk-sync status``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from kiosk.sync_cli import EXIT_AUTH
from kiosk.sync_cli import main as kiosk_sync
from mpp_server.cli import main as mpp_server
from mpp_server.db import open_engine
from mpp_server.models import Kiosk
from tests.integration.test_sync_cli import seed, write_config


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = mpp_server(list(argv))
    out, err = capsys.readouterr()
    return code, out.strip(), err


def add(capsys, url: str, kiosk_id: str, outpost: str = "rogojampi") -> str:
    code, token, err = run(
        capsys, "add-kiosk", kiosk_id, "--outpost", outpost, "--database-url", url
    )
    assert code == 0, err
    return token


def summary(base: str, token: str) -> requests.Response:
    return requests.get(
        base + "/api/v1/kiosks/me/summary", headers={"Authorization": f"Bearer {token}"}
    )


def test_add_kiosk_refuses_an_id_that_exists_and_keeps_its_token(server, capsys):
    token = add(capsys, server.database_url, "k-rogojampi-1")

    code, out, err = run(
        capsys, "add-kiosk", "k-rogojampi-1", "--outpost", "genteng",
        "--database-url", server.database_url,
    )  # fmt: skip

    assert code == 1 and out == ""
    assert "k-rogojampi-1 already exists" in err and "rotate-token k-rogojampi-1" in err
    assert summary(server.url, token).status_code == 200
    engine = open_engine(server.database_url)
    with engine.connect() as connection:
        assert connection.scalar(select(Kiosk.outpost)) == "rogojampi"
    engine.dispose()


@pytest.mark.parametrize(
    ("kiosk_id", "outpost", "words"),
    [
        ("k-banyuwangi-1", "banyuwangi", "unknown outpost 'banyuwangi'; known: genteng, rogojampi"),
        ("k-rogojampi-1", "Rogojampi", "unknown outpost 'Rogojampi'"),
        ("k rogojampi 1", "rogojampi", "not a usable kiosk id"),
        ("k" * 65, "rogojampi", "not a usable kiosk id"),
    ],
)
def test_add_kiosk_refuses_unknown_outposts_and_unusable_ids(
    tmp_path, capsys, kiosk_id, outpost, words
):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    code, out, err = run(capsys, "add-kiosk", kiosk_id, "--outpost", outpost, "--database-url", url)
    assert (code, out) == (1, "") and words in err
    engine = open_engine(url)
    with engine.connect() as connection:
        assert connection.scalars(select(Kiosk.id)).all() == []
    engine.dispose()


def test_outposts_come_from_the_served_catalogue(tmp_path, capsys):
    catalogue = tmp_path / "catalogue"
    catalogue.mkdir()
    villages = {
        "source": "test",
        "outposts": {"srono": {"villages": [{"code": "3510010001", "name": "Srono"}]}},
    }
    (catalogue / "villages.json").write_text(json.dumps(villages), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'server.db'}"
    args = ("--database-url", url, "--catalog-dir", str(catalogue))

    code, _out, err = run(capsys, "add-kiosk", "k-srono-1", "--outpost", "srono", *args)
    assert code == 0, err
    code, _out, err = run(capsys, "add-kiosk", "k-genteng-1", "--outpost", "genteng", *args)
    assert code == 1 and "known: srono" in err


def test_rotate_token_gives_a_new_token_and_the_old_one_stops(server, capsys):
    old = add(capsys, server.database_url, "k-rogojampi-1")

    code, new, err = run(
        capsys, "rotate-token", "k-rogojampi-1", "--database-url", server.database_url
    )

    assert code == 0 and new and new != old and "not shown again" in err
    assert summary(server.url, old).status_code == 401
    assert summary(server.url, new).json()["kiosk_id"] == "k-rogojampi-1"


def test_lifecycle_commands_refuse_an_unknown_id(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    for command in ("rotate-token", "disable-kiosk", "enable-kiosk"):
        code, out, err = run(capsys, command, "k-nobody", "--database-url", url)
        assert (code, out) == (1, "") and "no kiosk k-nobody" in err, command


def test_a_disabled_kiosk_gets_403_with_words_until_enabled(server, capsys):
    token = add(capsys, server.database_url, "k-rogojampi-1")

    code, _out, err = run(
        capsys, "disable-kiosk", "k-rogojampi-1", "--database-url", server.database_url
    )
    assert code == 0 and "disabled" in err

    refused = summary(server.url, token)
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/json"
    assert refused.json() == {
        "error": "kiosk_disabled",
        "detail": "kiosk k-rogojampi-1 is disabled on the MPP server: nothing it sends is "
        "accepted until the server's admin enables it (mpp-server enable-kiosk)",
    }

    code, _out, err = run(
        capsys, "enable-kiosk", "k-rogojampi-1", "--database-url", server.database_url
    )
    assert code == 0 and "enabled" in err
    assert summary(server.url, token).status_code == 200


def test_the_kiosk_admin_reads_why_in_kiosk_sync_status(server, tmp_path: Path, capsys):
    token = add(capsys, server.database_url, "k-rogojampi-1")
    config = write_config(tmp_path, server.url, token)
    seed(config, 2)
    assert (
        run(capsys, "disable-kiosk", "k-rogojampi-1", "--database-url", server.database_url)[0] == 0
    )

    assert kiosk_sync(["--config", str(config), "push"]) == EXIT_AUTH
    pushed = capsys.readouterr().err
    assert kiosk_sync(["--config", str(config), "status"]) == 0
    status = capsys.readouterr().out

    for shown in (pushed, status):
        assert "server refused this kiosk (HTTP 403): kiosk k-rogojampi-1 is disabled" in shown
        assert "until the server's admin enables it (mpp-server enable-kiosk)" in shown
    assert "check [server] token" not in pushed  # the token is fine: the kiosk is disabled
    assert "\npending       2\n" in status


def test_a_kiosk_with_a_rotated_token_is_told_to_check_its_token(server, tmp_path, capsys):
    old = add(capsys, server.database_url, "k-rogojampi-1")
    config = write_config(tmp_path, server.url, old)
    seed(config, 1)
    assert (
        run(capsys, "rotate-token", "k-rogojampi-1", "--database-url", server.database_url)[0] == 0
    )

    assert kiosk_sync(["--config", str(config), "push"]) == EXIT_AUTH
    err = capsys.readouterr().err
    assert "HTTP 401" in err and "check [server] token" in err


def test_list_kiosks_shows_each_kiosk_and_whether_it_is_enabled(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'server.db'}"
    add(capsys, url, "k-rogojampi-1")
    add(capsys, url, "k-genteng-1", "genteng")
    run(capsys, "disable-kiosk", "k-genteng-1", "--database-url", url)

    code, out, _err = run(capsys, "list-kiosks", "--database-url", url)

    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    assert lines[1].split()[:3] == ["k-genteng-1", "genteng", "disabled"]
    assert lines[2].split()[:3] == ["k-rogojampi-1", "rogojampi", "enabled"]
