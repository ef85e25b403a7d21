"""Expected failures of the use cases; the UI turns each into a friendly message."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.usecases.queue import TicketView


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
    """Too many wrong PINs. ``seconds_left`` is what counts; ``until`` is it on the wall clock
    as it reads now, for showing."""

    code = "console_locked"

    def __init__(self, until: datetime, seconds_left: float | None = None) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until
        self.seconds_left = seconds_left


class WeakPin(UseCaseError):
    code = "weak_pin"


class OperatorNotFound(UseCaseError):
    code = "operator_not_found"


class OperatorExists(UseCaseError):
    """An account of that name exists already: names pick accounts in ``kiosk-admin``."""

    code = "operator_exists"


class PinInUse(UseCaseError):
    """Another active account has this PIN: the console could not tell the two apart."""

    code = "pin_in_use"


class LastAdmin(UseCaseError):
    """Disabling this account would leave the kiosk with no active admin."""

    code = "last_admin"


class AlreadyCalled(UseCaseError):
    """The counter has a called ticket still: one resident at a time at a counter, unless the
    operator says to call the next anyway (``allow_second=True``). ``ticket`` is the called
    one (a ``TicketView``), for the question "still calling B-017?"."""

    code = "already_called"

    def __init__(self, ticket: TicketView) -> None:
        super().__init__(f"counter {ticket.counter} still has {ticket.number} called")
        self.ticket = ticket


class ActionPending(UseCaseError):
    """A LAN action with this id was done, but its answer was not kept (the service stopped
    in between): the page refreshes instead of repeating it."""

    code = "action_pending"


class BadRequest(UseCaseError):
    """A LAN page sent something the kiosk cannot use (an action id, a device id)."""

    code = "bad_request"
