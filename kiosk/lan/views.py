"""What the LAN service answers, as JSON: tickets, calls, the board, and the error words.

The call stream and ``/api/calls`` carry no personal data: a call is a number, a counter, a
time and the clips that say it. Names, NIKs and answers never leave the kiosk through here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kiosk.usecases import BoardEntry, CallRecord, TicketView
from kiosk.voice import CHIME, announcement

Message = dict[str, str]

MESSAGES: dict[str, Message] = {
    "forbidden": {
        "id": "Alamat perangkat ini tidak diizinkan memakai layanan kios.",
        "en": "This device's address may not use the kiosk's service.",
    },
    "csrf": {
        "id": "Permintaan ditolak demi keamanan. Muat ulang halaman, lalu coba lagi.",
        "en": "Request refused for safety. Reload the page, then try again.",
    },
    "signed_out": {
        "id": "Sesi Anda sudah berakhir. Silakan masuk lagi dengan PIN.",
        "en": "Your session has ended. Please sign in again with your PIN.",
    },
    "wrong_pin": {
        "id": "PIN salah. Sisa percobaan: {left}.",
        "en": "Wrong PIN. Attempts left: {left}.",
    },
    "locked": {
        "id": "Terlalu banyak PIN salah. Coba lagi dalam {minutes} menit.",
        "en": "Too many wrong PINs. Try again in {minutes} minutes.",
    },
    "bad_request": {
        "id": "Permintaan tidak bisa dibaca: {detail}.",
        "en": "The request cannot be read: {detail}.",
    },
    "unknown_counter": {
        "id": "Loket {counter} tidak ada di pos ini.",
        "en": "There is no counter {counter} at this outpost.",
    },
    "unknown_service": {
        "id": "Layanan itu tidak ada di katalog kios.",
        "en": "That service is not in the kiosk's catalogue.",
    },
    "ticket_not_found": {
        "id": "Tiket itu tidak ditemukan.",
        "en": "That ticket was not found.",
    },
    "invalid_transition": {
        "id": "Nomor {number} berstatus {status}; tindakan ini tidak bisa dilakukan.",
        "en": "Number {number} is {status}; this action is not possible.",
    },
    "already_called": {
        "id": "Loket ini masih memanggil {number}. Tetap panggil berikutnya?",
        "en": "This counter is still calling {number}. Call the next anyway?",
    },
    "action_pending": {
        "id": "Tindakan ini sudah diproses. Muat ulang daftar antrean.",
        "en": "This action was already done. Reload the queue list.",
    },
    "printer": {
        "id": "Printer kios bermasalah: {detail}. Periksa kertas dan printernya.",
        "en": "The kiosk's printer has a problem: {detail}. Check the paper and the printer.",
    },
    "store_busy": {
        "id": "Kios sedang sibuk. Coba lagi sebentar lagi.",
        "en": "The kiosk is busy. Try again in a moment.",
    },
    "not_found": {
        "id": "Halaman itu tidak ada.",
        "en": "There is no such page.",
    },
}


def message(code: str, **values: object) -> Message:
    words = MESSAGES[code]
    return {lang: text.format(**values) for lang, text in words.items()}


def error_body(code: str, **values: object) -> dict[str, Any]:
    return {"error": code, "message": message(code, **values)}


def utc_text(moment: datetime | None) -> str | None:
    """``2026-11-30T01:02:03Z``: ISO 8601 in UTC, as every time in the API."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ticket_json(ticket: TicketView, catalogue: Any) -> dict[str, Any]:
    try:
        name = catalogue.service(ticket.service_code).name
        service_name = {"id": name.id, "en": name.en}
    except KeyError:  # a service since removed from the catalogue
        service_name = {"id": ticket.service_code, "en": ticket.service_code}
    return {
        "id": ticket.ticket_id,
        "number": ticket.number,
        "service_code": ticket.service_code,
        "service_name": service_name,
        "counter": ticket.counter,
        "status": ticket.status,
        "issued_at": utc_text(ticket.issued_at),
        "called_at": utc_text(ticket.called_at),
        "has_request": ticket.has_request,
    }


def clips(number: str, counter: str) -> list[str]:
    """The announcement of one playing; only the chime for what has no clips (a named
    counter such as "Pengaduan")."""
    try:
        return announcement(number, counter)
    except ValueError:
        return [CHIME]


def call_json(call: CallRecord) -> dict[str, Any]:
    """A call as the hall sees it: no operator, no device, nothing personal."""
    return {
        "seq": call.seq,
        "call_id": call.call_id,
        "number": call.number,
        "counter": call.counter,
        "kind": call.kind,
        "at": utc_text(call.at),
        "clips": clips(call.number, call.counter),
    }


def board_json(board: list[BoardEntry]) -> list[dict[str, Any]]:
    return [{"counter": b.counter, "number": b.number, "seq": b.seq} for b in board]
