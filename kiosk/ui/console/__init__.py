"""The staff side of the kiosk: PIN page, operator console, admin panel, call-out view."""

from kiosk.ui.console.area import StaffArea
from kiosk.ui.console.callout import CallOutView

__all__ = ["CallOutView", "StaffArea"]
