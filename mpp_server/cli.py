"""``mpp-server serve`` and ``mpp-server add-kiosk``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from mpp_server.db import DEFAULT_DATABASE_URL

ENV_DATABASE_URL = "MPP_DATABASE_URL"
ENV_CATALOG_DIR = "MPP_CATALOG_DIR"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mpp-server", description="reference MPP sync server")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the sync API")
    serve.add_argument("--database-url", default=None, help=f"default {DEFAULT_DATABASE_URL}")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--workers", type=int, default=1, help="worker processes")
    serve.add_argument("--catalog-dir", type=Path, default=None, help="catalogue folder to serve")
    serve.add_argument("--log-level", default="info")
    add = sub.add_parser("add-kiosk", help="register a kiosk and print its new token once")
    add.add_argument("kiosk_id")
    add.add_argument("--outpost", required=True)
    add.add_argument("--database-url", default=None)
    return parser


def app_from_env():  # noqa: ANN201 - FastAPI; the factory uvicorn calls in each worker
    from mpp_server.app import create_app
    from mpp_server.catalog import CatalogSource

    catalog_dir = os.environ.get(ENV_CATALOG_DIR)
    return create_app(
        os.environ.get(ENV_DATABASE_URL, DEFAULT_DATABASE_URL),
        catalog=CatalogSource(Path(catalog_dir) if catalog_dir else None),
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    url = args.database_url or os.environ.get(ENV_DATABASE_URL) or DEFAULT_DATABASE_URL
    if args.command == "add-kiosk":
        from mpp_server.db import add_kiosk, open_engine

        engine = open_engine(url)
        token = add_kiosk(engine, args.kiosk_id, args.outpost)
        engine.dispose()
        sys.stdout.write(token + "\n")
        sys.stderr.write(
            f"kiosk {args.kiosk_id} ({args.outpost}) registered; put this token in its "
            "kiosk.toml [server] token — it is not shown again\n"
        )
        return 0
    import uvicorn

    from mpp_server.db import open_engine

    open_engine(url).dispose()  # create the tables once, before the workers start
    os.environ[ENV_DATABASE_URL] = url
    if args.catalog_dir:
        os.environ[ENV_CATALOG_DIR] = str(args.catalog_dir)
    uvicorn.run(
        "mpp_server.cli:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
