"""The MPP staff pages: sign in, the list of requests, one request (its answers, its status
history, the form that sets its status), one's own password and, for admins, the staff
accounts and the audit log.

Sessions live in the database (every server process knows them) behind an HttpOnly,
SameSite=Strict cookie, Secure when the page came over https. Every form carries a CSRF
token: the session's, or before sign-in a random one also set as a cookie.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mpp_server.accounts import (
    MIN_PASSWORD,
    AccountActor,
    AccountError,
    SignedIn,
    WrongPassword,
    audit,
    change_password,
    list_staff,
    reset_password,
    session_user,
    set_active,
    sign_in,
    sign_out,
)
from mpp_server.answers_at_rest import UNREADABLE, AnswersCipher, open_answers
from mpp_server.models import AuditEntry, StoredRecord, TrackedRequest
from mpp_server.pages import SECURITY_HEADERS, Pages
from mpp_server.public import client_address
from mpp_server.ratelimit import PublicLimits, hit, peek
from mpp_server.statuses import (
    Actor,
    StatusConflict,
    StatusInvalid,
    history,
    reopened,
    set_status,
)
from sync.protocol import FINAL_STATUSES, REQUEST_STATUSES, tracking_key

SESSION_COOKIE = "mpp_staff"
LOGIN_COOKIE = "mpp_login"
PAGE_SIZE = 50
CHOOSABLE = tuple(status for status in REQUEST_STATUSES if status != "received")


def _cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/staff",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, 303, headers=SECURITY_HEADERS)


def add_staff_pages(
    app: FastAPI,
    engine: Engine,
    pages: Pages,
    limits: PublicLimits,
    now: Callable[[], datetime],
    answers_cipher: AnswersCipher | None = None,
) -> None:
    """``answers_cipher`` opens answers sealed at rest (mpp_server.answers_at_rest)."""

    def current(request: Request) -> SignedIn | None:
        return session_user(engine, request.cookies.get(SESSION_COOKIE), now())

    def login_page(request: Request, status: int = 200, **context: Any) -> Response:
        token = secrets.token_urlsafe(24)
        response = pages.render("staff_login.html", status, csrf=token, **context)
        _cookie(response, request, LOGIN_COOKIE, token, 3600)
        return response

    @app.get("/staff/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        if current(request) is not None:
            return _redirect("/staff")
        return login_page(request)

    @app.post("/staff/login", include_in_schema=False)
    def login(
        request: Request,
        name: Annotated[str, Form(max_length=200)] = "",
        password: Annotated[str, Form(max_length=1000)] = "",
        csrf: Annotated[str, Form(max_length=200)] = "",
    ) -> Response:
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not hmac.compare_digest(csrf, expected):
            return login_page(request, 403, error="csrf", name=name)
        address = client_address(request)
        key = f"signin:{address}"
        blocked = peek(engine, key, limits.signin_failures_per_15min, 900, now())
        if not blocked.allowed:
            return login_page(
                request, 429, error="throttled", name=name,
                headers={"Retry-After": str(blocked.retry_after_s)},
            )  # fmt: skip
        result = sign_in(engine, name.strip(), password, address=address, now=now())
        if result.token is None:
            hit(engine, key, limits.signin_failures_per_15min, 900, now())
            if result.locked_until is not None:
                return login_page(
                    request, 423, error="locked", name=name, locked_until=result.locked_until
                )
            return login_page(request, 401, error="wrong", name=name)
        response = _redirect("/staff")
        _cookie(response, request, SESSION_COOKIE, result.token, 10 * 3600)
        response.delete_cookie(LOGIN_COOKIE, path="/staff")
        return response

    def csrf_ok(user: SignedIn, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token, user.csrf_token)

    @app.post("/staff/logout", include_in_schema=False)
    def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
        user = current(request)
        if user is not None and csrf_ok(user, csrf):
            sign_out(
                engine,
                request.cookies.get(SESSION_COOKIE),
                address=client_address(request),
                now=now(),
            )
        response = _redirect("/staff/login")
        response.delete_cookie(SESSION_COOKIE, path="/staff")
        return response

    @app.get("/staff", include_in_schema=False)
    def request_list(
        request: Request,
        status: Annotated[str, Query(max_length=40)] = "",
        outpost: Annotated[str, Query(max_length=40)] = "",
        service: Annotated[str, Query(max_length=80)] = "",
        q: Annotated[str, Query(max_length=60)] = "",
        page: Annotated[int, Query(ge=1, le=100000)] = 1,
    ) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        query = select(TrackedRequest)
        if status in REQUEST_STATUSES:
            query = query.where(TrackedRequest.status == status)
        if outpost:
            query = query.where(TrackedRequest.outpost == outpost)
        if service:
            query = query.where(TrackedRequest.service_code == service)
        key = tracking_key(q)
        if key:
            query = query.where(TrackedRequest.tracking_key.startswith(key, autoescape=True))
        with Session(engine) as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(TrackedRequest.updated_at.desc(), TrackedRequest.request_id)
                .offset((page - 1) * PAGE_SIZE)
                .limit(PAGE_SIZE)
            ).all()
            service_codes = sorted(
                session.scalars(select(TrackedRequest.service_code).distinct()).all()
            )
        return pages.render(
            "staff_list.html",
            user=user,
            rows=rows,
            total=total,
            page=page,
            pages_count=max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE),
            filters={"status": status, "outpost": outpost, "service": service, "q": q},
            statuses=REQUEST_STATUSES,
            outposts=sorted(pages.names.outposts),
            service_codes=service_codes,
        )

    def request_page(
        user: SignedIn, request_id: str, status_code: int = 200, **context: Any
    ) -> Response:
        with Session(engine) as session:
            found = session.get(TrackedRequest, request_id[:36])
            if found is None:
                return pages.render("staff_message.html", 404, user=user, message="not_found")
            record = session.get(StoredRecord, found.request_id)
            rows = history(session, found)
        payload = json.loads(record.payload) if record is not None else {}
        shown = open_answers(payload, found.request_id, answers_cipher)
        answers = shown.answers if isinstance(shown.answers, dict) else None
        lines = (
            pages.names.answer_lines(record.form_id, record.form_version, answers)
            if record is not None and answers
            else []
        )
        changes = [
            {
                "row": row,
                "documents": json.loads(row.missing_documents) if row.missing_documents else [],
            }
            for row in rows
        ]
        return pages.render(
            "staff_request.html",
            status_code,
            user=user,
            req=found,
            record=record,
            answers=answers,
            answers_unreadable=UNREADABLE if shown.unreadable else None,
            lines=lines,
            changes=changes,
            choosable=CHOOSABLE,
            final=found.status in FINAL_STATUSES,
            **context,
        )

    @app.get("/staff/requests/{request_id}", include_in_schema=False)
    def request_detail(request_id: str, request: Request, done: int = 0) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        return request_page(user, request_id, done=bool(done), form={})

    @app.post("/staff/requests/{request_id}/status", include_in_schema=False)
    def request_set_status(
        request_id: str,
        request: Request,
        csrf: Annotated[str, Form(max_length=200)] = "",
        status: Annotated[str, Form(max_length=40)] = "",
        note: Annotated[str, Form(max_length=2000)] = "",
        missing_documents: Annotated[str, Form(max_length=10000)] = "",
        pickup_place: Annotated[str, Form(max_length=1000)] = "",
        pickup_from: Annotated[str, Form(max_length=40)] = "",
        expected_version: Annotated[str, Form(max_length=20)] = "",
    ) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        if not csrf_ok(user, csrf):
            return pages.render("staff_message.html", 403, user=user, message="csrf")
        form = {
            "status": status,
            "note": note,
            "missing_documents": missing_documents,
            "pickup_place": pickup_place,
            "pickup_from": pickup_from,
        }
        errors: dict[str, tuple[str, str]] = {}
        day: date | None = None
        if status == "ready" and pickup_from.strip():
            try:
                day = date.fromisoformat(pickup_from.strip())
            except ValueError:
                errors["pickup_from"] = (
                    "Tanggal tidak dapat dibaca (tttt-bb-hh)",
                    "The date cannot be read (yyyy-mm-dd)",
                )
        version = int(expected_version) if expected_version.isdigit() else None
        if not errors:
            try:
                with Session(engine) as session, session.begin():
                    found = session.get(TrackedRequest, request_id[:36])
                    if found is None:
                        return pages.render(
                            "staff_message.html", 404, user=user, message="not_found"
                        )
                    previous = found.status
                    # Only the fields of the chosen status are read: without scripts the
                    # form keeps what was typed in the others.
                    change = set_status(
                        session,
                        found.tracking_code,
                        status,
                        actor=Actor("staff", user.name, admin=user.admin),
                        note=note,
                        missing_documents=missing_documents.splitlines()
                        if status == "needs_documents"
                        else (),
                        pickup_place=pickup_place if status == "ready" else None,
                        pickup_from=day if status == "ready" else None,
                        expected_version=version,
                        now=now(),
                    )
                    action = "reopen" if reopened(previous, status) else "set_status"
                    audit(
                        session,
                        change.changed_at,
                        "staff",
                        user.name,
                        action,
                        request_id=change.request_id,
                        detail=f"{previous} -> {status} (v{change.version})",
                        address=client_address(request),
                    )
            except StatusInvalid as exc:
                errors = exc.errors
            except StatusConflict as exc:
                return request_page(user, request_id, 409, form=form, conflict=exc.words)
        if errors:
            return request_page(user, request_id, 422, form=form, errors=errors)
        return _redirect(f"/staff/requests/{request_id[:36]}?done=1")

    def password_page(user: SignedIn, status_code: int = 200, **context: Any) -> Response:
        return pages.render(
            "staff_password.html", status_code, user=user, min_password=MIN_PASSWORD, **context
        )

    @app.get("/staff/password", include_in_schema=False)
    def password_form(request: Request, done: int = 0) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        return password_page(user, done=bool(done))

    @app.post("/staff/password", include_in_schema=False)
    def password_change(
        request: Request,
        csrf: Annotated[str, Form(max_length=200)] = "",
        current_password: Annotated[str, Form(max_length=1000)] = "",
        new_password: Annotated[str, Form(max_length=1000)] = "",
        new_again: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        if not csrf_ok(user, csrf):
            return pages.render("staff_message.html", 403, user=user, message="csrf")
        address = client_address(request)
        # A wrong current password is a guess at it, like a failed sign-in: same budget.
        key = f"signin:{address}"
        blocked = peek(engine, key, limits.signin_failures_per_15min, 900, now())
        if not blocked.allowed:
            return password_page(
                user, 429, throttled=True, headers={"Retry-After": str(blocked.retry_after_s)}
            )
        try:
            change_password(
                engine, user.user_id, current_password, new_password, new_again,
                keep_token=request.cookies.get(SESSION_COOKIE), address=address, now=now(),
            )  # fmt: skip
        except WrongPassword as exc:
            hit(engine, key, limits.signin_failures_per_15min, 900, now())
            return password_page(user, 401, error=exc.words)
        except AccountError as exc:
            return password_page(user, 422, error=exc.words)
        return _redirect("/staff/password?done=1")

    def people_page(user: SignedIn, status_code: int = 200, **context: Any) -> Response:
        return pages.render(
            "staff_people.html", status_code, user=user, people=list_staff(engine, now()),
            min_password=MIN_PASSWORD, **context,
        )  # fmt: skip

    @app.get("/staff/people", include_in_schema=False)
    def people(
        request: Request,
        done: Annotated[str, Query(max_length=20)] = "",
        name: Annotated[str, Query(max_length=64)] = "",
    ) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        if not user.admin:
            return pages.render("staff_message.html", 403, user=user, message="admin_only")
        return people_page(user, done=done, done_name=name)

    def people_change(
        request: Request,
        csrf: str,
        done: str,
        name: str,
        change: Callable[[AccountActor, str], None],
    ) -> Response:
        """An admin's change to someone's account, then back to the list saying what was done."""
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        if not user.admin:
            return pages.render("staff_message.html", 403, user=user, message="admin_only")
        if not csrf_ok(user, csrf):
            return pages.render("staff_message.html", 403, user=user, message="csrf")
        try:
            change(AccountActor("staff", user.name), client_address(request))
        except AccountError as exc:
            return people_page(user, 422, error=exc.words)
        return _redirect(f"/staff/people?done={done}&name={quote(name)}")

    @app.post("/staff/people/disable", include_in_schema=False)
    def people_disable(
        request: Request,
        csrf: Annotated[str, Form(max_length=200)] = "",
        name: Annotated[str, Form(max_length=64)] = "",
    ) -> Response:
        def change(actor: AccountActor, address: str) -> None:
            set_active(engine, actor, name, False, address=address, now=now())

        return people_change(request, csrf, "disabled", name, change)

    @app.post("/staff/people/enable", include_in_schema=False)
    def people_enable(
        request: Request,
        csrf: Annotated[str, Form(max_length=200)] = "",
        name: Annotated[str, Form(max_length=64)] = "",
    ) -> Response:
        def change(actor: AccountActor, address: str) -> None:
            set_active(engine, actor, name, True, address=address, now=now())

        return people_change(request, csrf, "enabled", name, change)

    @app.post("/staff/people/password", include_in_schema=False)
    def people_password(
        request: Request,
        csrf: Annotated[str, Form(max_length=200)] = "",
        name: Annotated[str, Form(max_length=64)] = "",
        new_password: Annotated[str, Form(max_length=1000)] = "",
        new_again: Annotated[str, Form(max_length=1000)] = "",
    ) -> Response:
        def change(actor: AccountActor, address: str) -> None:
            reset_password(engine, actor, name, new_password, new_again, address=address, now=now())

        return people_change(request, csrf, "password", name, change)

    @app.get("/staff/audit", include_in_schema=False)
    def audit_log(request: Request, before: Annotated[int | None, Query(ge=1)] = None) -> Response:
        user = current(request)
        if user is None:
            return _redirect("/staff/login")
        if not user.admin:
            return pages.render("staff_message.html", 403, user=user, message="admin_only")
        # Each entry with its request's tracking code (the code staff know a request by).
        query = select(AuditEntry, TrackedRequest.tracking_code).outerjoin(
            TrackedRequest, TrackedRequest.request_id == AuditEntry.request_id
        )
        if before is not None:
            query = query.where(AuditEntry.id < before)
        with Session(engine) as session:
            rows = session.execute(query.order_by(AuditEntry.id.desc()).limit(200)).all()
        return pages.render(
            "staff_audit.html",
            user=user,
            rows=rows,
            next_before=rows[-1][0].id if len(rows) == 200 else None,
        )


__all__ = ["add_staff_pages"]
