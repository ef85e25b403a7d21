"""What an MPP admin does with accounts on the real server over loopback: staff names found
letter case aside, the back-office clients listed, revoked and given new tokens, the staff
listed, a password that never arrived on stdin, and the audit log read in words. SQLite
always; PostgreSQL too when ``MPP_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import ast
import html
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import mpp_server
from mpp_server.accounts import MAX_FAILED_SIGNINS, hash_password, sign_in
from mpp_server.models import AuditEntry, BackOfficeClient, StaffUser
from mpp_server.pages import AUDIT_WORDS
from tests.integration.test_staff_accounts import (
    NEW_PASSWORD,
    on_people_page,
    password_hash,
    run_cli,
    try_sign_in,
)
from tests.integration.test_status_server import (
    PASSWORD,
    ROOMY,
    Server,
    _bearer,
    _start,
    audit_rows,
    new_code,
    push,
    service_request,
    set_on_page,
    signed_in,
)


@pytest.fixture
def server(any_db_url: str) -> Iterator[Server]:
    """Officer ``siti``, ``admin`` (both PASSWORD) and back-office client ``simpel``."""
    yield from _start(any_db_url, ROOMY)


def staff_names(server: Server) -> list[str]:
    with Session(server.engine) as session:
        return sorted(session.scalars(select(StaffUser.name)))


def active(server: Server, name: str) -> bool:
    with Session(server.engine) as session:
        return session.scalars(select(StaffUser.active).where(StaffUser.name == name)).one()


def page_text(page: str) -> str:
    """What a person reads on a page: the tags gone, the spaces squeezed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


# --- staff names, letter case aside --------------------------------------------------------


def test_add_staff_refuses_a_name_that_differs_only_in_letter_case(
    server, any_db_url, monkeypatch, capsys
):
    before = audit_rows(server)
    code = run_cli(
        monkeypatch, any_db_url, "add-staff", "Siti", "--role", "officer", stdin=NEW_PASSWORD
    )
    assert code == 1
    assert "staff user siti already exists; nothing changed" in capsys.readouterr().err
    assert staff_names(server) == ["admin", "siti"]
    assert audit_rows(server) == before
    people = signed_in(server, "admin").get(server.url + "/staff/people").text
    assert "Siti" not in people


def test_sign_in_and_the_account_commands_find_a_name_letter_case_aside(
    server, any_db_url, monkeypatch, capsys
):
    assert try_sign_in(server, "SITI", PASSWORD).url.endswith("/staff")
    assert ("siti", "sign_in", None) in audit_rows(server), "audited by its stored spelling"

    assert run_cli(monkeypatch, any_db_url, "disable-staff", "SITI") == 0
    assert "staff user SITI disabled" in capsys.readouterr().err
    assert not active(server, "siti")
    assert try_sign_in(server, "siti", PASSWORD).status_code == 401
    assert run_cli(monkeypatch, any_db_url, "enable-staff", "Siti") == 0
    assert run_cli(monkeypatch, any_db_url, "set-password", "sItI", stdin=NEW_PASSWORD) == 0
    assert try_sign_in(server, "Siti", NEW_PASSWORD).url.endswith("/staff")

    admin = signed_in(server, "ADMIN")
    answer = on_people_page(server, admin, "disable", "SiTi")
    assert answer.status_code == 200 and "dinonaktifkan" in answer.text
    assert not active(server, "siti")
    assert staff_names(server) == ["admin", "siti"], "the stored spelling stays"
    cli_rows = [(act, detail) for actor, act, detail in audit_rows(server) if actor == "cli"]
    assert ("staff_disabled", "siti") in cli_rows and ("password_reset", "siti") in cli_rows
    assert ("admin", "staff_disabled", "siti") in audit_rows(server)


def test_two_users_differing_only_in_letter_case_are_ambiguous_and_nobody_is_picked(
    server, any_db_url, monkeypatch, capsys
):
    # given a database from before the rule, holding both "siti" and "Siti"
    with Session(server.engine) as session, session.begin():
        session.add(
            StaffUser(
                name="Siti", role="officer", password_hash=hash_password(PASSWORD),
                active=True, failed_signins=0, created_at=datetime.now(UTC),
            )
        )  # fmt: skip
    hashes = {name: password_hash(server, name) for name in ("siti", "Siti")}
    before = audit_rows(server)

    for command in ("disable-staff", "enable-staff", "set-password"):
        assert run_cli(monkeypatch, any_db_url, command, "SITI", stdin=NEW_PASSWORD) == 1
        said = capsys.readouterr().err
        assert "ambiguous" in said and "Siti, siti" in said and "nothing changed" in said
    assert audit_rows(server) == before
    assert active(server, "siti") and active(server, "Siti")
    assert {name: password_hash(server, name) for name in ("siti", "Siti")} == hashes

    assert try_sign_in(server, "siti", PASSWORD).status_code == 401
    assert audit_rows(server)[-1] == ("siti", "sign_in_failed", "ambiguous name")

    answer = on_people_page(server, signed_in(server, "admin"), "disable", "siti")
    assert answer.status_code == 422
    assert "ganda" in answer.text and "ambiguous" in answer.text
    assert active(server, "siti") and active(server, "Siti")


# --- a password that never arrived ----------------------------------------------------------


@pytest.mark.parametrize(
    "argv", [["set-password", "siti"], ["add-staff", "dodi", "--role", "officer"]]
)
def test_nothing_on_stdin_is_no_password_not_a_short_one(
    server, any_db_url, monkeypatch, capsys, argv
):
    before = audit_rows(server)
    old_hash = password_hash(server, "siti")
    with open(os.devnull) as nothing:  # `mpp-server ... </dev/null`
        monkeypatch.setattr("sys.stdin", nothing)
        from mpp_server.cli import main as mpp_server_cli

        assert mpp_server_cli([*argv, "--database-url", any_db_url]) == 1
    said = capsys.readouterr().err
    assert "no password was given on stdin; nothing changed" in said
    assert "at least" not in said
    assert password_hash(server, "siti") == old_hash
    assert staff_names(server) == ["admin", "siti"] and audit_rows(server) == before


# --- listing ----------------------------------------------------------------------------


def columns(line: str, header: str, *names: str) -> list[str]:
    """The cells of ``line`` under each of ``header``'s column names."""
    starts = [header.index(name) for name in names] + [None]
    return [line[a:b].strip() for a, b in zip(starts, starts[1:], strict=False)]


def test_list_staff_shows_roles_and_who_is_disabled_or_locked(
    server, any_db_url, monkeypatch, capsys
):
    run_cli(monkeypatch, any_db_url, "add-staff", "budi.santoso", "--role", "officer",
            stdin=PASSWORD)  # fmt: skip
    for _ in range(MAX_FAILED_SIGNINS):
        sign_in(server.engine, "budi.santoso", "salah-salah", address=None, now=datetime.now(UTC))
    run_cli(monkeypatch, any_db_url, "disable-staff", "siti")
    capsys.readouterr()

    assert run_cli(monkeypatch, any_db_url, "list-staff") == 0
    header, *lines = capsys.readouterr().out.splitlines()
    names = ("name", "role", "state", "locked until (UTC)")
    rows = {(cells := columns(line, header, *names))[0]: cells[1:] for line in lines}
    assert set(rows) == {"admin", "budi.santoso", "siti"}
    assert rows["admin"] == ["admin", "active", "-"]
    assert rows["siti"] == ["officer", "disabled", "-"]
    role, state, locked = rows["budi.santoso"]
    assert (role, state) == ("officer", "active")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", locked), locked


def test_list_backoffice_shows_each_client_and_whether_it_is_revoked(
    server, any_db_url, monkeypatch, capsys
):
    assert run_cli(monkeypatch, any_db_url, "add-backoffice", "simpel-cadangan") == 0
    assert run_cli(monkeypatch, any_db_url, "revoke-backoffice", "simpel") == 0
    capsys.readouterr()

    assert run_cli(monkeypatch, any_db_url, "list-backoffice") == 0
    header, *lines = capsys.readouterr().out.splitlines()
    rows = [columns(line, header, "name", "state", "added (UTC)") for line in lines]
    assert [row[:2] for row in rows] == [["simpel", "revoked"], ["simpel-cadangan", "active"]]
    day = datetime.now(UTC).strftime("%Y-%m-%d")
    assert all(row[2].startswith(day) for row in rows), rows


# --- back-office clients --------------------------------------------------------------------


def test_a_revoked_client_is_refused_at_once_and_a_new_token_lets_it_in_again(
    server, any_db_url, monkeypatch, capsys
):
    code = new_code()
    push(server, service_request(code))
    history = f"{server.url}/api/v1/requests/{code}"
    assert server.backoffice.get(history).status_code == 200

    assert run_cli(monkeypatch, any_db_url, "revoke-backoffice", "simpel") == 0
    assert "revoked" in capsys.readouterr().err
    refused = server.backoffice.get(history)
    assert refused.status_code == 401, "the running server refuses the token at once"
    assert (
        server.backoffice.post(history + "/status", json={"status": "in_process"}).status_code
        == 401
    )

    assert run_cli(monkeypatch, any_db_url, "revoke-backoffice", "simpel") == 0
    assert "already revoked; nothing changed" in capsys.readouterr().err

    assert run_cli(monkeypatch, any_db_url, "rotate-backoffice", "simpel") == 0
    printed = capsys.readouterr()
    token = printed.out.strip()
    assert len(token) >= 40 and "not shown again" in printed.err
    assert server.backoffice.get(history).status_code == 401, "the old token stays dead"
    renewed = _bearer(token)
    assert renewed.get(history).status_code == 200
    with Session(server.engine) as session:
        client = session.get(BackOfficeClient, "simpel")
        assert client.active and token not in client.token_hash

    assert run_cli(monkeypatch, any_db_url, "rotate-backoffice", "simpel") == 0
    assert renewed.get(history).status_code == 401, "rotating again retires the last token"
    cli_rows = [(act, detail) for actor, act, detail in audit_rows(server) if actor == "cli"]
    assert cli_rows.count(("revoke_backoffice", "simpel")) == 1
    assert cli_rows.count(("rotate_backoffice", "simpel")) == 2


def test_add_backoffice_for_an_existing_name_points_to_rotate(
    server, any_db_url, monkeypatch, capsys
):
    assert run_cli(monkeypatch, any_db_url, "add-backoffice", "simpel") == 1
    printed = capsys.readouterr()
    assert printed.out == "" and "mpp-server rotate-backoffice simpel" in printed.err
    assert server.backoffice.get(f"{server.url}/api/v1/requests/{new_code()}").status_code == 404


@pytest.mark.parametrize("command", ["revoke-backoffice", "rotate-backoffice"])
def test_an_unknown_client_is_refused_and_nothing_changes(
    server, any_db_url, monkeypatch, capsys, command
):
    before = audit_rows(server)
    assert run_cli(monkeypatch, any_db_url, command, "nobody") == 1
    printed = capsys.readouterr()
    assert "no back-office client 'nobody'" in printed.err and "nothing changed" in printed.err
    assert printed.out == ""
    assert audit_rows(server) == before
    assert server.backoffice.get(f"{server.url}/api/v1/requests/{new_code()}").status_code == 404


# --- the audit log in words ----------------------------------------------------------------


def test_a_disabled_account_signing_in_is_audited_as_failed_with_why(
    server, any_db_url, monkeypatch
):
    run_cli(monkeypatch, any_db_url, "disable-staff", "siti")
    assert try_sign_in(server, "siti", PASSWORD).status_code == 401
    assert audit_rows(server)[-1] == ("siti", "sign_in_failed", "account disabled")
    assert try_sign_in(server, "nobody", PASSWORD).status_code == 401
    assert audit_rows(server)[-1] == ("nobody", "sign_in_failed", None)


def test_the_audit_page_shows_actions_details_and_tracking_codes_in_words(
    server, any_db_url, monkeypatch
):
    code = new_code()
    push(server, service_request(code))
    admin = signed_in(server, "admin")
    assert set_on_page(
        server, admin, code, status="needs_documents", missing_documents="Fotokopi KK"
    ).url.endswith("done=1")
    assert set_on_page(
        server, admin, code, status="ready", pickup_place="Loket 2", pickup_from="2026-12-03"
    ).url.endswith("done=1")
    try_sign_in(server, "siti", "salah-salah")
    run_cli(monkeypatch, any_db_url, "disable-staff", "siti")
    try_sign_in(server, "siti", PASSWORD)
    with Session(server.engine) as session, session.begin():
        session.add(
            AuditEntry(at=datetime.now(UTC), actor_kind="staff", actor="x", action="new_thing")
        )

    page = admin.get(server.url + "/staff/audit")

    assert page.status_code == 200
    text = page_text(page.text)
    for indonesian, english in [
        ("Masuk", "Signed in"),
        ("Gagal masuk", "Sign-in failed"),
        ("Status diubah", "Status changed"),
        ("Akun dinonaktifkan", "Account disabled"),
        ("Perlu dilengkapi → Selesai, siap diambil (versi 3)",
         "Documents needed → Ready for pickup (version 3)"),
        ("Diterima → Perlu dilengkapi (versi 2)", "Received → Documents needed (version 2)"),
        ("1 kali berturut-turut", "1 in a row"),
        ("akun nonaktif", "account disabled"),
    ]:  # fmt: skip
        assert f"{indonesian} {english}" in text, (indonesian, text)  # Indonesian first
    assert code in text, "the Request column shows the tracking code"
    assert "new_thing" in text, "an unknown action shows its code"
    for raw in ("needs_documents -> ready", "sign_in_failed"):
        assert raw not in text, raw
    # the database keeps the codes
    assert ("admin", "set_status", "needs_documents -> ready (v3)") in audit_rows(server)


def _audit_actions_in(path: Path) -> set[str]:
    """The action strings ``audit(...)`` is called with in one module: a literal, or the
    literals assigned to the variable passed in its place."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for call in ast.walk(function):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "audit"
                and len(call.args) >= 5
            ):
                continue
            action = call.args[4]
            sources = [action]
            if isinstance(action, ast.Name):
                sources = [
                    node.value
                    for node in ast.walk(function)
                    if isinstance(node, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == action.id for t in node.targets)
                ]
            found |= {
                node.value
                for source in sources
                for node in ast.walk(source)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            }
    return found


def test_every_audited_action_has_words():
    package = Path(mpp_server.__file__).parent
    actions = set().union(*(_audit_actions_in(path) for path in package.glob("*.py")))
    assert {"sign_in", "set_status", "staff_disabled", "revoke_backoffice"} <= actions
    assert actions - set(AUDIT_WORDS) == set(), "an action the audit page cannot word"
