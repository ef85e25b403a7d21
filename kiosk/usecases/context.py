"""What every use case needs, handed in by the composition root (kiosk.bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from kiosk.clock import Clock, MonotonicClock, RunClock, utc_now
from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.uow import UnitOfWorkFactory


class ServiceCatalogue(Protocol):
    """The slice of ``forms.Catalogue`` the use cases read."""

    version: str

    def service(self, code: str) -> Any: ...
    def form(self, form_id: str, version: int | None = None) -> Any: ...
    def villages_of(self, outpost: str) -> list[Any]: ...
    def counters(self) -> list[str]: ...


@dataclass(frozen=True)
class KioskContext:
    uow: UnitOfWorkFactory
    catalogue: ServiceCatalogue
    kiosk_id: str
    outpost: str
    device_mark: int = 0
    cipher: AnswerCipher | None = None
    clock: Clock = field(default=utc_now)
    monotonic: MonotonicClock = field(default_factory=RunClock)
    """Measures waits the wall clock must not stretch or shorten (the PIN lockout)."""
    backup_dir: Path | None = None
    """Where the kiosk keeps its database copies (``<data>/backups``): purged past retention."""
