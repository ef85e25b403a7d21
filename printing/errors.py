"""Typed printing faults; the UI turns each reason code into a friendly, translated message."""

from __future__ import annotations

from typing import Final

#: The reason codes a caller can rely on; ``detail`` is for logs and the admin, not residents.
REASON_CODES: Final = frozenset(
    {
        "offline",
        "paper_out",
        "cover_open",
        "cutter_error",
        "printer_error",
        "unreachable",
        "not_configured",
        "io_error",
        "busy",
    }
)


class PrinterUnavailable(Exception):
    """The printer cannot take this job now (off, out of paper, unplugged, misconfigured)."""

    def __init__(self, reason_code: str, detail: str = "") -> None:
        if reason_code not in REASON_CODES:
            raise ValueError(f"unknown printer reason code {reason_code!r}")
        super().__init__(f"{reason_code}: {detail}" if detail else reason_code)
        self.reason_code = reason_code
        self.detail = detail
