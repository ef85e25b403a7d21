"""The status routes of the API: the kiosks' changes feed and the back office's status API.

Kiosk tokens read the feed of their own outpost; back-office tokens (``mpp-server
add-backoffice``) set and read statuses. Neither can do the other's job.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from mpp_server.accounts import audit, find_backoffice
from mpp_server.db import find_kiosk
from mpp_server.models import Kiosk
from mpp_server.statuses import (
    Actor,
    CursorRefused,
    StatusConflict,
    StatusInvalid,
    UnknownRequest,
    find_request,
    history,
    read_feed,
    set_status,
    to_change,
)
from sync.protocol import (
    DEFAULT_STATUS_CHANGES_PAGE,
    MAX_STATUS_CHANGES_PAGE,
    REASON_CURSOR_RESET,
    Problem,
    StatusChange,
    StatusChangesPage,
    StatusHistory,
    StatusUpdate,
)

_backoffice_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="BackOfficeToken",
    description="a back-office client's token from mpp-server add-backoffice",
)


def add_status_api(
    app: FastAPI,
    engine: Engine,
    kiosk_of: Callable[..., Kiosk],
    now: Callable[[], datetime],
) -> None:
    from mpp_server.app import (
        ApiError,
        _json_body,
        _only_query,
        _problems,
        _read_model,
        bearer_token,
    )

    gone: dict[int | str, dict[str, Any]] = {
        410: {
            "model": Problem,
            "description": (
                "`cursor_reset`: the cursor is malformed, from another server or database, "
                "for another outpost, or older than the feed keeps. Drop it and pull again "
                "from the start (no `since`), keeping only higher versions"
            ),
        }
    }

    @app.get(
        "/api/v1/status-changes",
        response_model=StatusChangesPage,
        tags=["status"],
        responses=_problems(401, 403, 422) | gone,
        dependencies=[Depends(_only_query("since", "limit"))],
    )
    def status_changes(
        kiosk: Annotated[Kiosk, Depends(kiosk_of)],
        since: Annotated[
            str | None,
            Query(
                max_length=120,
                description="the `cursor` of the previous page; empty: from the start",
            ),
        ] = None,
        limit: Annotated[
            int, Query(ge=1, le=MAX_STATUS_CHANGES_PAGE)
        ] = DEFAULT_STATUS_CHANGES_PAGE,
    ) -> Response:
        """The status changes of the requests of the token's outpost, in the feed's order.

        Each change once, oldest first, `limit` at a time; `more` says another page waits.
        Asking again with the same `since` answers the same changes (and any newer ones):
        safe to replay. A request's `version` only grows; keep the highest one seen.
        """
        with Session(engine) as session:
            try:
                page = read_feed(session, kiosk.outpost, since, limit)
            except CursorRefused as exc:
                raise ApiError(410, REASON_CURSOR_RESET, str(exc)) from None
        # Serialised once, as the response model would (the same JSON, byte for byte),
        # without dumping, validating and encoding a thousand changes again on the way out.
        answer = StatusChangesPage.model_construct(
            changes=page.changes, cursor=page.cursor, more=page.more, server_time=now()
        )
        return Response(answer.model_dump_json(), media_type="application/json")

    def backoffice_of(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_backoffice_bearer)],
    ) -> str:
        token = bearer_token(credentials)
        with Session(engine) as session:
            client = find_backoffice(session, token)
            if client is not None:
                return client.name
            if find_kiosk(session, token) is not None:
                raise ApiError(
                    403, "forbidden", "a kiosk token cannot read or set request statuses"
                )
        raise ApiError(401, "unauthorized", "unknown token", {"WWW-Authenticate": "Bearer"})

    code_path = Annotated[
        str,
        Path(
            min_length=1,
            max_length=40,
            description="the tracking code as printed, e.g. 7KQ2-M9XD-4T1B (case and dashes "
            "do not matter)",
        ),
    ]

    @app.get(
        "/api/v1/requests/{tracking_code}",
        response_model=StatusHistory,
        tags=["back office"],
        responses=_problems(401, 403, 422) | {404: {"model": Problem}},
    )
    def request_history(
        tracking_code: code_path, client: Annotated[str, Depends(backoffice_of)]
    ) -> StatusHistory:
        """A request's current status and its history, oldest first (back-office token)."""
        with Session(engine) as session:
            found = find_request(session, tracking_code)
            if found is None:
                raise ApiError(404, "unknown_request", "no request with this tracking code")
            rows = history(session, found)
            return StatusHistory(
                request_id=found.request_id,
                tracking_code=found.tracking_code,
                service_code=found.service_code,
                outpost=found.outpost,
                status=found.status,  # type: ignore[arg-type]
                version=found.version,
                history=[to_change(row, found) for row in rows],
            )

    def apply(tracking_code: str, update: StatusUpdate, client: str, address: str | None):  # noqa: ANN202
        with Session(engine) as session, session.begin():
            found = find_request(session, tracking_code)
            previous = found.status if found is not None else None
            change = set_status(
                session,
                tracking_code,
                update.status,
                actor=Actor("backoffice", client),
                note=update.note,
                missing_documents=update.missing_documents,
                pickup_place=update.pickup_place,
                pickup_from=update.pickup_from,
                expected_version=update.expected_version,
                now=now(),
            )
            audit(
                session,
                change.changed_at,
                "backoffice",
                client,
                "set_status",
                request_id=change.request_id,
                detail=f"{previous} -> {change.status} (v{change.version})",
                address=address,
            )
            return change

    @app.post(
        "/api/v1/requests/{tracking_code}/status",
        response_model=StatusChange,
        tags=["back office"],
        responses=_problems(400, 401, 403, 413, 415, 422)
        | {
            404: {"model": Problem, "description": "no such tracking code"},
            409: {
                "model": Problem,
                "description": "a stale `expected_version`, the same status again, or a "
                "final request (only an admin on the staff pages can reopen it)",
            },
        },
        openapi_extra=_json_body("StatusUpdate"),
    )
    async def post_status(
        tracking_code: code_path,
        request: Request,
        client: Annotated[str, Depends(backoffice_of)],
    ) -> StatusChange:
        """Set a request's status (back-office token); answers the new change.

        `ready` needs `pickup_place` and `pickup_from`; `needs_documents` needs
        `missing_documents`; `refused` needs `note` (a reason a resident can read).
        A field that does not belong to the status is refused (422). Nothing changes on
        any error.
        """
        update = await _read_model(request, StatusUpdate)
        address = request.client.host if request.client else None
        try:
            return await run_in_threadpool(apply, tracking_code, update, client, address)
        except UnknownRequest:
            raise ApiError(404, "unknown_request", "no request with this tracking code") from None
        except StatusInvalid as exc:
            raise ApiError(422, "invalid_status", str(exc)) from None
        except StatusConflict as exc:
            raise ApiError(409, "status_conflict", exc.words[1]) from None


__all__ = ["add_status_api"]
