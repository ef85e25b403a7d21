"""The reference MPP server: FastAPI speaking sync protocol v1.

The process keeps no state of its own: every answer comes from the database (and the
catalogue folder), so several processes behind a load balancer on one PostgreSQL behave
as one server.
"""

import json
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect

from mpp_server.accounts import find_backoffice
from mpp_server.answers_at_rest import AnswersCipher
from mpp_server.catalog import CatalogSource
from mpp_server.db import find_kiosk, open_engine, stored_utc
from mpp_server.ingest import BadBatch, RecordValidator, ingest_batch
from mpp_server.models import Kiosk, StoredRecord
from mpp_server.pages import CatalogueNames, Pages
from mpp_server.ratelimit import PublicLimits
from sync.protocol import (
    _UUID,
    MAX_BATCH_RECORDS,
    MAX_BODY_BYTES,
    MAX_EXISTS_IDS,
    PROTOCOL_VERSION,
    BatchRequest,
    BatchResponse,
    Catalog,
    ClockSkew,
    ExistsRequest,
    ExistsResponse,
    Health,
    KioskSummary,
    Problem,
    Record,
    StatusUpdate,
    ids_digest,
)


class ApiError(Exception):
    def __init__(
        self, status: int, error: str, detail: str | None = None, headers: dict | None = None
    ) -> None:
        super().__init__(error)
        self.status, self.error, self.detail, self.headers = status, error, detail, headers


def bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    """The token of an ``Authorization: Bearer`` header; without one, a 401 asking for it."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "Bearer token needed", {"WWW-Authenticate": "Bearer"})
    return credentials.credentials


@dataclass
class ServerHooks:
    """Test seams: called after a batch committed and before its answer is sent."""

    after_commit: Callable[[int], None] | None = None


UUID_PATTERN = _UUID.pattern
"""A record id as the kiosk makes it: a lower-case UUID (sync.protocol checks it)."""


class StoredRecordView(BaseModel):
    id: str = Field(json_schema_extra={"format": "uuid", "pattern": UUID_PATTERN})
    kind: str
    kiosk_id: str
    outpost: str
    day: date
    created_at: datetime
    received_at: datetime
    form_id: str | None
    form_version: int | None
    kiosk_clock_skew_s: float | None = Field(
        description="the kiosk's clock skew at the push that brought it (server minus kiosk "
        "time, seconds); null when the kiosk did not send one"
    )
    time_flag: Literal["corrected", "implausible"] | None = Field(
        description="null: filed under the WIB day of created_at; corrected: of created_at + "
        "the skew; implausible: of received_at, the record's time cannot be right"
    )

    @field_validator("created_at", "received_at")
    @classmethod
    def _utc(cls, moment: datetime) -> datetime:
        """SQLite hands the stored UTC times back without their offset: say it."""
        return stored_utc(moment)


class ExistsQuery(ExistsRequest):
    """Record ids to look up (lower-case UUIDs, at most 1,000): ``ExistsRequest``, checked."""

    ids: list[Annotated[str, Field(pattern=UUID_PATTERN, json_schema_extra={"format": "uuid"})]] = (
        Field(min_length=1, max_length=MAX_EXISTS_IDS)
    )


_bearer = HTTPBearer(auto_error=False, description="the kiosk's token from mpp-server add-kiosk")
_PROBLEM_TEXTS: dict[int, str] = {
    400: "the body is not JSON, or not the gzip it says it is",
    401: "no token, or not a token this server knows (WWW-Authenticate: Bearer)",
    403: "the kiosk is disabled on this server, or asks for another outpost's records",
    413: "body over 5 MB on the wire or after gzip decompression; a batch of over 500 records",
    415: "a Content-Encoding other than gzip or identity",
    422: "the request cannot be read: its envelope, a parameter or an id is invalid",
    429: (
        "too many requests: answered by the reverse proxy's rate limit "
        "(docs/admin-guide.md), with Retry-After"
    ),
}
_BUSY = {
    503: {
        "description": (
            "the server is at its concurrency limit (mpp-server serve --limit-concurrency); "
            "plain text, try again later"
        ),
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers a route documents: each a Problem, plus 429 and 503 on every route."""
    answers: dict[int | str, dict[str, Any]] = {
        code: {"model": Problem, "description": _PROBLEM_TEXTS[code]} for code in (*codes, 429)
    }
    answers.update(_BUSY)
    return answers


def _json_body(schema: str) -> dict[str, Any]:
    """A request body the route reads itself (token first, then the capped body)."""
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


def create_app(
    database_url: str | None = None,
    *,
    engine: Engine | None = None,
    catalog: CatalogSource | None = None,
    validator: RecordValidator | None = None,
    hooks: ServerHooks | None = None,
    clock: Callable[[], datetime] | None = None,
    public_limits: PublicLimits | None = None,
    answers_cipher: AnswersCipher | None = None,
) -> FastAPI:
    """``clock``: the server's time (UTC), injectable for tests; ``datetime.now(UTC)``.
    ``public_limits``: the status page's and sign-in's rate limits (mpp_server.ratelimit).
    ``answers_cipher``: seals residents' answers at rest (mpp_server.answers_at_rest);
    None stores them in clear."""
    if engine is None:
        from mpp_server.db import DEFAULT_DATABASE_URL

        engine = open_engine(database_url or DEFAULT_DATABASE_URL)
    catalog = catalog or CatalogSource()
    check = validator if validator is not None else catalog.validate
    hooks = hooks or ServerHooks()
    now = clock or _utc_now
    app = FastAPI(
        title="MPP Banyuwangi — sync protocol v1",
        version=str(PROTOCOL_VERSION),
        description=(
            "Reference server for PPP Kiosk. Each record id is stored at most once. "
            "Sending a record again with the same content answers `duplicate` (success); "
            "with different content `rejected` / `conflict` and the stored one is kept. "
            "Every error is a `Problem`. The token is checked before a body is read, and "
            "a body is refused (413) once it passes 5 MB, counted after gzip "
            "decompression. See docs/sync-protocol.md."
        ),
    )

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        body = Problem(error=exc.error, detail=exc.detail).model_dump()
        return JSONResponse(body, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(Problem(error="invalid", detail=_first_error(exc)).model_dump(), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        """Starlette's own answers (404, 405) as Problems too, keeping their headers."""
        if exc.status_code < 400:
            return Response(status_code=exc.status_code, headers=exc.headers)
        error = str(exc.detail).lower().replace(" ", "_")
        body = Problem(error=error, detail=str(exc.detail)).model_dump()
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    def kiosk_of(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Kiosk:
        token = bearer_token(credentials)
        with Session(engine) as session:
            kiosk = find_kiosk(session, token)
            if kiosk is not None:
                session.expunge(kiosk)
            elif find_backoffice(session, token) is not None:
                raise ApiError(
                    403,
                    "forbidden",
                    "a back-office token cannot use the kiosks' sync API; it sets request "
                    "statuses (/api/v1/requests/<code>/status)",
                )
        if kiosk is None:
            raise ApiError(401, "unauthorized", "unknown token", {"WWW-Authenticate": "Bearer"})
        if not kiosk.active:
            raise ApiError(
                403,
                "kiosk_disabled",
                f"kiosk {kiosk.id} is disabled on the MPP server: nothing it sends is accepted "
                "until the server's admin enables it (mpp-server enable-kiosk)",
            )
        return kiosk

    @app.get("/api/v1/health", response_model=Health, tags=["sync"], responses=_problems())
    def health() -> Health:
        return Health(server_time=now())

    @app.post(
        "/api/v1/records:batch",
        response_model=BatchResponse,
        tags=["sync"],
        responses=_problems(400, 401, 403, 413, 415, 422),
        openapi_extra=_json_body("BatchRequest"),
    )
    async def post_batch(
        request: Request,
        kiosk: Annotated[Kiosk, Depends(kiosk_of)],
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> Response:
        """Store a batch; one result per record, in the order sent.

        Idempotent per record id whatever the `Idempotency-Key` (echoed back, for tracing).
        A record that does not fit `Record` is answered `rejected` (`invalid: ...`) in the
        200, one record at a time; only a record without a usable id, or a bad envelope,
        refuses the whole batch (422). The answer carries `server_time` when the request
        carried `clock_skew_s` (even null).
        """
        data = _parse_json(await _read_body(request))
        records = _batch_records(data)
        skew = _clock_skew(data)
        try:
            results = await run_in_threadpool(
                ingest_batch, engine, kiosk, records, check,
                clock_skew_s=skew, now=now(), cipher=answers_cipher,
            )  # fmt: skip
        except BadBatch as exc:
            raise ApiError(422, "bad_batch", str(exc)) from None
        except (ValueError, RecursionError):  # a payload nested too deep to hash or store
            raise ApiError(422, "bad_batch", "a record cannot be processed") from None
        if hooks.after_commit is not None:
            await run_in_threadpool(hooks.after_commit, len(records))
        # Only kiosks that send clock_skew_s read server_time: older ones refuse any field
        # they do not know, so their answer stays exactly as it was.
        asked = "clock_skew_s" in data
        answer = BatchResponse(results=results, server_time=now() if asked else None)
        body = answer.model_dump_json(exclude=None if asked else {"server_time"})
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return Response(body, media_type="application/json", headers=headers)

    @app.get(
        "/api/v1/catalog",
        response_model=Catalog,
        tags=["sync"],
        responses={304: {"description": "Not Modified: the If-None-Match tag is current"}}
        | _problems(422),
    )
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

    @app.get(
        "/api/v1/kiosks/me/summary",
        response_model=KioskSummary,
        tags=["sync"],
        responses=_problems(401, 403),
    )
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

    def missing_of(kiosk: Kiosk, ids: list[str]) -> list[str]:
        with Session(engine) as session:
            held = set(
                session.scalars(
                    select(StoredRecord.id).where(
                        StoredRecord.id.in_(ids), StoredRecord.kiosk_id == kiosk.id
                    )
                )
            )
        return [rid for rid in ids if rid not in held]

    @app.post(
        "/api/v1/records:exists",
        response_model=ExistsResponse,
        tags=["sync"],
        responses=_problems(400, 401, 403, 413, 415, 422),
        openapi_extra=_json_body("ExistsQuery"),
    )
    async def exists(
        request: Request, kiosk: Annotated[Kiosk, Depends(kiosk_of)]
    ) -> ExistsResponse:
        """Which of these ids the server does not hold for this kiosk."""
        query = await _read_model(request, ExistsQuery)
        return ExistsResponse(missing=await run_in_threadpool(missing_of, kiosk, query.ids))

    @app.get(
        "/api/v1/records",
        response_model=list[StoredRecordView],
        tags=["read"],
        responses=_problems(401, 403, 422),
        dependencies=[Depends(_only_query("day", "outpost", "limit", "after"))],
    )
    def list_records(
        kiosk: Annotated[Kiosk, Depends(kiosk_of)],
        day: date,
        outpost: str | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        after: Annotated[
            str | None,
            Query(
                pattern=UUID_PATTERN,
                description="the last id of the previous page",
                json_schema_extra={"format": "uuid"},
            ),
        ] = None,
    ) -> list[StoredRecordView]:
        """What arrived for one outpost (the token's own by default) and WIB day; no answers.

        Paged by id: pass the last id of a page as ``after`` for the next one.
        """
        outpost = outpost or kiosk.outpost
        if outpost != kiosk.outpost:
            raise ApiError(403, "forbidden", "a kiosk reads its own outpost only")
        query = select(StoredRecord).where(StoredRecord.outpost == outpost, StoredRecord.day == day)
        if after:
            query = query.where(StoredRecord.id > after)
        with Session(engine) as session:
            rows = session.scalars(query.order_by(StoredRecord.id).limit(limit)).all()
            return [StoredRecordView.model_validate(row, from_attributes=True) for row in rows]

    pages = Pages(CatalogueNames(catalog))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview() -> HTMLResponse:
        with Session(engine) as session:
            rows = session.execute(
                select(
                    StoredRecord.outpost,
                    StoredRecord.day,
                    StoredRecord.kind,
                    StoredRecord.time_flag,
                    func.count(),
                )
                .group_by(
                    StoredRecord.outpost,
                    StoredRecord.day,
                    StoredRecord.kind,
                    StoredRecord.time_flag,
                )
                .order_by(StoredRecord.day.desc(), StoredRecord.outpost)
                .limit(2000)
            ).all()
        return pages.render("overview.html", rows=_overview_rows(rows), columns=_OVERVIEW_COLUMNS)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            _add_wire_schemas(schema.setdefault("components", {}).setdefault("schemas", {}))
            app.openapi_schema = schema
        return app.openapi_schema

    _add_status_routes(
        app, engine, pages, kiosk_of, now, public_limits or PublicLimits(), answers_cipher
    )
    app.openapi = openapi  # type: ignore[method-assign]
    app.state.engine = engine
    return app


def _add_status_routes(
    app: FastAPI,
    engine: Engine,
    pages: Pages,
    kiosk_of: Callable[..., Kiosk],
    now: Callable[[], datetime],
    limits: PublicLimits,
    answers_cipher: AnswersCipher | None = None,
) -> None:
    """The status round trip: the feed and back-office API, the staff and public pages."""
    from importlib.resources import files

    from fastapi.staticfiles import StaticFiles

    from mpp_server.public import add_public_pages
    from mpp_server.staff import add_staff_pages
    from mpp_server.status_api import add_status_api

    add_status_api(app, engine, kiosk_of, now)
    add_public_pages(app, engine, pages, limits, now)
    add_staff_pages(app, engine, pages, limits, now, answers_cipher)
    static = files("mpp_server") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")


def _add_wire_schemas(components: dict[str, Any]) -> None:
    """The bodies the routes read themselves, described as the server reads them.

    ``Record`` is what a kiosk sends; the batch also takes, and answers ``rejected`` one by
    one, any object with a usable id (``RecordToReject``), so the request schema says so.
    """
    ref = "#/components/schemas/{model}"
    record = Record.model_json_schema(ref_template=ref)
    record["properties"]["id"].update(format="uuid", pattern=UUID_PATTERN)
    components["RecordToReject"] = {
        "title": "RecordToReject",
        "description": (
            "Anything else with a usable id: answered `rejected` with reason "
            "`invalid: <field>: <message>` in the 200, without refusing the batch"
        ),
        "type": "object",
        "required": ["id"],
        "properties": {"id": {"type": "string", "minLength": 1, "maxLength": 64}},
    }
    batch = BatchRequest.model_json_schema(ref_template=ref)
    components.update(batch.pop("$defs", {}))
    batch["properties"]["protocol"] = {
        "title": "Protocol",
        "const": PROTOCOL_VERSION,
        "default": PROTOCOL_VERSION,
    }
    batch["properties"]["records"]["items"] = {
        "anyOf": [
            {"$ref": ref.format(model="Record")},
            {"$ref": ref.format(model="RecordToReject")},
        ]
    }
    components["Record"] = record
    components["BatchRequest"] = batch
    components["ExistsQuery"] = ExistsQuery.model_json_schema(ref_template=ref)
    status_update = StatusUpdate.model_json_schema(ref_template=ref)
    components.update(status_update.pop("$defs", {}))
    components["StatusUpdate"] = status_update
    for unused in ("HTTPValidationError", "ValidationError", "ExistsRequest"):
        components.pop(unused, None)


def _utc_now() -> datetime:
    return datetime.now(UTC)


_CLOCK_SKEW: TypeAdapter[float | None] = TypeAdapter(ClockSkew)


def _clock_skew(data: dict[str, Any]) -> float | None:
    """The envelope's ``clock_skew_s``: a number of seconds within bounds, null or absent."""
    try:
        return _CLOCK_SKEW.validate_python(data.get("clock_skew_s"))
    except ValidationError as exc:
        detail = f"clock_skew_s: {exc.errors()[0]['msg']}"
        raise ApiError(422, "bad_batch", detail) from None


ModelT = TypeVar("ModelT", bound=BaseModel)


def _first_error(exc: RequestValidationError | ValidationError) -> str:
    """Where and what, never the input: FastAPI's default echoes it, and JSON cannot render
    Infinity or NaN (that was a 500)."""
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}"[:300]


def _only_query(*declared: str) -> Callable[[Request], None]:
    """Refuse a query parameter the route does not declare, or one given twice
    (``?after=a&after=b`` is a list where the route takes one value): 422, not a guess."""

    def check(request: Request) -> None:
        names = [name for name, _value in request.query_params.multi_items()]
        for name in names:
            if name not in declared:
                raise ApiError(422, "invalid", f"query.{name[:40]}: not a parameter here")
            if names.count(name) > 1:
                raise ApiError(422, "invalid", f"query.{name[:40]}: given more than once")

    return check


def _parse_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: [[[[...
        raise ApiError(400, "bad_json", "the body is not JSON") from None


def _batch_records(data: Any) -> list[Any]:
    """The envelope's records, or 413/422 for the whole batch (the records are read later)."""
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records:
        raise ApiError(422, "bad_batch", 'expected {"records": [...]} with one or more')
    if len(records) > MAX_BATCH_RECORDS:
        raise ApiError(413, "batch_too_large", f"at most {MAX_BATCH_RECORDS} records")
    protocol = data.get("protocol", PROTOCOL_VERSION)
    if (
        isinstance(protocol, bool)
        or not isinstance(protocol, int | float)
        or protocol != PROTOCOL_VERSION
    ):
        raise ApiError(422, "bad_protocol", f"this server speaks protocol {PROTOCOL_VERSION}")
    unknown = sorted(set(data) - set(BatchRequest.model_fields))
    if unknown:
        raise ApiError(422, "bad_batch", f"unknown envelope field {unknown[0][:40]!r}")
    return records


async def _read_model(request: Request, model: type[ModelT]) -> ModelT:
    """The body (:func:`_read_body`) as ``model``: 400 ``bad_json`` when it is not JSON,
    422 ``invalid`` with the first error when it is not the model."""
    body = await _read_body(request)
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        if exc.errors()[0]["type"] == "json_invalid":
            raise ApiError(400, "bad_json", "the body is not JSON") from None
        raise ApiError(422, "invalid", _first_error(exc)) from None


async def _read_body(request: Request) -> bytes:
    """The body, decompressed, refused with 413 once it passes MAX_BODY_BYTES (gzip bombs too).

    Every route that takes a body reads it here, after its token was checked.
    """
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", f"at most {MAX_BODY_BYTES} bytes")
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("identity", "gzip"):
        raise ApiError(415, "unsupported_encoding", "gzip or identity")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise ApiError(413, "body_too_large", f"at most {MAX_BODY_BYTES} bytes")
            chunks.append(chunk)
    except ClientDisconnect:  # gone, or closed by the body deadline: nobody to answer
        raise ApiError(400, "disconnected", "the client went away mid-body") from None
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


_OVERVIEW_COLUMNS = (
    "service_request", "ticket_event", "audit", "total", "corrected", "implausible",
)  # fmt: skip


def _overview_rows(rows: list[Any]) -> list[tuple[str, date, Counter[str]]]:
    """Counts per outpost and day, by kind and by time flag (mpp_server.record_day)."""
    table: dict[tuple[str, date], Counter[str]] = {}
    for outpost, day, kind, time_flag, count in rows:
        counts = table.setdefault((outpost, day), Counter())
        counts[kind] += count
        counts["total"] += count
        if time_flag is not None:
            counts[time_flag] += count
    return [(outpost, day, counts) for (outpost, day), counts in table.items()]


__all__ = ["ApiError", "ServerHooks", "create_app"]
