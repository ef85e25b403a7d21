"""What the server's HTML pages share: the Jinja2 templates, the words, the headers.

The pages are rendered on the server from ``mpp_server/templates`` with one stylesheet
(``mpp_server/static/mpp.css``); no script runs in them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse

from forms.wib import WIB
from mpp_server.accounts import ACCOUNT_DISABLED, AMBIGUOUS_NAME
from mpp_server.catalog import CatalogSource
from mpp_server.db import stored_utc
from sync.protocol import STATUS_WORDS

if TYPE_CHECKING:
    from forms import FieldDefinition, Village

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTHS_LONG = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
_MONTHS_LONG_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

ROLE_WORDS = {"officer": ("Petugas", "Officer"), "admin": ("Admin", "Admin")}
"""A staff role as the pages name it (Bahasa Indonesia, English)."""

AUDIT_WORDS: dict[str, tuple[str, str]] = {
    "sign_in": ("Masuk", "Signed in"),
    "sign_in_failed": ("Gagal masuk", "Sign-in failed"),
    "locked": ("Akun dikunci", "Account locked"),
    "sign_in_locked": ("Masuk ditolak: akun terkunci", "Sign-in refused: account locked"),
    "sign_out": ("Keluar", "Signed out"),
    "password_changed": ("Kata sandi diganti", "Password changed"),
    "password_change_failed": ("Gagal mengganti kata sandi", "Password change failed"),
    "password_reset": ("Kata sandi baru diatur", "New password set"),
    "staff_disabled": ("Akun dinonaktifkan", "Account disabled"),
    "staff_enabled": ("Akun diaktifkan", "Account enabled"),
    "add_staff": ("Akun petugas dibuat", "Staff account added"),
    "add_backoffice": ("Klien back office didaftarkan", "Back-office client added"),
    "rotate_backoffice": ("Token back office diganti", "Back-office token replaced"),
    "revoke_backoffice": ("Klien back office dicabut", "Back-office client revoked"),
    "set_status": ("Status diubah", "Status changed"),
    "reopen": ("Permohonan dibuka kembali", "Request reopened"),
}
"""Each ``action`` the audit log stores (mpp_server.accounts.audit), as the audit page names
it (Bahasa Indonesia, English); the database keeps the codes, an unknown one shows as is."""

AUDIT_ACTOR_WORDS: dict[str, tuple[str, str]] = {
    "admin": ("Perintah server", "Server command"),
    "backoffice": ("API back office", "Back-office API"),
}
"""Where an audit entry's actor acted (its ``actor_kind``) when not on the staff pages:
``admin`` is the ``mpp-server`` command line (actor ``cli``)."""

_AUDIT_DETAIL_WORDS = {
    ACCOUNT_DISABLED: ("akun nonaktif", "account disabled"),
    AMBIGUOUS_NAME: (
        "nama dipakai beberapa akun (beda huruf besar/kecil saja)",
        "a name several accounts share (letter case aside)",
    ),
}
_STATUS_CHANGE = re.compile(r"(\w+) -> (\w+) \(v(\d+)\)")
_IN_A_ROW = re.compile(r"(\d+) in a row")
_STAFF_ADDED = re.compile(r"(\S+) \((\w+)\)")


def audit_detail(action: str, detail: str | None) -> tuple[str, str]:
    """An audit entry's detail in words (Bahasa Indonesia, English): a status change in the
    status words, a count, a role; a name or anything else stays as stored."""
    if not detail:
        return ("", "")
    if detail in _AUDIT_DETAIL_WORDS:
        return _AUDIT_DETAIL_WORDS[detail]
    if action in ("set_status", "reopen") and (found := _STATUS_CHANGE.fullmatch(detail)):
        before, after = (STATUS_WORDS.get(code, (code, code)) for code in found.group(1, 2))
        version = found.group(3)
        return (
            f"{before[0]} → {after[0]} (versi {version})",
            f"{before[1]} → {after[1]} (version {version})",
        )
    if found := _IN_A_ROW.fullmatch(detail):
        return (f"{found.group(1)} kali berturut-turut", detail)
    if action == "add_staff" and (found := _STAFF_ADDED.fullmatch(detail)):
        name, role = found.group(1, 2)
        words = ROLE_WORDS.get(role, (role, role))
        return (f"{name} ({words[0]})", f"{name} ({words[1]})")
    return (detail, detail)


SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
"""Every page: never cached (a shared phone, a proxy), no scripts, no frames, and no
``Referer`` carrying a tracking code to another site."""


def _in_wib(moment: datetime) -> datetime:
    """A stored moment on the WIB clock (SQLite hands back naive UTC)."""
    return stored_utc(moment).astimezone(WIB)


def wib_time(moment: datetime | None) -> str:
    """``30 Nov 2026 14:05 WIB``."""
    if moment is None:
        return "—"
    local = _in_wib(moment)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M} WIB"


def long_date(day: date | None) -> str:
    """``1 Desember 2026``."""
    if day is None:
        return "—"
    return f"{day.day} {_MONTHS_LONG[day.month - 1]} {day.year}"


def day_words(day: date | None) -> tuple[str, str]:
    """A day without a time as residents read it: (``3 Desember 2026``, ``3 December 2026``)."""
    if day is None:
        return ("—", "—")
    return long_date(day), f"{day.day} {_MONTHS_LONG_EN[day.month - 1]} {day.year}"


def moment_words(moment: datetime | None) -> tuple[str, str]:
    """A moment in the same long form with its WIB time: ``30 November 2026 14:05 WIB``."""
    if moment is None:
        return ("—", "—")
    local = _in_wib(moment)
    on_day = day_words(local.date())
    return f"{on_day[0]} {local:%H:%M} WIB", f"{on_day[1]} {local:%H:%M} WIB"


def bilingual(words: tuple[str, str], whole: bool = False) -> Markup:
    """``Bahasa Indonesia <span class="en">English</span>`` as the pages write both; one
    text when the English is missing or reads the same (``Islam``, ``November``).
    ``whole``: neither text is broken across lines (a date)."""
    id_, en = words
    if whole:
        if not en or en == id_:
            return Markup('<span class="nowrap">{}</span>').format(id_)
        return Markup('<span class="nowrap">{}</span> <span class="en nowrap">{}</span>').format(
            id_, en
        )
    if not en or en == id_:
        return escape(id_)
    return Markup('{} <span class="en">{}</span>').format(id_, en)


CHANGE_ACTOR_WORDS: dict[str, tuple[str, str]] = {
    "kiosk": ("Kios", "Kiosk"),
    "staff": ("Petugas", "Staff"),
    "backoffice": ("Back office", "Back office"),
}
"""Who made a status change: its ``actor_kind`` (mpp_server.statuses.ActorKind)."""


def change_actor(kind: str, actor: str, kiosk_id: str | None) -> Markup:
    """Who made a status change, in words: ``Kios k1`` for the ``received`` that a kiosk's
    push recorded (stored under the actor ``ingest``; the request's record names the
    kiosk), else the name and its kind (``siti``, ``Petugas``)."""
    words = CHANGE_ACTOR_WORDS.get(kind, (kind, kind))
    if kind == "kiosk":
        return bilingual((f"{words[0]} {kiosk_id or actor}", words[1]))
    return Markup("{} · {}").format(actor, bilingual(words))


def status_words(status: str | None) -> tuple[str, str]:
    return STATUS_WORDS.get(status or "", ("—", "—"))


@dataclass
class CatalogueNames:
    """Services', outposts' and form fields' names, from the catalogue the server serves."""

    source: CatalogSource

    @cached_property
    def _files(self) -> dict[str, Any]:
        return self.source.catalog.files

    @cached_property
    def services(self) -> dict[str, dict[str, str]]:
        return {
            service["code"]: service.get("name", {})
            for service in self._files["catalogue.json"].get("services", [])
        }

    @cached_property
    def outposts(self) -> dict[str, str]:
        return {
            code: outpost.get("name", code)
            for code, outpost in self._files["villages.json"].get("outposts", {}).items()
        }

    def service(self, code: str, lang: str = "id") -> str:
        names = self.services.get(code)
        return names.get(lang) or names.get("id") or code if names else code or "—"

    def outpost(self, code: str) -> str:
        return self.outposts.get(code, code)

    def service_words(self, code: str) -> tuple[str, str]:
        return self.service(code), self.service(code, "en")

    def answer_lines(
        self, form_id: str | None, version: int | None, answers: Mapping[str, Any]
    ) -> list[tuple[Markup, Markup]]:
        """Each answer as (its question, the answer) in words, in the form's order; an
        answer the form version does not define, or any answer of a form version this
        catalogue does not hold, under its stored name with its stored value."""
        try:
            form = self.source.form(form_id, version)
            villages = self.source.villages if form is not None else {}
        except ValueError:  # a catalogue forms cannot read (CatalogueError): as stored
            form, villages = None, {}
        fields = form.fields if form is not None else ()
        lines = [
            (
                bilingual((field.label.id, field.label.en)),
                answer_text(answers[field.name], field, villages),
            )
            for field in fields
            if field.name in answers
        ]
        known = {field.name for field in fields}
        lines += [
            (escape(name), answer_text(value))
            for name, value in answers.items()
            if name not in known
        ]
        return lines


def answer_text(
    value: Any,
    field: FieldDefinition | None = None,
    villages: Mapping[str, Village] | None = None,
) -> Markup:
    """An answer as a person reads it, in both languages: a choice by its option's label, a
    village by its name, a date as ``12 Maret 1985``, yes or no in words. Without its
    field (an old or unknown form), or a value the field does not offer, as stored."""
    if value is None or value == "" or value == []:
        return Markup("—")
    if isinstance(value, bool):
        return bilingual(("Ya", "Yes") if value else ("Tidak", "No"))
    if isinstance(value, list):
        return Markup(", ").join(answer_text(item, field, villages) for item in value)
    if field is not None and isinstance(value, str):
        if field.type in ("choice", "multi_choice"):
            for option in field.options:
                if option.value == value:
                    return bilingual((option.label.id, option.label.en))
        elif field.type == "date":
            try:
                return bilingual(day_words(date.fromisoformat(value)), whole=True)
            except ValueError:
                pass
        elif field.type == "village" and (village := (villages or {}).get(value)):
            return escape(f"{village.kind.capitalize()} {village.name} ({village.code})")
    if isinstance(value, dict):
        return escape(json.dumps(value, ensure_ascii=False))
    return escape(str(value))


class Pages:
    def __init__(self, names: CatalogueNames) -> None:
        self.names = names
        self.env = Environment(
            loader=PackageLoader("mpp_server", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            wib=wib_time,
            long_date=long_date,
            answer=answer_text,
            service=names.service,
            bilingual=bilingual,
            day_words=day_words,
            moment_words=moment_words,
        )
        self.env.globals.update(
            status_words=status_words,
            outpost_name=names.outpost,
            service_words=names.service_words,
            change_actor=change_actor,
            STATUS_WORDS=STATUS_WORDS,
            ROLE_WORDS=ROLE_WORDS,
            AUDIT_WORDS=AUDIT_WORDS,
            AUDIT_ACTOR_WORDS=AUDIT_ACTOR_WORDS,
            audit_detail=audit_detail,
        )

    def render(
        self,
        template: str,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        **context: Any,
    ) -> HTMLResponse:
        body = self.env.get_template(template).render(**context)
        return HTMLResponse(body, status_code, headers={**SECURITY_HEADERS, **(headers or {})})


__all__ = ["SECURITY_HEADERS", "CatalogueNames", "Pages", "long_date", "wib_time"]
