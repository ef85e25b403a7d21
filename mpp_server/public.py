"""The public status page ``/s/<tracking code>``: what a resident's phone opens from the
receipt's QR code.

Before the second factor it shows the service, the outpost, the status and dates, never a
name, a NIK or an answer. The note (what to bring, the reason of a refusal) and the pickup
place come only after the last 4 digits of the request's NIK, checked against the
``status_secret`` the kiosk sent. An unknown code answers the same page with no status,
and its second factor fails the same way, so guessing codes teaches nothing.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.responses import Response
from sqlalchemy import Engine, Row

from mpp_server.pages import Pages
from mpp_server.ratelimit import PublicLimits, count_hit, hit, peek
from mpp_server.statuses import request_view
from sync.protocol import status_secret, tracking_key

MAX_CODE = 40
_FOUR_DIGITS = re.compile(r"^[0-9]{4}$")


def client_address(request: Request) -> str:
    """The client's address; behind the reverse proxy uvicorn takes it from
    X-Forwarded-For when the proxy is one of ``--forwarded-allow-ips``."""
    return request.client.host if request.client else "-"


def add_public_pages(
    app: FastAPI,
    engine: Engine,
    pages: Pages,
    limits: PublicLimits,
    now: Callable[[], datetime],
) -> None:
    def too_many(code: str, retry_after: int) -> Response:
        return pages.render(
            "public_status.html",
            429,
            {"Retry-After": str(retry_after)},
            code=code[:MAX_CODE],
            view=None,
            throttled=True,
            retry_minutes=max(1, (retry_after + 59) // 60),
        )

    def view_of(row: Row | None, *, reveal: bool) -> dict | None:
        if row is None:
            return None
        has_change = row.change_seq is not None
        view = {
            "service": row.service_code,
            "outpost": row.outpost,
            "status": row.status,
            "submitted_at": row.submitted_at,
            "updated_at": row.updated_at,
            "pickup_from": row.pickup_from if has_change else None,
            "has_factor": row.status_secret is not None,
        }
        if reveal and has_change:
            view["note"] = row.note
            view["pickup_place"] = row.pickup_place
            view["missing_documents"] = (
                json.loads(row.missing_documents) if row.missing_documents else []
            )
        return view

    def read_and_count(code: str, request: Request) -> tuple[Row | None, int | None]:
        """The request as the page shows it, and the page view counted for the client's
        address: one connection, one short transaction. The retry-after seconds when the
        address is over its limit, else None."""
        with engine.begin() as connection:
            row = request_view(connection, code) if len(code) <= MAX_CODE else None
            verdict = count_hit(
                connection, f"page:{client_address(request)}", limits.page_per_minute, 60, now()
            )
        return row, None if verdict.allowed else verdict.retry_after_s

    @app.get("/s/{code}", include_in_schema=False)
    def status_page(code: str, request: Request) -> Response:
        row, retry = read_and_count(code, request)
        if retry is not None:
            return too_many(code, retry)
        return pages.render(
            "public_status.html", code=code[:MAX_CODE], view=view_of(row, reveal=False)
        )

    @app.post("/s/{code}", include_in_schema=False)
    def second_factor(
        code: str, request: Request, nik4: Annotated[str, Form(max_length=40)] = ""
    ) -> Response:
        row, retry = read_and_count(code, request)
        if retry is not None:
            return too_many(code, retry)
        digits = nik4.strip()
        if not _FOUR_DIGITS.fullmatch(digits):
            return pages.render(
                "public_status.html",
                422,
                code=code[:MAX_CODE],
                view=view_of(row, reveal=False),
                factor_error="format",
            )
        key = f"nik:{tracking_key(code)[:MAX_CODE] or '-'}"
        window = 3600
        blocked = peek(engine, key, limits.factor_failures_per_hour, window, now())
        if not blocked.allowed:
            return too_many(code, blocked.retry_after_s)
        stored = row.status_secret if row is not None else None
        salt = row.tracking_code if row is not None else code[:MAX_CODE]
        # The secret is computed whether or not there is anything to compare: same answer.
        typed = status_secret(salt, digits)
        if stored is not None and hmac.compare_digest(typed, stored):
            return pages.render(
                "public_status.html", code=code[:MAX_CODE], view=view_of(row, reveal=True),
                revealed=True,
            )  # fmt: skip
        hit(engine, key, limits.factor_failures_per_hour, window, now())
        return pages.render(
            "public_status.html",
            403,
            code=code[:MAX_CODE],
            view=view_of(row, reveal=False),
            factor_error="mismatch",
        )


__all__ = ["add_public_pages", "client_address"]
