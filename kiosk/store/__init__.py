"""The local store: SQLite through SQLAlchemy 2, with a transactional outbox."""

from kiosk.store.db import StoreCorrupt, StoreError, StoreUnavailable, open_engine
from kiosk.store.migrate import migrate_to_head
from kiosk.store.models import (
    AuditEntry,
    Base,
    KioskState,
    OperatorAccount,
    OutboxEntry,
    QueueSequence,
    QueueTicket,
    ServiceRequest,
    TicketEvent,
)
from kiosk.store.uow import SqlUnitOfWork, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "AuditEntry",
    "Base",
    "KioskState",
    "OperatorAccount",
    "OutboxEntry",
    "QueueSequence",
    "QueueTicket",
    "ServiceRequest",
    "SqlUnitOfWork",
    "StoreCorrupt",
    "StoreError",
    "StoreUnavailable",
    "TicketEvent",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "migrate_to_head",
    "open_engine",
]
