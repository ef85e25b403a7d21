"""The reverse-proxy configurations in docs/admin-guide.md, checked and run as written.

The nginx and Caddy blocks are read from the guide; only the host name, the certificate,
the ports and the upstream address are replaced for the test. Each is validated by the
tool itself (``nginx -t``, ``caddy validate``) and then run in front of the real server on
loopback: TLS with certificate verification, a push through it, 413 for a large body, and
for nginx 429 when one address sends too much. Skipped where the tool is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from uuid6 import uuid7

from mpp_server.app import create_app
from mpp_server.db import add_kiosk
from sync.client import SyncClient
from sync.protocol import Record
from tests.integration.conftest import ThreadServer, free_port

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "admin-guide.md"
HOST = "mpp.example.go.id"


def guide_block(language: str) -> str:
    blocks = re.findall(rf"^```{language}\n(.*?)^```", GUIDE.read_text("utf-8"), re.M | re.S)
    assert len(blocks) == 1, f"expected one {language} block in {GUIDE.name}"
    return blocks[0]


def run_tool(*argv: str, **kwargs) -> subprocess.CompletedProcess:  # noqa: ANN003
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, **kwargs)


@dataclass
class Certificate:
    cert: Path
    key: Path


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    made = run_tool(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        "-keyout", str(key), "-out", str(cert),
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    return Certificate(cert, key)


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str]]:
    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('server') / 'server.db'}")
    running = ThreadServer(app).start()
    token = add_kiosk(app.state.engine, "k-rogojampi-1", "rogojampi")
    yield running.port, token
    running.stop()
    app.state.engine.dispose()


def wait_for_https(url: str, ca: Path, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the proxy exited with {proc.returncode}")
        try:
            requests.get(url + "/api/v1/health", verify=str(ca), timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"the proxy at {url} did not come up")


@dataclass
class Server:
    url: str
    token: str
    ca_bundle: Path
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 10.0


def push_one_record_through(url: str, token: str, ca: Path) -> str:
    """What a kiosk does: gzip body, bearer token, HTTPS verified against the given CA."""
    record = Record(
        id=str(uuid7()),
        kind="ticket_event",
        kiosk_id="k-rogojampi-1",
        outpost="rogojampi",
        created_at="2026-11-27T01:00:00+00:00",
        payload={"event": "issued", "number": "A-001"},
    )
    client = SyncClient(Server(url, token, ca))
    try:
        return client.send_batch([record]).results[0].status
    finally:
        client.close()


def too_large(url: str, token: str, ca: Path) -> requests.Response:
    return requests.post(
        url + "/api/v1/records:batch",
        data=b" " * (7 * 1024 * 1024),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        verify=str(ca),
        timeout=30,
    )


# -- nginx ------------------------------------------------------------------------------


def nginx_conf(
    folder: Path, certificate: Certificate, https: int, http: int, upstream: int
) -> Path:
    site = guide_block("nginx")
    site = site.replace(f"/etc/letsencrypt/live/{HOST}/fullchain.pem", str(certificate.cert))
    site = site.replace(f"/etc/letsencrypt/live/{HOST}/privkey.pem", str(certificate.key))
    site = site.replace("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("server 127.0.0.1:8765;", f"server 127.0.0.1:{upstream};")
    site = site.replace(HOST, "localhost")
    (folder / "mpp-server.conf").write_text(site, encoding="utf-8")
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir()
    # what Debian's /etc/nginx/nginx.conf provides around conf.d/*.conf
    main = (
        f"pid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
        "worker_processes 1;\nevents { worker_connections 256; }\n"
        "http {\n  access_log off;\n"
        f"  client_body_temp_path {temp['body']};\n  proxy_temp_path {temp['proxy']};\n"
        f"  fastcgi_temp_path {temp['fastcgi']};\n  uwsgi_temp_path {temp['uwsgi']};\n"
        f"  scgi_temp_path {temp['scgi']};\n"
        f"  include {folder / 'mpp-server.conf'};\n}}\n"
    )
    (folder / "nginx.conf").write_text(main, encoding="utf-8")
    return folder / "nginx.conf"


@pytest.fixture(scope="module")
def nginx(tmp_path_factory, certificate, upstream) -> Iterator[tuple[str, str]]:
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        pytest.skip("nginx is not installed")
    folder = tmp_path_factory.mktemp("nginx")
    port, token = upstream
    https = free_port()
    conf = nginx_conf(folder, certificate, https, free_port(), port)
    checked = run_tool(binary, "-t", "-p", str(folder), "-c", str(conf))
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr
    proc = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(conf), "-g", "daemon off;"],
        stderr=subprocess.DEVNULL,
    )
    url = f"https://localhost:{https}"
    try:
        wait_for_https(url, certificate.cert, proc)
        yield url, token
    finally:
        proc.terminate()
        proc.wait(10)


def test_nginx_passes_a_push_through_with_tls(nginx, certificate):
    url, token = nginx
    assert push_one_record_through(url, token, certificate.cert) == "accepted"


def test_nginx_refuses_a_large_body_with_a_problem(nginx, certificate):
    url, token = nginx
    response = too_large(url, token, certificate.cert)
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"


def test_nginx_answers_429_with_retry_after_to_a_burst(nginx, certificate):
    url, _token = nginx
    session = requests.Session()

    def health(_n: int) -> requests.Response:
        return session.get(url + "/api/v1/health", verify=str(certificate.cert), timeout=10)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(health, range(150)))
    limited = [a for a in answers if a.status_code == 429]
    assert limited and all(a.status_code in (200, 429) for a in answers)
    assert limited[0].json()["error"] == "rate_limited"
    assert limited[0].headers["Retry-After"] == "2"


# -- Caddy ------------------------------------------------------------------------------


def caddyfile(folder: Path, certificate: Certificate, https: int, upstream: int) -> Path:
    text = guide_block("caddyfile")
    text = text.replace("\tservers {", "\tadmin off\n\tservers {", 1)  # no :2019 in a test
    text = text.replace(
        f"{HOST} {{", f"localhost:{https} {{\n\ttls {certificate.cert} {certificate.key}", 1
    )
    text = text.replace("reverse_proxy 127.0.0.1:8765", f"reverse_proxy 127.0.0.1:{upstream}")
    path = folder / "Caddyfile"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def caddy(tmp_path_factory, certificate, upstream) -> Iterator[tuple[str, str]]:
    binary = shutil.which("caddy")
    if binary is None:
        pytest.skip("caddy is not installed")
    folder = tmp_path_factory.mktemp("caddy")
    port, token = upstream
    https = free_port()
    config = caddyfile(folder, certificate, https, port)
    env = {"HOME": str(folder), "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder)}
    checked = run_tool(
        binary, "validate", "--config", str(config), "--adapter", "caddyfile", env=env
    )
    assert checked.returncode == 0, checked.stderr
    proc = subprocess.Popen(
        [binary, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    url = f"https://localhost:{https}"
    try:
        wait_for_https(url, certificate.cert, proc)
        yield url, token
    finally:
        proc.terminate()
        proc.wait(10)


def test_caddy_passes_a_push_through_with_tls(caddy, certificate):
    url, token = caddy
    assert push_one_record_through(url, token, certificate.cert) == "accepted"


def test_caddy_refuses_a_large_body_with_a_problem(caddy, certificate):
    url, token = caddy
    response = too_large(url, token, certificate.cert)
    assert response.status_code == 413
    assert response.json()["error"] == "body_too_large"
