"""The resident's screens, one per file, on a shared base with the kiosk look."""
