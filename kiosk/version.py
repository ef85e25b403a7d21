"""What a release knows about itself."""

from __future__ import annotations

from datetime import date

BUILD_DATE = date(2026, 11, 30)
"""The day this release was cut (WIB), set by hand when cutting one.

A kiosk whose clock reads an earlier day is wrong for certain: this program did not exist
yet. That catches the usual dead CMOS battery (a PC that boots into 2000-01-01, or into the
day its firmware was built) before the kiosk has written anything to compare with. A stale
date only weakens the check; a date in the future would make every correct clock look
wrong, so a test refuses one later than the day the tests run (the release's tests run on
or before its release day).
"""
