"""Who the LAN service serves, and how a request proves it comes from the kiosk's own pages.

- Only addresses in ``[lan].allowed_subnets`` are served, judged by the socket's peer
  address: the service never reads ``X-Forwarded-For`` (uvicorn runs with
  ``proxy_headers=False``), so a client cannot claim another address.
- Operators' sessions are an HttpOnly, SameSite=Strict cookie (Secure under TLS); every
  state change also carries the session's CSRF token in ``X-CSRF-Token``, and a request
  whose ``Origin`` (or ``Sec-Fetch-Site``) says it comes from another site is refused.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from kiosk.lan.views import error_body

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SESSION_COOKIE = "ppp_lan_session"
CSRF_HEADER = "x-csrf-token"


def parse_subnets(subnets: Iterable[str]) -> list[Network]:
    return [ipaddress.ip_network(s, strict=False) for s in subnets]


def address_allowed(address: str | None, subnets: list[Network]) -> bool:
    """Whether a peer address is in one of the subnets (an IPv4 address mapped into IPv6,
    ``::ffff:192.168.1.20``, counts as the IPv4 one)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip.version == net.version and ip in net for net in subnets)


class SubnetGuard:
    """ASGI middleware: 403 for every peer outside the allowed subnets, before anything."""

    def __init__(self, app: ASGIApp, subnets: list[Network]) -> None:
        self.app = app
        self.subnets = subnets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            if not address_allowed(client[0] if client else None, self.subnets):
                await _refuse(send, scope["type"])
                return
        await self.app(scope, receive, send)


async def _refuse(send: Send, kind: str) -> None:
    if kind == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = json.dumps(error_body("forbidden")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def cross_site(request: Request, *, tls: bool) -> bool:
    """Whether the browser says this request comes from another site's page."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return True
    origin = request.headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-site request: those always say where from
    host = request.headers.get("host", "")
    return origin != f"{'https' if tls else 'http'}://{host}"


def csrf_matches(request: Request, expected: str) -> bool:
    given = request.headers.get(CSRF_HEADER, "")
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


def session_cookie(token: str, *, tls: bool, max_age: int) -> dict[str, Any]:
    """``Response.set_cookie`` arguments for the operator's session."""
    return {
        "key": SESSION_COOKIE,
        "value": token,
        "max_age": max_age,
        "path": "/",
        "httponly": True,
        "samesite": "strict",
        "secure": tls,
    }
