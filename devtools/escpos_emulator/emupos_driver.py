"""Runs inside the ESC/POS emulator's own interpreter (emupos needs Python 3.13).

Reads a JSON list of jobs on stdin, each ``{"profile": path-or-builtin, "stream": base64}``,
feeds each stream to a fresh emulated printer exactly as a TCP connection would deliver it,
and writes a JSON list of results on stdout: the emulator's events (unknown commands among
them), the completed receipts (PNG as base64, the text dump, how the job ended), the bytes
the printer wrote back, and the command names the emulator's tokenizer found. Nothing here
knows the kiosk: it only speaks ESC/POS.
"""

import base64
import io
import json
import sys
from pathlib import Path

from emupos.config import _load_profile  # the emulator's own profile loader and validation
from emupos.printer.escpos.model import PrintModel
from emupos.printer.escpos.tokenizer import Command, Tokenizer, Unknown
from emupos.printer.printer import Printer

# Every picture the emulator prints on its own (raster images, QR codes, barcodes) as it
# decoded it, in order: read only, so a test can look at one block without finding it on
# the paper.
_blocks: list = []
_print_block = PrintModel._print_block


def _record_block(self, image, text):  # noqa: ANN001, ANN202
    _blocks.append(image.copy())
    return _print_block(self, image, text)


PrintModel._print_block = _record_block


def _png(image) -> str:  # noqa: ANN001
    out = io.BytesIO()
    image.save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode()


def run(job: dict) -> dict:
    reference = job["profile"]
    base = Path(reference).parent if reference.endswith(".yaml") else Path.cwd()
    name = Path(reference).name if reference.endswith(".yaml") else reference
    profile = _load_profile(name, "printer", base)
    _blocks.clear()
    printer = Printer("kiosk", profile, sensor_open_level="high", job_idle_timeout_ms=2000)
    outputs = [printer.open_connection("c1", 0.0)]
    outputs.append(printer.receive("c1", base64.b64decode(job["stream"]), 0.0))
    outputs.append(printer.close_connection("c1", 0.0))
    events, receipts, written = [], [], b""
    for out in outputs:
        events += [{"type": str(e.type), "data": e.data} for e in out.events]
        written += b"".join(w.data for w in out.writes)
        receipts += [
            {
                "png": base64.b64encode(r.png).decode(),
                "text": r.text,
                "width": r.width_dots,
                "height": r.height_dots,
                "boundary": r.boundary,
            }
            for r in out.receipts
        ]
    # The same bytes through the emulator's tokenizer alone: the command names in order.
    tokenizer = Tokenizer()
    tokens = tokenizer.feed(base64.b64decode(job["stream"]))
    leftover = tokenizer.close()
    tokens += [leftover] if leftover is not None else []
    return {
        "events": events,
        "receipts": receipts,
        "written": written.hex(),
        "commands": [t.name for t in tokens if isinstance(t, Command)],
        "blocks": [_png(image) for image in _blocks],
        "unknown_tokens": [t.raw.hex(" ") for t in tokens if isinstance(t, Unknown)],
    }


if __name__ == "__main__":
    jobs = json.load(sys.stdin)
    json.dump([run(job) for job in jobs], sys.stdout, default=str)
