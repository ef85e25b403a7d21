"""Telling the service manager how the kiosk is: systemd's notify protocol, sd_notify(3).

With ``Type=notify`` in the unit (docs/deploy-linux.md), systemd hands the process a
datagram socket in ``$NOTIFY_SOCKET`` and counts the service as started only when the
process sends ``READY=1``: for the kiosk, when Home is on the screen. ``STATUS=`` is the
line ``systemctl status`` shows. Without ``$NOTIFY_SOCKET`` (started by hand, by the bare-X
loop, on Windows) nothing is sent. A path starting with ``@`` is in Linux's abstract
namespace (the ``@`` stands for the leading NUL byte), as sd_notify(3) documents.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def notify(*assignments: str) -> bool:
    """Send ``KEY=value`` lines (``READY=1``, ``STATUS=...``); True when a manager listens."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address or not hasattr(socket, "AF_UNIX"):
        return False
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall("\n".join(assignments).encode("utf-8"))
    except OSError:
        log.warning("the service manager's socket %s did not take the notification", address)
        return False
    return True
