"""sd_notify(3)'s protocol, from the service manager's side: a datagram socket that reads
what the kiosk sends. The socket is a real Unix socket, as systemd makes one."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import pytest

from kiosk.service_manager import notify


def test_ready_and_status_reach_the_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(path)
        monkeypatch.setenv("NOTIFY_SOCKET", path)
        assert notify("READY=1", "STATUS=Home on screen, 1920x1080")
        assert manager.recv(4096) == b"READY=1\nSTATUS=Home on screen, 1920x1080"


def test_an_abstract_socket_is_named_with_an_at_sign(monkeypatch: pytest.MonkeyPatch):
    name = f"ppp-kiosk-test-{uuid.uuid4().hex}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind("\0" + name)
        monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
        assert notify("READY=1")
        assert manager.recv(4096) == b"READY=1"


def test_without_a_manager_nothing_is_sent_and_nothing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify("READY=1") is False
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    assert notify("READY=1") is False
