"""Staff accounts kept on the real server over loopback: one's own password, the admin's
staff page (disable, enable, a new password) and the ``mpp-server`` commands for when no
admin can sign in. SQLite always; PostgreSQL too when ``MPP_TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session

from mpp_server.accounts import MAX_FAILED_SIGNINS, sign_in
from mpp_server.cli import main as mpp_server
from mpp_server.models import StaffSession, StaffUser
from tests.integration.test_status_server import (
    PASSWORD,
    ROOMY,
    Server,
    _start,
    audit_rows,
    csrf_of,
    signed_in,
)

NEW_PASSWORD = "kata-sandi-baru-2026"


@pytest.fixture
def server(any_db_url: str) -> Iterator[Server]:
    """The status tests' server: officer ``siti`` and ``admin``, both with PASSWORD."""
    yield from _start(any_db_url, ROOMY)


def password_hash(server: Server, name: str) -> str:
    with Session(server.engine) as session:
        return session.scalars(select(StaffUser.password_hash).where(StaffUser.name == name)).one()


def session_count(server: Server, name: str) -> int:
    with Session(server.engine) as session:
        user = session.scalars(select(StaffUser).where(StaffUser.name == name)).one()
        return len(
            session.scalars(select(StaffSession).where(StaffSession.user_id == user.id)).all()
        )


def try_sign_in(server: Server, name: str, password: str) -> requests.Response:
    staff = requests.Session()
    form = staff.get(server.url + "/staff/login")
    return staff.post(
        server.url + "/staff/login",
        data={"name": name, "password": password, "csrf": csrf_of(form.text)},
    )


def is_signed_in(server: Server, staff: requests.Session) -> bool:
    return staff.get(server.url + "/staff", allow_redirects=False).status_code == 200


def change_own(
    server: Server, staff: requests.Session, current: str, new: str, again: str | None = None
) -> requests.Response:
    page = staff.get(server.url + "/staff/password")
    return staff.post(
        server.url + "/staff/password",
        data={
            "csrf": csrf_of(page.text),
            "current_password": current,
            "new_password": new,
            "new_again": new if again is None else again,
        },
    )


def on_people_page(
    server: Server, admin: requests.Session, action: str, name: str, **fields: str
) -> requests.Response:
    page = admin.get(server.url + "/staff/people")
    return admin.post(
        f"{server.url}/staff/people/{action}",
        data={"csrf": csrf_of(page.text), "name": name, **fields},
    )


def run_cli(monkeypatch, url: str, *argv: str, stdin: str = "") -> int:  # noqa: ANN001
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return mpp_server([*argv, "--database-url", url])


# --- my own password ---------------------------------------------------------------------


def test_changing_my_password_ends_my_other_sessions_only(server):
    here, elsewhere = signed_in(server), signed_in(server)
    old_hash = password_hash(server, "siti")

    answer = change_own(server, here, PASSWORD, NEW_PASSWORD)

    assert answer.status_code == 200 and answer.url.endswith("/staff/password?done=1")
    assert "Kata sandi sudah diganti" in answer.text and "Your password is changed" in answer.text
    assert password_hash(server, "siti") != old_hash
    assert is_signed_in(server, here), "this session stays"
    assert not is_signed_in(server, elsewhere), "the other session ended"
    assert session_count(server, "siti") == 1
    assert try_sign_in(server, "siti", PASSWORD).status_code == 401
    assert try_sign_in(server, "siti", NEW_PASSWORD).url.endswith("/staff")
    assert ("siti", "password_changed", None) in audit_rows(server)


@pytest.mark.parametrize(
    ("current", "new", "again", "status", "words"),
    [
        ("salah-salah-salah", NEW_PASSWORD, None, 401,
         ("Kata sandi saat ini salah", "current password is wrong")),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", 422,
         ("Kedua kata sandi baru tidak sama", "two new passwords differ")),
        (PASSWORD, "pendek", None, 422,
         ("paling sedikit 10 karakter", "at least 10 characters")),
    ],
    ids=["wrong-current", "mismatch", "too-short"],
)  # fmt: skip
def test_a_bad_password_change_says_why_and_changes_nothing(
    server, current, new, again, status, words
):
    here, elsewhere = signed_in(server), signed_in(server)
    old_hash = password_hash(server, "siti")

    answer = change_own(server, here, current, new, again)

    assert answer.status_code == status
    text = answer.text
    assert words[0] in text and words[1] in text
    assert text.index(words[0]) < text.index(words[1]), "Indonesian first"
    assert "Tidak ada yang diubah" in text and "Nothing was changed" in text
    assert password_hash(server, "siti") == old_hash
    assert is_signed_in(server, here) and is_signed_in(server, elsewhere)
    failed = [action for actor, action, _ in audit_rows(server) if actor == "siti"]
    assert "password_changed" not in failed
    assert ("password_change_failed" in failed) is (status == 401)


def test_a_password_change_without_csrf_is_refused(server):
    staff = signed_in(server)
    old_hash = password_hash(server, "siti")
    answer = staff.post(
        server.url + "/staff/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
              "new_again": NEW_PASSWORD},
    )  # fmt: skip
    assert answer.status_code == 403 and "Tidak ada yang diubah" in answer.text
    assert password_hash(server, "siti") == old_hash


def test_wrong_current_passwords_are_rate_limited_like_sign_ins(server):
    staff = signed_in(server)
    for _ in range(20):  # PublicLimits.signin_failures_per_15min
        assert change_own(server, staff, "salah-salah-salah", NEW_PASSWORD).status_code == 401
    throttled = change_own(server, staff, PASSWORD, NEW_PASSWORD)
    assert throttled.status_code == 429 and "Terlalu banyak percobaan" in throttled.text
    assert int(throttled.headers["Retry-After"]) >= 1
    assert try_sign_in(server, "admin", PASSWORD).status_code == 429, "one budget per address"


def test_the_password_page_needs_a_session(server):
    anonymous = requests.Session()
    answer = anonymous.get(server.url + "/staff/password", allow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/staff/login"


# --- the admin's staff page --------------------------------------------------------------


def test_an_officer_gets_403_on_the_staff_page_and_its_forms(server):
    officer = signed_in(server)
    header = officer.get(server.url + "/staff").text
    assert "/staff/password" in header and "/staff/people" not in header
    page = officer.get(server.url + "/staff/people")
    assert page.status_code == 403 and "Khusus admin" in page.text
    csrf = csrf_of(officer.get(server.url + "/staff").text)
    for action, extra in (
        ("disable", {}),
        ("enable", {}),
        ("password", {"new_password": NEW_PASSWORD, "new_again": NEW_PASSWORD}),
    ):
        answer = officer.post(
            f"{server.url}/staff/people/{action}", data={"csrf": csrf, "name": "admin", **extra}
        )
        assert answer.status_code == 403 and "Khusus admin" in answer.text, action
    assert try_sign_in(server, "admin", PASSWORD).url.endswith("/staff")


def test_the_admin_lists_the_staff(server):
    admin = signed_in(server, "admin")
    assert "/staff/people" in admin.get(server.url + "/staff").text, "linked for admins"
    page = admin.get(server.url + "/staff/people")
    assert page.status_code == 200
    assert "siti" in page.text and "Petugas" in page.text and "Aktif" in page.text


def test_a_disabled_user_is_refused_at_once_and_enabled_again(server):
    officer = signed_in(server)
    admin = signed_in(server, "admin")

    answer = on_people_page(server, admin, "disable", "siti")

    assert answer.status_code == 200 and "siti dinonaktifkan" in answer.text
    assert not is_signed_in(server, officer), "the open session ends at once"
    assert session_count(server, "siti") == 0
    assert try_sign_in(server, "siti", PASSWORD).status_code == 401
    assert "Nonaktif" in answer.text

    assert "aktif kembali" in on_people_page(server, admin, "enable", "siti").text
    assert try_sign_in(server, "siti", PASSWORD).url.endswith("/staff")
    changes = [(a, act, d) for a, act, d in audit_rows(server) if act.startswith("staff_")]
    assert changes == [("admin", "staff_disabled", "siti"), ("admin", "staff_enabled", "siti")]


def test_an_admin_cannot_disable_themself_nor_the_last_admin(server):
    admin = signed_in(server, "admin")

    itself = on_people_page(server, admin, "disable", "admin")
    assert itself.status_code == 422
    assert "tidak dapat menonaktifkan akun Anda sendiri" in itself.text
    assert "cannot disable your own account" in itself.text

    # with a second admin one may go; then the first is the last and stays
    from mpp_server.accounts import add_staff

    add_staff(server.engine, "rina", "admin", PASSWORD)
    rina = signed_in(server, "rina")
    assert "rina dinonaktifkan" in on_people_page(server, admin, "disable", "rina").text
    assert not is_signed_in(server, rina)
    last = on_people_page(server, admin, "disable", "admin")
    assert last.status_code == 422 and is_signed_in(server, admin)

    with Session(server.engine) as session:
        active = dict(session.execute(select(StaffUser.name, StaffUser.active)).all())
    assert active == {"siti": True, "admin": True, "rina": False}
    assert [d for _, act, d in audit_rows(server) if act == "staff_disabled"] == ["rina"]


def test_the_last_admin_rule_names_the_admin(server):
    from mpp_server.accounts import CLI, AccountError, set_active

    with pytest.raises(AccountError) as refused:
        set_active(server.engine, CLI, "admin", False, now=datetime.now(UTC))
    assert "admin is the last active admin" in str(refused.value)
    assert refused.value.words[0].startswith("admin adalah admin aktif terakhir")


def test_an_admin_sets_a_new_password_ending_sessions_and_a_lockout(server):
    officer = signed_in(server)
    now = datetime.now(UTC)
    for _ in range(MAX_FAILED_SIGNINS):
        sign_in(server.engine, "siti", "salah-salah", address=None, now=now)
    assert try_sign_in(server, "siti", PASSWORD).status_code == 423, "locked"
    admin = signed_in(server, "admin")
    assert "Terkunci sampai" in admin.get(server.url + "/staff/people").text

    answer = on_people_page(
        server, admin, "password", "siti", new_password=NEW_PASSWORD, new_again=NEW_PASSWORD
    )

    assert answer.status_code == 200 and "Kata sandi baru untuk siti tersimpan" in answer.text
    assert not is_signed_in(server, officer)
    assert try_sign_in(server, "siti", NEW_PASSWORD).url.endswith("/staff"), "lock lifted"
    assert ("admin", "password_reset", "siti") in audit_rows(server)


def test_an_admins_bad_new_password_changes_nothing(server):
    admin = signed_in(server, "admin")
    old_hash = password_hash(server, "siti")
    short = on_people_page(
        server, admin, "password", "siti", new_password="pendek", new_again="pendek"
    )
    assert short.status_code == 422 and "paling sedikit 10 karakter" in short.text
    differ = on_people_page(
        server, admin, "password", "siti", new_password=NEW_PASSWORD, new_again=PASSWORD
    )
    assert differ.status_code == 422 and "tidak sama" in differ.text
    forged = admin.post(
        server.url + "/staff/people/password",
        data={"csrf": "forged", "name": "siti", "new_password": NEW_PASSWORD,
              "new_again": NEW_PASSWORD},
    )  # fmt: skip
    assert forged.status_code == 403
    assert password_hash(server, "siti") == old_hash
    assert "password_reset" not in [act for _, act, _ in audit_rows(server)]


# --- the command line --------------------------------------------------------------------


def test_set_password_disable_and_enable_from_the_command_line(
    server, any_db_url, monkeypatch, capsys
):
    officer = signed_in(server)

    assert run_cli(monkeypatch, any_db_url, "set-password", "siti", stdin=NEW_PASSWORD) == 0
    assert "new password" in capsys.readouterr().err
    assert not is_signed_in(server, officer)
    assert try_sign_in(server, "siti", NEW_PASSWORD).url.endswith("/staff")

    assert run_cli(monkeypatch, any_db_url, "disable-staff", "admin") == 1
    assert "last active admin" in capsys.readouterr().err
    assert run_cli(monkeypatch, any_db_url, "disable-staff", "siti") == 0
    assert "disabled" in capsys.readouterr().err
    assert try_sign_in(server, "siti", NEW_PASSWORD).status_code == 401
    assert run_cli(monkeypatch, any_db_url, "enable-staff", "siti") == 0
    assert try_sign_in(server, "siti", NEW_PASSWORD).url.endswith("/staff")

    cli_rows = [(act, d) for actor, act, d in audit_rows(server) if actor == "cli"]
    assert ("password_reset", "siti") in cli_rows
    assert ("staff_disabled", "siti") in cli_rows and ("staff_enabled", "siti") in cli_rows


@pytest.mark.parametrize("command", ["set-password", "disable-staff", "enable-staff"])
def test_an_unknown_name_is_refused_by_the_command_line(
    server, any_db_url, monkeypatch, capsys, command
):
    before = audit_rows(server)
    assert run_cli(monkeypatch, any_db_url, command, "nobody", stdin=NEW_PASSWORD) == 1
    assert "no staff user 'nobody'" in capsys.readouterr().err
    assert audit_rows(server) == before


def test_a_short_password_from_the_command_line_changes_nothing(
    server, any_db_url, monkeypatch, capsys
):
    old_hash = password_hash(server, "siti")
    assert run_cli(monkeypatch, any_db_url, "set-password", "siti", stdin="pendek\n") == 1
    assert "at least 10 characters" in capsys.readouterr().err
    assert password_hash(server, "siti") == old_hash
