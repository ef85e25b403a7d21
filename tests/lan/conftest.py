"""The LAN service fixtures (tests/lan_fixtures.py, shared with tests/web)."""

from tests.lan_fixtures import lan_kiosk, lan_service  # noqa: F401 - fixtures
