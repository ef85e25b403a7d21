"""A full run, then a scan: no NIK, KK or phone number unmasked in logs, printouts or files.

Requests are submitted, rejected and accepted, printed as PDF and ESC/POS, pushed to the
real server, purged; then every file the kiosk wrote is searched for the identifiers.
"""

from __future__ import annotations

import logging
import stat
from pathlib import Path

from pypdf import PdfReader

from forms import ValidationFailed
from kiosk.logsetup import configure_logging
from kiosk.printouts import request_receipt
from kiosk.usecases import submit_request
from kiosk.usecases.privacy import purge_personal_data
from printing import PrinterSettings, make_printer, render_escpos
from sync.client import SyncClient
from sync.pusher import push_pending
from tests.samples import KTP_BARU

NIK = KTP_BARU["nik"]
KK = "3510130101200002"
PHONE_DIGITS = "81234567890"
KK_PERUBAHAN = {
    "no_kk": KK,
    "nik_pemohon": NIK,
    "nama_pemohon": "Budi Santoso",
    "jenis_perubahan": ["alamat"],
    "telepon": "+62 812-3456-7890",
    "persetujuan": True,
}
SECRETS = (NIK, KK, PHONE_DIGITS, "0812-3456-7890", "3456-7890")


def _text_of(path: Path) -> str:
    if path.suffix == ".pdf":
        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_bytes().decode("latin-1")


def test_no_identifier_leaves_the_kiosk_unmasked(server, kiosk_factory, tmp_path):
    token = server.add_kiosk("k-rogojampi-1")
    app = kiosk_factory(server.url, token, name="scan")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging(app.paths.logs, level=logging.DEBUG)
    printer = make_printer(PrinterSettings(backend="pdf_folder", pdf_folder=app.paths.root / "pdf"))
    escpos_dump = app.paths.root / "escpos.bin"
    try:
        for service, answers in [("KTP_BARU", KTP_BARU), ("KK_PERUBAHAN", KK_PERUBAHAN)] * 3:
            issued = submit_request(
                app.context, service, answers, language="id", notice_version="1"
            )
            receipt = request_receipt(app, issued, answers, "id")
            printer.print(receipt)
            with escpos_dump.open("ab") as out:
                out.write(render_escpos(receipt, profile="58mm"))
            logging.getLogger("kiosk.scan").info(
                "submitted %s with answers %s", issued.number, answers
            )
        try:
            submit_request(
                app.context,
                "KTP_BARU",
                dict(KTP_BARU, nik=NIK[:-1] + "0"),
                language="id",
                notice_version="1",
            )
        except ValidationFailed as exc:
            logging.getLogger("kiosk.scan").warning("refused: %s", exc)
        summary = push_pending(app, SyncClient(app.settings.server), include_not_due=True)
        assert summary.accepted >= 6 and summary.remaining == 0
        purge_personal_data(app.context, retention_days=1)
        app.close()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved

    scanned = [p for p in app.paths.root.rglob("*") if p.is_file() and p.suffix != ".key"]
    assert any(p.suffix == ".pdf" for p in scanned) and any(p.suffix == ".log" for p in scanned)
    for path in scanned:
        text = _text_of(path)
        for secret in SECRETS:
            assert secret not in text, f"{secret} unmasked in {path.relative_to(tmp_path)}"
    log_text = (app.paths.logs / "kiosk.log").read_text()
    assert "3510**********01" in log_text  # logged, but masked
    for path in [app.paths.database, app.paths.logs / "kiosk.log", app.paths.answer_key]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path
