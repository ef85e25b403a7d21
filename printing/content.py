"""What each printout says: one frozen content model per printout, no rendering here.

The models carry only what is printed. A receipt carries the resident's name and an
already-masked NIK; a full 16-digit NIK is refused so it can never reach paper or a PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from forms.normalise import printed_name

Language = Literal["id", "en"]

_FULL_NIK = re.compile(r"\d{16}")


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text in Bahasa Indonesia (``id``) and English (``en``)."""

    id: str
    en: str

    @classmethod
    def of(cls, value: Any) -> Bilingual:
        """Accept a Bilingual, an object with ``.id`` and ``.en``, an ``(id, en)`` pair or a str."""
        if isinstance(value, Bilingual):
            return value
        if isinstance(value, str):
            return cls(value, value)
        if isinstance(value, tuple | list) and len(value) == 2:
            return cls(str(value[0]), str(value[1]))
        if hasattr(value, "id") and hasattr(value, "en"):
            return cls(str(value.id), str(value.en))
        raise TypeError(f"not a bilingual text: {value!r}")

    def in_(self, language: str) -> str:
        return self.en if language == "en" else self.id


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC)")


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueTicket:
    """A walk-in queue ticket (or the top half of a service receipt)."""

    outpost_name: str
    service_name: Bilingual
    queue_number: str
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int
    counter: str
    tracking_code: str
    language: Language = "id"
    is_reprint: bool = False
    #: What to bring to the counter (the service's documents in the catalogue): a ticket taken
    #: without a form is the resident's only paper, so it says so too.
    documents: tuple[Bilingual, ...] = ()
    #: The public status page of this ticket (``<status base>/s/<code>``): what the QR holds.
    #: Empty: the QR holds the bare tracking code.
    status_url: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_name", Bilingual.of(self.service_name))
        object.__setattr__(self, "documents", tuple(Bilingual.of(d) for d in self.documents))
        _require_aware("issued_at", self.issued_at)
        if self.language not in ("id", "en"):
            raise ValueError(f"language must be 'id' or 'en', not {self.language!r}")
        if self.people_ahead < 0 or self.estimated_wait_minutes < 0:
            raise ValueError("people_ahead and estimated_wait_minutes must be >= 0")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceReceipt:
    """The receipt a resident takes home after submitting a request at the kiosk."""

    ticket: QueueTicket
    resident_name: str
    nik_masked: str
    documents: tuple[Bilingual, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if _FULL_NIK.search(self.nik_masked) or _FULL_NIK.search(self.resident_name):
            raise ValueError("nik_masked must be masked; a full 16-digit NIK is never printed")
        # The review screen shows the name through the same function before it is sent.
        object.__setattr__(self, "resident_name", printed_name(self.resident_name))
        docs = tuple(Bilingual.of(d) for d in self.documents)
        object.__setattr__(self, "documents", docs)

    @property
    def language(self) -> Language:
        return self.ticket.language


@dataclass(frozen=True, slots=True, kw_only=True)
class DayReportRow:
    """One service's figures for the day; minutes may be None when nobody was served."""

    service_name: Bilingual
    issued: int
    served: int
    no_show: int
    void: int
    mean_wait_min: float | None = None
    p90_wait_min: float | None = None
    mean_service_min: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_name", Bilingual.of(self.service_name))


@dataclass(frozen=True, slots=True, kw_only=True)
class DayReport:
    """The operator's end-of-day report for one outpost (A4 or roll)."""

    outpost_name: str
    day: date
    rows: tuple[DayReportRow, ...]
    generated_at: datetime
    totals: DayReportRow | None = field(default=None)

    def __post_init__(self) -> None:
        _require_aware("generated_at", self.generated_at)
        object.__setattr__(self, "rows", tuple(self.rows))
        if self.totals is None:
            object.__setattr__(self, "totals", _totals(self.rows))


def _totals(rows: tuple[DayReportRow, ...]) -> DayReportRow:
    """Sum the counts; weight the means by people served. A p90 cannot be summed: it is left out
    unless the caller passes ``totals`` computed from the raw waits."""

    def weighted(attr: str) -> float | None:
        pairs = [(getattr(r, attr), r.served) for r in rows if getattr(r, attr) is not None]
        weight = sum(n for _, n in pairs)
        return sum(v * n for v, n in pairs) / weight if weight else None

    return DayReportRow(
        service_name=Bilingual("Jumlah", "Total"),
        issued=sum(r.issued for r in rows),
        served=sum(r.served for r in rows),
        no_show=sum(r.no_show for r in rows),
        void=sum(r.void for r in rows),
        mean_wait_min=weighted("mean_wait_min"),
        p90_wait_min=None,
        mean_service_min=weighted("mean_service_min"),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class TestPage:
    """A page the admin prints to check the printer, paper width, fonts and QR."""

    __test__ = False  # not a pytest test class

    printer_name: str
    profile: str
    printed_at: datetime
    outpost_name: str = ""

    def __post_init__(self) -> None:
        _require_aware("printed_at", self.printed_at)


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusSlip:
    """A short slip of a request's status, printed at the resident's asking (Cek status).

    Only the service and its status: no name, no NIK, no answer.
    """

    outpost_name: str
    service_name: Bilingual
    tracking_code: str
    status: Bilingual
    """The status in plain words, or the kiosk's own word ("waiting to be sent", no news)."""
    printed_at: datetime
    changed_at: datetime | None = None
    note: str = ""
    missing_documents: tuple[str, ...] = ()
    pickup_place: str = ""
    pickup_from: date | None = None
    last_heard_at: datetime | None = None
    """Said when no status is known: when the kiosk last heard from the server."""
    status_url: str = ""
    language: Language = "id"

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_name", Bilingual.of(self.service_name))
        object.__setattr__(self, "status", Bilingual.of(self.status))
        object.__setattr__(self, "missing_documents", tuple(self.missing_documents))
        _require_aware("printed_at", self.printed_at)
        for name in ("changed_at", "last_heard_at"):
            moment = getattr(self, name)
            if moment is not None:
                _require_aware(name, moment)
        if self.language not in ("id", "en"):
            raise ValueError(f"language must be 'id' or 'en', not {self.language!r}")
        text = " ".join((self.note, self.pickup_place, *self.missing_documents))
        if _FULL_NIK.search(text):
            raise ValueError("a status slip never carries a NIK")


Printout = QueueTicket | ServiceReceipt | DayReport | TestPage | StatusSlip
