"""The staff side of the kiosk: PIN page, operator console, admin panel, call-out view.

The names load on first use (PEP 562): the call-out view is made at start-up for the hall,
and must not bring the admin panel and the sync client with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.ui.console.area import StaffArea
    from kiosk.ui.console.callout import CallOutView

__all__ = ["CallOutView", "StaffArea"]


def __getattr__(name: str) -> Any:
    if name == "StaffArea":
        from kiosk.ui.console.area import StaffArea

        return StaffArea
    if name == "CallOutView":
        from kiosk.ui.console.callout import CallOutView

        return CallOutView
    raise AttributeError(name)
