"""A fault-injecting HTTP/TCP proxy on loopback, for sync under a bad network.

Used by tests/reliability/test_chaos.py and ``python -m benchmarks reliability``.

One request per client connection: the proxy reads the request, decides its fate with a
seeded RNG, and then

* ``pass``: forwards it and relays the whole answer;
* ``delay``: the same after a short sleep (the request still succeeds);
* ``drop_before`` / ``drop_after``: closes the client connection without an answer, before
  the server saw the request or after the server committed it (the answer is lost);
* ``reset_before`` / ``reset_after``: the same with SO_LINGER 0, so the client gets a RST;
* ``truncate``: relays the answer's head and only part of its body, then closes;
* ``stall``: says nothing for ``stall_s`` (longer than the client's read timeout), then closes.

Everything but ``pass`` and ``delay`` is a failed request. ``counts`` says what happened.
"""

from __future__ import annotations

import random
import socket
import struct
import threading
import time
from collections import Counter
from types import TracebackType

FAILING = ("drop_before", "drop_after", "reset_before", "reset_after", "truncate", "stall")
DEFAULT_WEIGHTS: dict[str, float] = {
    "pass": 0.45,
    "delay": 0.12,
    "drop_before": 0.08,
    "drop_after": 0.08,
    "reset_before": 0.06,
    "reset_after": 0.07,
    "truncate": 0.11,
    "stall": 0.03,
}
_HEAD_LIMIT = 64 * 1024
_BODY_LIMIT = 16 * 1024 * 1024


def _read_head(sock: socket.socket) -> tuple[bytes, bytes] | None:
    """(head including the blank line, bytes already read past it) or None on EOF/garbage."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > _HEAD_LIMIT:
            return None
        data += chunk
    end = data.index(b"\r\n\r\n") + 4
    return data[:end], data[end:]


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _force_close(head: bytes) -> bytes:
    """The request head with ``Connection: close``, so the server ends the answer with EOF."""
    lines = [
        line
        for line in head[:-4].split(b"\r\n")
        if line.partition(b":")[0].strip().lower() != b"connection"
    ]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


def _reset(sock: socket.socket) -> None:
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


class ChaosProxy:
    """``with ChaosProxy(upstream_port, seed=1) as proxy:`` then talk to ``proxy.url``."""

    def __init__(
        self,
        upstream_port: int,
        *,
        seed: int,
        weights: dict[str, float] | None = None,
        delay_s: tuple[float, float] = (0.01, 0.15),
        stall_s: float = 1.3,
        timeout_s: float = 30.0,
    ) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.weights = dict(weights or DEFAULT_WEIGHTS)
        unknown = set(self.weights) - {"pass", "delay", *FAILING}
        if unknown:
            raise ValueError(f"unknown faults {sorted(unknown)}")
        self.delay_s = delay_s
        self.stall_s = stall_s
        self.timeout_s = timeout_s
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="chaos-accept", daemon=True)

    # -- figures -----------------------------------------------------------------------

    @property
    def requests(self) -> int:
        return self.counts["requests"]

    @property
    def failed(self) -> int:
        return sum(self.counts[name] for name in FAILING)

    # -- life --------------------------------------------------------------------------

    def start(self) -> ChaosProxy:
        self._acceptor.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(5)
        self._listener.close()
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> ChaosProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(client,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            thread.start()

    def _choose(self) -> tuple[str, float]:
        with self._lock:
            names = list(self.weights)
            action = self.rng.choices(names, [self.weights[n] for n in names])[0]
            pause = self.rng.uniform(*self.delay_s)
            self.counts["requests"] += 1
            self.counts[action] += 1
        return action, pause

    # -- one connection, one request ---------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        client.settimeout(self.timeout_s)
        try:
            got = _read_head(client)
            if got is None:
                client.close()
                return
            head, body = got
            length = _content_length(head)
            if length > _BODY_LIMIT:
                _reset(client)
                return
            while len(body) < length:
                chunk = client.recv(min(1 << 20, length - len(body)))
                if not chunk:
                    client.close()
                    return
                body += chunk
            action, pause = self._choose()
            if action == "drop_before":
                client.close()
                return
            if action == "reset_before":
                _reset(client)
                return
            if action == "stall":
                self._stop.wait(self.stall_s)
                client.close()
                return
            if action == "delay":
                self._stop.wait(pause)
            answer = self._forward(_force_close(head) + body)
            if action == "drop_after":
                client.close()
            elif action == "reset_after":
                _reset(client)
            elif action == "truncate":
                head_end = answer.find(b"\r\n\r\n") + 4
                body_len = len(answer) - head_end
                cut = head_end + body_len // 2 if body_len >= 2 else max(1, head_end // 2)
                client.sendall(answer[:cut])
                client.close()
            else:
                client.sendall(answer)
                client.close()
        except OSError:
            with self._lock:
                self.counts["proxy_errors"] += 1
            client.close()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=self.timeout_s) as upstream:
            upstream.sendall(request)
            chunks: list[bytes] = []
            deadline = time.monotonic() + self.timeout_s
            while time.monotonic() < deadline:
                chunk = upstream.recv(1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks)
