"""One neutral layout per printout, shared by the PDF and the ESC/POS renderers.

A layout is a list of blocks: the labels, the WIB time and the wording live here once, so a
PDF receipt and a thermal receipt always say the same thing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Literal

from forms.wib import WIB
from printing.content import (
    Bilingual,
    DayReport,
    DayReportRow,
    Printout,
    QueueTicket,
    ServiceReceipt,
    StatusSlip,
    TestPage,
)
from printing.settings import PrinterSettings

Style = Literal["title", "heading", "body", "small"]


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: Style = "body"
    bold: bool = False
    center: bool = False


@dataclass(frozen=True, slots=True)
class BigNumber:
    text: str


@dataclass(frozen=True, slots=True)
class Field:
    """A label and its value on one line when they fit, else the value under the label."""

    label: str
    value: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Bullet:
    text: str
    sub: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    pass


@dataclass(frozen=True, slots=True)
class QRCode:
    data: str
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Spacer:
    lines: float = 0.5


@dataclass(frozen=True, slots=True)
class ReportTable:
    """The day report's table (drawn as a grid on A4, as stacked lines on a roll)."""

    columns: tuple[Bilingual, ...]
    rows: tuple[DayReportRow, ...]
    totals: DayReportRow


Block = Text | BigNumber | Field | Bullet | Rule | QRCode | Spacer | ReportTable

_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),  # fmt: skip
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),  # fmt: skip
}

_LABELS: dict[str, Bilingual] = {
    "header": Bilingual("PASAR PELAYANAN PUBLIK", "PASAR PELAYANAN PUBLIK"),
    "regency": Bilingual("Kabupaten Banyuwangi", "Banyuwangi Regency"),
    "ticket": Bilingual("Tiket Antrean", "Queue Ticket"),
    "receipt": Bilingual("Tanda Terima Layanan", "Service Receipt"),
    "your_number": Bilingual("Nomor antrean Anda", "Your queue number"),
    "counter": Bilingual("Loket", "Counter"),
    "ahead": Bilingual("Antrean di depan Anda", "People ahead of you"),
    "wait": Bilingual("Perkiraan tunggu", "Estimated wait"),
    "name": Bilingual("Nama", "Name"),
    "nik": Bilingual("NIK", "NIK"),
    "documents": Bilingual("Dokumen yang perlu dibawa:", "Documents to bring:"),
    "tracking": Bilingual("Kode lacak", "Tracking code"),
    "scan": Bilingual("Pindai untuk cek status layanan", "Scan to check your request"),
    "reprint": Bilingual("CETAK ULANG", "REPRINT"),
    "wait_call": Bilingual(
        "Mohon tunggu sampai nomor Anda dipanggil.", "Please wait until your number is called."
    ),
}


def label(key: str, language: str) -> str:
    return _LABELS[key].in_(language)


@cache
def _screen_words(language: str, book: str = "common") -> dict[str, str]:
    """The words of the kiosk's screens (``resources/i18n/<book>.<language>.json``)."""
    path = files("resources") / "i18n" / f"{book}.{language}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def wait_text(minutes: int, language: str) -> str:
    """The estimated wait in the screen's own words: ``± 25 menit``, or ``Tanpa antre`` when
    nobody is waiting. Read from the screen's translations so the paper in a resident's hand
    never says something else than the screen they just read."""
    words = _screen_words("en" if language == "en" else "id")
    if minutes == 0:
        return words["common.no_wait"]
    return words["common.minutes"].format(minutes=minutes)


def ahead_block(people_ahead: int, language: str) -> Block:
    """How many are ahead; nobody ahead in the success screen's own words ("Tidak ada yang di
    depan Anda"), never "Antrean di depan Anda: 0" under a screen that said otherwise."""
    if people_ahead == 0:
        lang = "en" if language == "en" else "id"
        return Text(_screen_words(lang, "resident")["success.ahead_none"], "body", bold=True)
    return Field(label("ahead", language), str(people_ahead), bold=True)


def printer_in_words(settings: PrinterSettings) -> str:
    """The printer as an installer reads it on the test page: its kind in both languages (the
    admin panel's words, ``staff.admin.printer_backend.*``) and where it is, never the raw
    ``backend`` value of the config file."""
    key = f"staff.admin.printer_backend.{settings.backend}"
    kind = " / ".join(_screen_words(lang, "staff")[key] for lang in ("id", "en"))
    s = settings
    where = {
        "escpos_network": f"{s.host}:{s.port}" if s.host else "",
        "escpos_usb": (
            f"USB {s.usb_vendor_id:04x}:{s.usb_product_id:04x}"
            if s.usb_vendor_id is not None and s.usb_product_id is not None
            else ""
        ),
        "escpos_serial": s.serial_device,
        "escpos_file": str(s.file_path or ""),
        "windows_raw": s.windows_printer_name,
        "system": s.system_printer_name,
        "pdf_folder": str(s.pdf_folder or ""),
    }.get(s.backend, "")
    return f"{kind}: {where}" if where else kind


def to_wib(moment: datetime) -> datetime:
    return moment.astimezone(WIB)


def format_wib(moment: datetime, language: str = "id") -> str:
    """E.g. ``Senin, 12 Mei 2025, 09.41 WIB`` (id) or ``Monday, 12 May 2025, 09:41 WIB`` (en)."""
    local = to_wib(moment)
    lang = "en" if language == "en" else "id"
    day = _DAYS[lang][local.weekday()]
    month = _MONTHS[lang][local.month - 1]
    sep = ":" if lang == "en" else "."
    return f"{day}, {local.day} {month} {local.year}, {local:%H}{sep}{local:%M} WIB"


def format_day(moment: datetime | object, language: str = "id") -> str:
    lang = "en" if language == "en" else "id"
    d = moment
    return f"{_DAYS[lang][d.weekday()]}, {d.day} {_MONTHS[lang][d.month - 1]} {d.year}"  # type: ignore[attr-defined]


def layout(content: Printout) -> list[Block]:
    """The blocks of a printout, top to bottom."""
    if isinstance(content, ServiceReceipt):
        return _receipt(content)
    if isinstance(content, QueueTicket):
        return _ticket(content, title="ticket")
    if isinstance(content, DayReport):
        return _day_report(content)
    if isinstance(content, TestPage):
        return _test_page(content)
    if isinstance(content, StatusSlip):
        return _status_slip(content)
    raise TypeError(f"nothing to print for {type(content).__name__}")


def _head(t: QueueTicket, title: str) -> list[Block]:
    lang = t.language
    blocks: list[Block] = [
        Text(label("header", lang), "heading", bold=True, center=True),
        Text(t.outpost_name, "body", center=True),
        Text(label("regency", lang), "small", center=True),
        Rule(),
        Text(label(title, lang).upper(), "small", bold=True, center=True),
    ]
    if t.is_reprint:
        blocks.append(Text(f"*** {label('reprint', lang)} ***", "small", bold=True, center=True))
    blocks += [
        Text(t.service_name.in_(lang), "heading", bold=True, center=True),
        Text(label("your_number", lang), "small", center=True),
        BigNumber(t.queue_number),
        Text(f"{label('counter', lang)} {t.counter}", "heading", bold=True, center=True),
        Text(format_wib(t.issued_at, lang), "small", center=True),
        Rule(),
        ahead_block(t.people_ahead, lang),
        Field(label("wait", lang), wait_text(t.estimated_wait_minutes, lang)),
    ]
    return blocks


def _qr(t: QueueTicket) -> list[Block]:
    lang = t.language
    return [
        Rule(),
        Field(label("tracking", lang), t.tracking_code, bold=True),
        QRCode(t.status_url or t.tracking_code, caption=label("scan", lang)),
    ]


def _documents(documents: tuple[Bilingual, ...], lang: str) -> list[Block]:
    """What to bring: each document in the resident's language, the other one underneath."""
    if not documents:
        return []
    other = "id" if lang == "en" else "en"
    return [
        Spacer(0.3),
        Text(label("documents", lang), "body", bold=True),
        *(Bullet(d.in_(lang), sub=d.in_(other)) for d in documents),
    ]


def _ticket(t: QueueTicket, title: str) -> list[Block]:
    return [
        *_head(t, title),
        *_documents(t.documents, t.language),
        *_qr(t),
        Text(label("wait_call", t.language), "small", center=True),
    ]


def _receipt(r: ServiceReceipt) -> list[Block]:
    t = r.ticket
    lang = t.language
    blocks: list[Block] = [
        *_head(t, "receipt"),
        Rule(),
        Field(label("name", lang), r.resident_name),
        Field(label("nik", lang), r.nik_masked),
    ]
    blocks += _documents(r.documents, lang)
    if r.note:
        blocks += [Spacer(0.3), Text(r.note, "small")]
    blocks += _qr(t)
    blocks.append(Text(label("wait_call", lang), "small", center=True))
    return blocks


REPORT_COLUMNS = (
    Bilingual("Layanan", "Service"),
    Bilingual("Terbit", "Issued"),
    Bilingual("Dilayani", "Served"),
    Bilingual("Tidak hadir", "No-show"),
    Bilingual("Batal", "Void"),
    Bilingual("Tunggu rata-rata", "Mean wait"),
    Bilingual("Tunggu P90", "P90 wait"),
    Bilingual("Lama layanan", "Mean service"),
)


def _day_report(r: DayReport) -> list[Block]:
    assert r.totals is not None
    return [
        Text("LAPORAN HARIAN ANTREAN", "title", bold=True),
        Text("Daily queue report", "small"),
        Text(f"{r.outpost_name} · Kabupaten Banyuwangi", "body"),
        Field("Tanggal / Date", format_day(r.day, "id")),
        Field("Dibuat / Generated", format_wib(r.generated_at, "id")),
        Spacer(0.5),
        ReportTable(REPORT_COLUMNS, r.rows, r.totals),
        Spacer(0.5),
        Text("Waktu dalam menit. P90: 90% warga menunggu tidak lebih dari ini.", "small"),
        Text("Times in minutes. P90: 90% of residents waited no longer than this.", "small"),
    ]


def _test_page(p: TestPage) -> list[Block]:
    return [
        Text("HALAMAN UJI / TEST PAGE", "heading", bold=True, center=True),
        Text(p.outpost_name or "PPP Kiosk", "body", center=True),
        Rule(),
        Field("Printer", p.printer_name),
        Field("Profil / Profile", p.profile),
        Field("Waktu / Time", format_wib(p.printed_at, "id")),
        Rule(),
        BigNumber("A-000"),
        Text("Huruf tebal / Bold text", "body", bold=True),
        Text("Pelayanan KTP-el, KK, Akta Kelahiran; Rp 10.000,00 — “kutip” é ñ", "body"),
        Text("0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz", "small"),
        QRCode("PPP-TEST-0000", caption="QR: PPP-TEST-0000"),
        Text(
            "Jika semua terbaca jelas, printer siap. / "
            "If all of this reads well, the printer is ready.",
            "small",
            center=True,
        ),
    ]


_SLIP_LABELS: dict[str, Bilingual] = {
    "title": Bilingual("Status Permohonan", "Request Status"),
    "service": Bilingual("Layanan", "Service"),
    "updated": Bilingual("Diperbarui", "Updated"),
    "bring": Bilingual("Yang perlu dibawa / dilengkapi:", "What to bring:"),
    "pickup_place": Bilingual("Tempat pengambilan", "Where to pick up"),
    "pickup_from": Bilingual("Dapat diambil mulai", "Ready from"),
    "heard": Bilingual("Kabar terakhir dari server", "Last heard from the server"),
    "never": Bilingual("belum pernah", "never"),
    "printed": Bilingual("Dicetak", "Printed"),
    "scan": Bilingual("Pindai untuk cek status di ponsel", "Scan to check on a phone"),
}


def _slip(key: str, language: str) -> str:
    return _SLIP_LABELS[key].in_(language)


def _status_slip(s: StatusSlip) -> list[Block]:
    """The status slip: the service, the status in words, what to bring, where to go."""
    lang = s.language
    other = "id" if lang == "en" else "en"
    blocks: list[Block] = [
        Text(label("header", lang), "heading", bold=True, center=True),
        Text(s.outpost_name, "body", center=True),
        Rule(),
        Text(_slip("title", lang).upper(), "small", bold=True, center=True),
        Text(s.service_name.in_(lang), "heading", bold=True, center=True),
        Field(label("tracking", lang), s.tracking_code, bold=True),
        Rule(),
        Text(s.status.in_(lang), "title", bold=True, center=True),
        Text(s.status.in_(other), "small", center=True),
    ]
    if s.changed_at is not None:
        blocks.append(Field(_slip("updated", lang), format_wib(s.changed_at, lang)))
    if s.note:
        blocks += [Spacer(0.3), Text(s.note, "body")]
    if s.missing_documents:
        blocks += [Spacer(0.3), Text(_slip("bring", lang), "body", bold=True)]
        blocks += [Bullet(document) for document in s.missing_documents]
    if s.pickup_place:
        blocks.append(Field(_slip("pickup_place", lang), s.pickup_place, bold=True))
    if s.pickup_from is not None:
        blocks.append(Field(_slip("pickup_from", lang), format_day(s.pickup_from, lang)))
    if s.changed_at is None:
        heard = (
            format_wib(s.last_heard_at, lang)
            if s.last_heard_at is not None
            else _slip("never", lang)
        )
        blocks.append(Field(_slip("heard", lang), heard))
    blocks += [Rule(), Field(_slip("printed", lang), format_wib(s.printed_at, lang))]
    if s.status_url:
        blocks.append(QRCode(s.status_url, caption=_slip("scan", lang)))
    return blocks
