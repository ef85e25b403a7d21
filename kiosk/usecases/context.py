"""What every use case needs, handed in by the composition root (kiosk.bootstrap)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.clock import Clock, utc_now
from kiosk.store.answer_cipher import AnswerCipher
from kiosk.store.uow import UnitOfWorkFactory


class ServiceCatalogue(Protocol):
    """The slice of ``forms.Catalogue`` the use cases read."""

    version: str

    def service(self, code: str) -> Any: ...
    def form(self, form_id: str, version: int | None = None) -> Any: ...
    def villages_of(self, outpost: str) -> list[Any]: ...


@dataclass(frozen=True)
class KioskContext:
    uow: UnitOfWorkFactory
    catalogue: ServiceCatalogue
    kiosk_id: str
    outpost: str
    device_mark: int = 0
    cipher: AnswerCipher | None = None
    clock: Clock = field(default=utc_now)
