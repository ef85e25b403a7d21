"""What the server's HTML pages share: the Jinja2 templates, the words, the headers.

The pages are rendered on the server from ``mpp_server/templates`` with one stylesheet
(``mpp_server/static/mpp.css``); no script runs in them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import HTMLResponse

from forms.wib import WIB
from mpp_server.catalog import CatalogSource
from sync.protocol import STATUS_WORDS

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
_MONTHS_LONG = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

ROLE_WORDS = {"officer": ("Petugas", "Officer"), "admin": ("Admin", "Admin")}
"""A staff role as the pages name it (Bahasa Indonesia, English)."""

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


def wib_time(moment: datetime | None) -> str:
    """``30 Nov 2026 14:05 WIB``."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(WIB)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year} {local:%H:%M} WIB"


def long_date(day: date | None) -> str:
    """``1 Desember 2026``."""
    if day is None:
        return "—"
    return f"{day.day} {_MONTHS_LONG[day.month - 1]} {day.year}"


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

    def field_labels(self, form_id: str | None, version: int | None) -> dict[str, str]:
        """Each field's Indonesian label, in the form's order."""
        form = self._files.get(f"forms/{form_id}.v{version}.json")
        if not form:
            return {}
        return {
            field["name"]: (field.get("label") or {}).get("id") or field["name"]
            for field in form.get("fields", [])
            if "name" in field
        }


def answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return "Ya / Yes" if value else "Tidak / No"
    if isinstance(value, list):
        return ", ".join(answer_text(item) for item in value)
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


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
            wib=wib_time, long_date=long_date, answer=answer_text, service=names.service
        )
        self.env.globals.update(
            status_words=status_words,
            outpost_name=names.outpost,
            STATUS_WORDS=STATUS_WORDS,
            ROLE_WORDS=ROLE_WORDS,
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
