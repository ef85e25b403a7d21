"""Every route with a body checks the token before it reads the body, and caps the body.

A body is refused with 413 while it streams, once it passes ``MAX_BODY_BYTES`` on the
wire or after gzip decompression. Without a token the answer is 401 before a byte of the
body is needed: 200 MB sent without a token must not be read, let alone parsed.
"""

from __future__ import annotations

import gzip
import socket
from collections.abc import Iterator

import pytest
import requests

from mpp_server.accounts import add_backoffice
from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from sync.protocol import MAX_BODY_BYTES
from tests.integration.conftest import ThreadServer

STATUS_ROUTE = "/api/v1/requests/ABCD-EFGH-JKMN/status"
BODY_ROUTES = ["/api/v1/records:batch", "/api/v1/records:exists", STATUS_ROUTE]
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    running = ThreadServer(app).start()
    token = add_kiosk(app.state.engine, "k1", "rogojampi")
    backoffice = add_backoffice(app.state.engine, "backoffice")
    yield running.url, {"Authorization": f"Bearer {token}", "X-Back-Office": backoffice}
    running.stop()
    app.state.engine.dispose()


def auth_for(path: str, auth: dict[str, str]) -> dict[str, str]:
    """The status route takes a back-office token; the others the kiosk's."""
    if path == STATUS_ROUTE:
        return {"Authorization": f"Bearer {auth['X-Back-Office']}"}
    return {"Authorization": auth["Authorization"]}


def first_answer(url: str, head: str, body_start: bytes, timeout: float = 5.0) -> bytes:
    """Send a request's head and the start of its body; return the status line and headers."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head.encode("ascii") + body_start)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(4096)  # socket.timeout here: the server is still reading
            if not chunk:
                break
            answer += chunk
    return answer


def test_the_body_routes_listed_here_are_all_the_api_has(api):
    url, _auth = api
    paths = requests.get(url + "/openapi.json").json()["paths"]
    with_body = sorted(
        path for path, methods in paths.items() for op in methods.values() if "requestBody" in op
    )
    assert with_body == sorted([*BODY_ROUTES[:2], "/api/v1/requests/{tracking_code}/status"])


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_no_token_and_bad_json_is_401_not_422(api, path):
    url, _auth = api
    response = requests.post(url + path, data=b'{"ids": [not json', headers=JSON)
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_no_token_and_200_mb_is_refused_before_the_body_is_sent(api, path):
    url, _auth = api
    head = (
        f"POST {path} HTTP/1.1\r\nHost: mpp\r\nContent-Type: application/json\r\n"
        f"Content-Length: {200 * 1024 * 1024}\r\n\r\n"
    )
    answer = first_answer(url, head, b'{"ids": [' + b" " * 60_000)
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:200]


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_a_body_over_the_cap_is_413_with_a_token(api, path):
    url, auth = api
    huge = b'{"ids": [' + b" " * (MAX_BODY_BYTES + 10) + b"]}"
    response = requests.post(url + path, data=huge, headers={**auth_for(path, auth), **JSON})
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "body_too_large"


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_a_chunked_body_is_cut_off_while_it_streams(api, path):
    url, auth = api

    def chunks() -> Iterator[bytes]:  # no Content-Length: only counting can stop it
        yield b'{"ids": ['
        for _ in range(MAX_BODY_BYTES // 65536 + 20):
            yield b" " * 65536

    response = requests.post(url + path, data=chunks(), headers={**auth_for(path, auth), **JSON})
    assert response.status_code == 413, response.text


@pytest.mark.parametrize("path", BODY_ROUTES)
def test_a_gzip_bomb_is_413(api, path):
    url, auth = api
    bomb = gzip.compress(b'{"ids": [' + b" " * (MAX_BODY_BYTES * 4) + b"]}")
    headers = {**auth_for(path, auth), **JSON, "Content-Encoding": "gzip"}
    response = requests.post(url + path, data=bomb, headers=headers)
    assert response.status_code == 413 and len(bomb) < 30_000, response.text


def test_exists_reads_gzip_like_the_batch(api):
    url, auth = api
    ids = ["01937c5e-8a40-7b2c-9d1e-2f3a4b5c6d7e"]
    body = gzip.compress(b'{"ids": ["01937c5e-8a40-7b2c-9d1e-2f3a4b5c6d7e"]}')
    headers = {**auth_for("", auth), **JSON, "Content-Encoding": "gzip"}
    response = requests.post(url + "/api/v1/records:exists", data=body, headers=headers)
    assert response.status_code == 200 and response.json() == {"missing": ids}


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        (b"{not json", 400, "bad_json"),
        (b'{"ids": []}', 422, "invalid"),
        (b'{"ids": ["not-a-uuid"]}', 422, "invalid"),
        (b'{"ids": [Infinity]}', 422, "invalid"),
    ],
)
def test_exists_refuses_bad_bodies_with_a_problem(api, body, status, error):
    url, auth = api
    headers = {**auth_for("", auth), **JSON}
    response = requests.post(url + "/api/v1/records:exists", data=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
