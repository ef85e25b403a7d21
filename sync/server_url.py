"""The one rule for the central server's address: https, or plain http to this machine."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


class InsecureServerUrl(ValueError):
    """Not an http(s) URL, or plain http to anything but loopback."""


def is_loopback_host(host: str) -> bool:
    """True for this machine's own names: plain http is allowed only to these."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(url: str) -> str:
    """The server's base URL without a trailing slash; InsecureServerUrl unless it is https,
    or plain http to this machine (loopback)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureServerUrl("must be an http(s) URL such as https://mpp.example.go.id")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InsecureServerUrl("plain http is allowed only to this machine (loopback); use https")
    return url.rstrip("/")
