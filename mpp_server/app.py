"""The reference MPP server: FastAPI speaking sync protocol v1.

The process keeps no state of its own: every answer comes from the database (and the
catalogue folder), so several processes behind a load balancer on one PostgreSQL behave
as one server.
"""

import html
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from mpp_server.catalog import CatalogSource
from mpp_server.db import find_kiosk, open_engine
from mpp_server.ingest import BadBatch, RecordValidator, ingest_batch
from mpp_server.models import Kiosk, StoredRecord
from sync.protocol import (
    MAX_BATCH_RECORDS,
    MAX_BODY_BYTES,
    PROTOCOL_VERSION,
    BatchRequest,
    BatchResponse,
    Catalog,
    ExistsRequest,
    ExistsResponse,
    Health,
    KioskSummary,
    Problem,
    Record,
    ids_digest,
)


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, detail: str | None = None, headers: dict | None = None
    ) -> None:
        super().__init__(error)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


@dataclass
class ServerHooks:
    """Test seams: called after a batch committed and before its answer is sent."""

    after_commit: Callable[[int], None] | None = None


class StoredRecordView(BaseModel):
    id: str
    kind: str
    kiosk_id: str
    outpost: str
    day: date
    created_at: datetime
    received_at: datetime
    form_id: str | None
    form_version: int | None


_bearer = HTTPBearer(auto_error=False, description="the kiosk's token from mpp-server add-kiosk")
_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "description": text}
    for code, text in (
        (401, "no or unknown token"),
        (403, "the kiosk is disabled"),
        (413, "body over 5 MB after decompression, or more than 500 records"),
        (422, "the batch envelope cannot be read"),
    )
}


def create_app(
    database_url: str | None = None,
    *,
    engine: Engine | None = None,
    catalog: CatalogSource | None = None,
    validator: RecordValidator | None = None,
    hooks: ServerHooks | None = None,
) -> FastAPI:
    if engine is None:
        from mpp_server.db import DEFAULT_DATABASE_URL

        engine = open_engine(database_url or DEFAULT_DATABASE_URL)
    catalog = catalog or CatalogSource()
    check = validator if validator is not None else catalog.validate
    hooks = hooks or ServerHooks()
    app = FastAPI(
        title="MPP Banyuwangi — sync protocol v1",
        version=str(PROTOCOL_VERSION),
        description=(
            "Reference server for PPP Kiosk. Each record id is stored at most once. "
            "Sending a record again with the same content answers `duplicate` (success); "
            "with different content `rejected` / `conflict` and the stored one is kept. "
            "See docs/sync-protocol.md."
        ),
    )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        body = Problem(error=exc.error, detail=exc.detail).model_dump()
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default echoes the input, and JSON cannot render Infinity or NaN: a 500.
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(part) for part in first.get("loc", ()))
        detail = f"{where}: {first.get('msg', 'invalid')}"[:300]
        return JSONResponse(Problem(error="invalid", detail=detail).model_dump(), 422)

    def kiosk_of(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Kiosk:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise ApiError(
                401, "unauthorized", "Bearer token needed", {"WWW-Authenticate": "Bearer"}
            )
        with Session(engine) as session:
            kiosk = find_kiosk(session, credentials.credentials)
            if kiosk is not None:
                session.expunge(kiosk)
        if kiosk is None:
            raise ApiError(401, "unauthorized", "unknown token", {"WWW-Authenticate": "Bearer"})
        if not kiosk.active:
            raise ApiError(403, "forbidden", "this kiosk is disabled")
        return kiosk

    @app.get("/api/v1/health", response_model=Health, tags=["sync"])
    def health() -> Health:
        return Health(server_time=datetime.now(UTC))

    @app.post(
        "/api/v1/records:batch",
        response_model=BatchResponse,
        tags=["sync"],
        responses=_PROBLEMS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}
                },
            }
        },
    )
    async def post_batch(
        request: Request,
        kiosk: Annotated[Kiosk, Depends(kiosk_of)],
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> Response:
        """Store a batch; one result per record, in the order sent.

        Idempotent per record id whatever the `Idempotency-Key` (echoed back, for tracing).
        """
        body = await _read_body(request)
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[...
            raise ApiError(400, "bad_json", "the body is not JSON") from None
        records = data.get("records") if isinstance(data, dict) else None
        if not isinstance(records, list) or not records:
            raise ApiError(422, "bad_batch", 'expected {"records": [...]} with one or more')
        if len(records) > MAX_BATCH_RECORDS:
            raise ApiError(413, "batch_too_large", f"at most {MAX_BATCH_RECORDS} records")
        if data.get("protocol", PROTOCOL_VERSION) != PROTOCOL_VERSION:
            raise ApiError(422, "bad_protocol", f"this server speaks protocol {PROTOCOL_VERSION}")
        try:
            results = await run_in_threadpool(ingest_batch, engine, kiosk, records, check)
        except BadBatch as exc:
            raise ApiError(422, "bad_batch", str(exc)) from None
        except (ValueError, RecursionError):  # a payload nested too deep to hash or store
            raise ApiError(422, "bad_batch", "a record cannot be processed") from None
        if hooks.after_commit is not None:
            await run_in_threadpool(hooks.after_commit, len(records))
        answer = BatchResponse(results=results)
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return Response(answer.model_dump_json(), media_type="application/json", headers=headers)

    @app.get("/api/v1/catalog", response_model=Catalog, tags=["sync"], responses={304: {}})
    def get_catalog(
        if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
    ) -> Response:
        etag = catalog.etag
        if if_none_match and etag in [tag.strip() for tag in if_none_match.split(",")]:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(
            catalog.catalog.model_dump_json(),
            media_type="application/json",
            headers={"ETag": etag, "Cache-Control": "no-cache"},
        )

    @app.get("/api/v1/kiosks/me/summary", response_model=KioskSummary, tags=["sync"])
    def summary(kiosk: Annotated[Kiosk, Depends(kiosk_of)]) -> KioskSummary:
        """How many records the server holds for this kiosk, and a digest of their ids."""
        with Session(engine) as session:
            ids = session.scalars(
                select(StoredRecord.id).where(StoredRecord.kiosk_id == kiosk.id)
            ).yield_per(5000)
            count = 0

            def counted():  # noqa: ANN202
                nonlocal count
                for record_id in ids:
                    count += 1
                    yield record_id

            digest = ids_digest(counted())
        return KioskSummary(kiosk_id=kiosk.id, count=count, digest=digest)

    @app.post("/api/v1/records:exists", response_model=ExistsResponse, tags=["sync"])
    def exists(body: ExistsRequest, kiosk: Annotated[Kiosk, Depends(kiosk_of)]) -> ExistsResponse:
        """Which of these ids the server does not hold for this kiosk."""
        with Session(engine) as session:
            held = set(
                session.scalars(
                    select(StoredRecord.id).where(
                        StoredRecord.id.in_(body.ids), StoredRecord.kiosk_id == kiosk.id
                    )
                )
            )
        return ExistsResponse(missing=[rid for rid in body.ids if rid not in held])

    @app.get("/api/v1/records", response_model=list[StoredRecordView], tags=["read"])
    def list_records(
        kiosk: Annotated[Kiosk, Depends(kiosk_of)],
        day: date,
        outpost: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        after: str | None = None,
    ) -> list[StoredRecordView]:
        """What arrived for one outpost (the token's own by default) and WIB day; no answers."""
        outpost = outpost or kiosk.outpost
        if outpost != kiosk.outpost:
            raise ApiError(403, "forbidden", "a kiosk reads its own outpost only")
        query = select(StoredRecord).where(StoredRecord.outpost == outpost, StoredRecord.day == day)
        if after:
            query = query.where(StoredRecord.id > after)
        with Session(engine) as session:
            rows = session.scalars(query.order_by(StoredRecord.id).limit(limit)).all()
            return [StoredRecordView.model_validate(row, from_attributes=True) for row in rows]

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview() -> HTMLResponse:
        with Session(engine) as session:
            rows = session.execute(
                select(StoredRecord.outpost, StoredRecord.day, StoredRecord.kind, func.count())
                .group_by(StoredRecord.outpost, StoredRecord.day, StoredRecord.kind)
                .order_by(StoredRecord.day.desc(), StoredRecord.outpost)
                .limit(500)
            ).all()
        return HTMLResponse(_overview_html(rows))

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            extra = BatchRequest.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(extra.pop("$defs", {}))
            components["BatchRequest"] = extra
            components.setdefault(
                "Record", Record.model_json_schema(ref_template="#/components/schemas/{model}")
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.state.engine = engine
    return app


async def _read_body(request: Request) -> bytes:
    """The body, decompressed, refused with 413 once it passes MAX_BODY_BYTES (gzip bombs too)."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", f"at most {MAX_BODY_BYTES} bytes")
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise ApiError(415, "unsupported_encoding", "gzip or identity")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", f"at most {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if encoding == "identity":
        return raw
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, MAX_BODY_BYTES + 1)
    except zlib.error:
        raise ApiError(400, "bad_gzip", "the body is not valid gzip") from None
    if len(body) > MAX_BODY_BYTES or inflater.unconsumed_tail:
        raise ApiError(413, "body_too_large", f"at most {MAX_BODY_BYTES} bytes decompressed")
    if not inflater.eof:
        raise ApiError(400, "bad_gzip", "the gzip body is truncated")
    if inflater.unused_data:  # bytes after the one gzip member: not what the kiosk sent
        raise ApiError(400, "bad_gzip", "the gzip body has bytes after its end")
    return body


def _overview_html(rows: list[Any]) -> str:
    table: dict[tuple[str, date], dict[str, int]] = {}
    for outpost, day, kind, count in rows:
        table.setdefault((outpost, day), {})[kind] = count
    lines = [
        f"<tr><td>{html.escape(outpost)}</td><td>{day.isoformat()}</td>"
        f"<td>{kinds.get('service_request', 0)}</td><td>{kinds.get('ticket_event', 0)}</td>"
        f"<td>{kinds.get('audit', 0)}</td><td>{sum(kinds.values())}</td></tr>"
        for (outpost, day), kinds in table.items()
    ]
    body = "\n".join(lines) or '<tr><td colspan="6">Belum ada data / nothing yet</td></tr>'
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        "<title>MPP Banyuwangi — data masuk</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.3em .8em;text-align:right}"
        "td:first-child,th:first-child{text-align:left}</style></head><body>"
        "<h1>Data masuk per pos dan hari / Records received per outpost and day</h1>"
        "<table><tr><th>Outpost</th><th>Day (WIB)</th><th>Requests</th><th>Ticket events</th>"
        f"<th>Audit</th><th>Total</th></tr>\n{body}\n</table></body></html>"
    )


__all__ = ["ApiError", "ServerHooks", "create_app"]
