"""``kiosk-admin`` as an admin runs it: operators on a real kiosk file, PINs never in argv."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.admin_cli import main
from kiosk.bootstrap import build_app
from kiosk.config import load_config
from kiosk.store.models import AuditEntry
from kiosk.usecases import ConsoleLocked, PinRejected, unlock_console

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        'kiosk_id = "k-rogojampi-1"\noutpost = "rogojampi"\n'
        f'data_dir = "{(tmp_path / "data").as_posix()}"\n'
        f'[printer]\nbackend = "pdf_folder"\npdf_folder = "{(tmp_path / "pdf").as_posix()}"\n',
        encoding="utf-8",
    )
    return path


class Terminal:
    """Stands in for getpass: hands out the typed answers, remembers the prompts."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


def admin(config: Path, *args: str, typed: tuple[str, ...] = (), stdin: str = "") -> tuple:
    out = io.StringIO()
    terminal = Terminal(*typed)
    code = main(["--config", str(config), *args], ask=terminal, stdin=io.StringIO(stdin), out=out)
    return code, out.getvalue(), terminal


def sign_in(config: Path, pin: str) -> str:
    app = build_app(load_config(config))
    try:
        return unlock_console(app.context, pin).name
    finally:
        app.close()


def audit_actions(config: Path) -> list[tuple[str, dict]]:
    app = build_app(load_config(config))
    try:
        with app.context.uow(read_only=True) as uow:
            rows = uow.session.execute(select(AuditEntry.action, AuditEntry.detail))
            return [(row.action, row.detail) for row in rows]
    finally:
        app.close()


def test_add_asks_for_the_pin_twice_and_the_account_signs_in(config, capsys):
    code, out, terminal = admin(
        config,
        "operators",
        "add",
        "--name",
        "Siti Rahayu",
        "--role",
        "admin",
        typed=("739164", "739164"),
    )
    assert code == 0, capsys.readouterr().err
    assert "added admin 'Siti Rahayu'" in out
    assert len(terminal.prompts) == 2 and all("PIN" in p for p in terminal.prompts)
    assert sign_in(config, "739164") == "Siti Rahayu"
    added = [detail for action, detail in audit_actions(config) if action == "operator_added"]
    assert added[0]["role"] == "admin" and added[0]["via"].startswith("kiosk-admin (")


def test_two_different_pins_change_nothing(config, capsys):
    code, out, _ = admin(config, "operators", "add", "--name", "Budi", typed=("482913", "482914"))
    assert code == 1
    assert "the two PINs differ" in capsys.readouterr().err
    assert admin(config, "operators", "list", "--json")[1].strip() == "[]"


@pytest.mark.parametrize("given", [["--pin", "482913"], ["--pin=482913"], ["--pin"]])
def test_a_pin_on_the_command_line_is_refused(config, capsys, given):
    with pytest.raises(SystemExit) as caught:
        main(["--config", str(config), "operators", "add", "--name", "Budi", *given])
    assert caught.value.code == 2
    assert "unrecognized arguments: --pin" in capsys.readouterr().err


def test_pin_stdin_for_scripts(config):
    code, _, terminal = admin(
        config, "operators", "add", "--name", "Budi", "--pin-stdin", stdin="482913\n"
    )
    assert code == 0 and terminal.prompts == []
    assert sign_in(config, "482913") == "Budi"


def test_weak_and_shared_pins_are_refused_in_words(config, capsys):
    assert admin(config, "operators", "add", "--name", "A", typed=("123456", "123456"))[0] == 1
    assert "6 to 12 digits" in capsys.readouterr().err
    admin(config, "operators", "add", "--name", "A", typed=("482913", "482913"))
    assert admin(config, "operators", "add", "--name", "B", typed=("482913", "482913"))[0] == 1
    assert "another account has this PIN" in capsys.readouterr().err
    assert admin(config, "operators", "add", "--name", "a", typed=("571830", "571830"))[0] == 1
    assert "exists already" in capsys.readouterr().err


def test_disable_enable_and_set_pin(config, capsys):
    admin(
        config,
        "operators",
        "add",
        "--name",
        "Siti",
        "--role",
        "admin",
        typed=("739164", "739164"),
    )
    admin(config, "operators", "add", "--name", "Budi", typed=("482913", "482913"))

    assert admin(config, "operators", "disable", "budi")[0] == 0
    with pytest.raises(PinRejected):
        sign_in(config, "482913")
    listed = json.loads(admin(config, "operators", "list", "--json")[1])
    assert [(a["name"], a["active"]) for a in listed] == [("Siti", True), ("Budi", False)]

    assert admin(config, "operators", "enable", "Budi")[0] == 0
    code, out, _ = admin(config, "operators", "set-pin", "Budi", typed=("571830", "571830"))
    assert code == 0 and "new PIN set for operator 'Budi'" in out
    assert sign_in(config, "571830") == "Budi"
    with pytest.raises(PinRejected):
        sign_in(config, "482913")

    # The last active admin stays: the console would have no admin panel.
    assert admin(config, "operators", "disable", "Siti")[0] == 1
    assert "only active admin" in capsys.readouterr().err
    actions = [action for action, _ in audit_actions(config)]
    for action in ("operator_disabled", "operator_enabled", "operator_pin_set"):
        assert action in actions


def test_list_on_a_new_kiosk_says_how_to_begin(config):
    code, out, _ = admin(config, "operators", "list")
    assert code == 0
    assert "kiosk-admin operators add --role admin --name NAME" in out


def test_lockout_clear(config):
    admin(config, "operators", "add", "--name", "Budi", typed=("482913", "482913"))
    app = build_app(load_config(config))
    for _ in range(4):
        with pytest.raises(PinRejected):
            unlock_console(app.context, "000001")
    with pytest.raises(ConsoleLocked):
        unlock_console(app.context, "000001")
    app.close()

    code, out, _ = admin(config, "lockout")
    assert code == 0 and "is locked: about 5 min left" in out
    code, out, _ = admin(config, "lockout", "--clear")
    assert code == 0 and "lockout cleared" in out
    assert sign_in(config, "482913") == "Budi"
    assert "console_lock_cleared" in [action for action, _ in audit_actions(config)]


def test_kiosk_admin_is_an_installed_command():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["kiosk-admin"] == "kiosk.admin_cli:main"


def test_self_check_without_an_admin_says_how_to_create_one(config):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no admin account yet" in done.stdout
    assert "kiosk-admin operators add --role admin --name NAME" in done.stdout
    assert done.stdout.strip().splitlines()[-1].startswith("self-check ok")

    admin(
        config,
        "operators",
        "add",
        "--name",
        "Siti",
        "--role",
        "admin",
        typed=("739164", "739164"),
    )
    again = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config), "--self-check"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert again.returncode == 0 and "no admin" not in again.stdout
