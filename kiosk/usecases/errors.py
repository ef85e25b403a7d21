"""Expected failures of the use cases; the UI turns each into a friendly message."""

from __future__ import annotations

from datetime import datetime


class UseCaseError(Exception):
    code = "error"


class UnknownService(UseCaseError):
    code = "unknown_service"


class TicketNotFound(UseCaseError):
    code = "ticket_not_found"


class InvalidTransition(UseCaseError):
    """The ticket is not in a state that allows this action (e.g. serving a void ticket)."""

    code = "invalid_transition"

    def __init__(self, number: str, status: str, action: str) -> None:
        super().__init__(f"ticket {number} is {status}; cannot {action}")
        self.number = number
        self.status = status
        self.action = action


class NoticeNotAccepted(UseCaseError):
    code = "notice_not_accepted"


class PinRejected(UseCaseError):
    code = "pin_rejected"

    def __init__(self, attempts_left: int) -> None:
        super().__init__(f"wrong PIN; {attempts_left} attempts left")
        self.attempts_left = attempts_left


class ConsoleLocked(UseCaseError):
    code = "console_locked"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


class WeakPin(UseCaseError):
    code = "weak_pin"
