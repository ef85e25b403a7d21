"""DLE EOT replies decoded, with the bytes the Epson reference gives for each condition.

Epson ESC/POS Command Reference for TM printers, "DLE EOT" (reference_en/escpos/dle_eot.html).
Every reply is 0xx1xx10; the values below set only the bits the reference names for each case.
"""

from __future__ import annotations

import pytest

from printing.status import StatusReplies, decode

CASES = [
    # (printer n=1, offline cause n=2, error cause n=3, paper n=4) -> (fault, warnings)
    ((0x12, None, None, 0x12), (None, ())),
    ((0x12, None, None, 0x1E), (None, ("paper_low",))),  # n=4 bits 2-3: near end
    ((0x1A, 0x32, None, 0x7E), ("paper_out", ())),  # offline, paper end stop, paper end
    ((0x1A, 0x32, None, None), ("paper_out", ())),  # no paper sensor answer: n=2 bit 5
    ((0x12, None, None, 0x72), ("paper_out", ())),  # sensor bits 5-6 without near-end bits
    ((0x1A, 0x16, None, 0x12), ("cover_open", ())),  # n=2 bit 2
    ((0x1A, 0x16, None, 0x1E), ("cover_open", ("paper_low",))),
    ((0x1A, 0x52, 0x1A, 0x12), ("cutter_error", ())),  # n=2 bit 6, n=3 bit 3
    ((0x1A, 0x52, 0x32, 0x12), ("printer_error", ())),  # n=3 bit 5: unrecoverable
    ((0x1A, 0x52, 0x52, 0x12), ("printer_error", ())),  # n=3 bit 6: auto-recoverable
    ((0x1A, 0x12, 0x12, 0x12), ("offline", ())),  # offline, no cause given
    ((0x3A, 0x12, None, 0x12), ("offline", ())),  # n=1 bit 5: waiting for online recovery
]


@pytest.mark.parametrize(("replies", "expected"), CASES)
def test_each_condition_decodes_to_its_own_reason(replies, expected) -> None:
    condition = decode(StatusReplies(*replies))
    assert condition.known
    assert (condition.fault, condition.warnings) == expected


@pytest.mark.parametrize("printer", [None, 0x00, 0xFF, 0x41, 0x1B])
def test_no_answer_or_a_byte_that_is_not_a_status_reply_is_unknown(printer) -> None:
    condition = decode(StatusReplies(printer, 0x12, 0x12, 0x12))
    assert not condition.known and condition.fault is None


def test_a_garbled_paper_reply_does_not_invent_a_fault() -> None:
    assert decode(StatusReplies(0x12, None, None, 0xFF)).fault is None
