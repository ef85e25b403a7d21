"""The outpost LAN service: /counter for operators, /display for the hall, the call stream.

``kiosk.lan.app`` is the ASGI app, ``kiosk.lan.service`` runs it (``kiosk --lan-service``),
``kiosk.lan.supervisor`` keeps that process alive for the GUI. No Qt here.
"""
