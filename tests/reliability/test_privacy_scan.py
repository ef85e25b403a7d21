"""A full run, then a scan: no NIK, KK or phone number unmasked in logs, printouts or files.

Requests are submitted, rejected and accepted, printed as PDF and ESC/POS, pushed to the
real server, purged; then every file the kiosk wrote is searched for the identifiers.
"""

from __future__ import annotations

import contextlib
import logging
import stat
import time
from pathlib import Path

from pypdf import PdfReader

from devtools.sample_answers import KTP_BARU
from forms import ValidationFailed
from kiosk.logsetup import configure_logging
from kiosk.printouts import request_receipt
from kiosk.usecases import submit_request
from kiosk.usecases.privacy import purge_personal_data
from printing import PrinterSettings, make_printer, render_escpos
from sync.client import SyncClient
from sync.pusher import push_pending

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
SECRETS = (NIK, KK, PHONE_DIGITS, "0812-3456-7890", "3456-7890", "0912 0385", "1301.0120")


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
            logging.getLogger("kiosk.scan").debug("as typed: %s", {"nik": "3510 0912 0385 0001"})
            logging.getLogger("kiosk.scan").debug("as typed: %s", {"kk": "3510.1301.0120.0002"})
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
        summary = push_pending(app.outbox, SyncClient(app.settings.server), include_not_due=True)
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


# -- every answer field, a full run at DEBUG --------------------------------------------

NIK_TYPED = "3510 1323 1179 0007"  # typed with spaces, as residents do; 23-11-1979, male
KK_TYPED = "3510.1301.0120.0003"
RESIDENT = {
    "nik": NIK_TYPED,
    "nama": "Wiryawan Kusumadinata",
    "tempat_lahir": "Kalibaruwetan",
    "tanggal_lahir": "1979-11-23",
    "jenis_kelamin": "L",
    "agama": "islam",
    "status_perkawinan": "kawin",
    "telepon": "0813 9876 5432",
    "desa": "35.10.13.2001",
    "alamat": "Dusun Krajan Kidul Gang Melati 47",
    "rt": "004",
    "rw": "002",
    "persetujuan": True,
}
FAMILY = {
    "no_kk": KK_TYPED,
    "nik_pemohon": NIK_TYPED,
    "nama_pemohon": "Wiryawan Kusumadinata",
    "jenis_perubahan": ["alamat"],
    "keterangan": "Pindah ke rumah Bu Sulastri Handayaningrum",
    "telepon": "0813 9876 5432",
    "persetujuan": True,
}
EVERY_FIELD = (
    "3510132311790007",
    NIK_TYPED,
    "3510130101200003",
    KK_TYPED,
    "Wiryawan",
    "Kusumadinata",
    "Kalibaruwetan",
    "1979-11-23",
    "23-11-1979",
    "23/11/1979",
    "Krajan Kidul",
    "Melati 47",
    "Sulastri",
    "Handayaningrum",
    "9876 5432",
    "98765432",
)
ON_THE_RECEIPT = ("Wiryawan", "Kusumadinata")
"""A receipt carries the resident's name (docs/decisions.md); a printer saving PDFs keeps it."""


def test_no_answer_field_reaches_any_file_the_kiosk_writes(server, kiosk_factory, capsys):
    from kiosk.sync_cli import main as kiosk_sync
    from kiosk.usecases import issue_ticket
    from sync.pusher import reconcile
    from sync.worker import SyncWorker

    token = server.add_kiosk("k-rogojampi-1")
    app = kiosk_factory(server.url, token, name="everything")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure_logging(app.paths.logs, level=logging.DEBUG)
    printer = make_printer(
        PrinterSettings(backend="pdf_folder", pdf_folder=app.paths.root / "printouts")
    )
    config = app.paths.root / "kiosk.toml"
    config.write_text(
        f'kiosk_id = "k-rogojampi-1"\noutpost = "rogojampi"\n'
        f'data_dir = "{app.paths.root.as_posix()}"\n'
        f'[server]\nurl = "{server.url}"\ntoken = "{token}"\n',
        encoding="utf-8",
    )
    try:
        for service, answers in [("KTP_BARU", RESIDENT), ("KK_PERUBAHAN", FAMILY)] * 2:
            issued = submit_request(
                app.context, service, answers, language="id", notice_version="1"
            )
            printer.print(request_receipt(app, issued, answers, "id"))
        issue_ticket(app.context, "LEGALISIR")
        for wrong in (
            dict(RESIDENT, nik=NIK_TYPED[:-1] + "9", tanggal_lahir="1979-11-24"),
            dict(RESIDENT, tanggal_lahir="2079-11-23"),
            dict(FAMILY, no_kk="3510 1301 0120"),
        ):
            with contextlib.suppress(ValidationFailed):
                submit_request(
                    app.context,
                    "KTP_BARU" if "nik" in wrong else "KK_PERUBAHAN",
                    wrong,
                    language="id",
                    notice_version="1",
                )
        worker = SyncWorker(app.outbox, SyncClient(app.settings.server), debounce_s=0.01)
        worker.start()
        worker.notify_submitted()
        deadline = time.monotonic() + 20
        while app.outbox.status().pending and time.monotonic() < deadline:
            time.sleep(0.05)
        worker.stop()
        assert app.outbox.status().pending == 0
        assert reconcile(app.outbox, SyncClient(app.settings.server)).ok
        for command in (["status"], ["status", "--json"], ["backup"], ["purge"], ["pull"]):
            assert kiosk_sync(["--config", str(config), *command]) == 0, command
        app.close()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved
    printed = capsys.readouterr()

    written = [p for p in app.paths.root.rglob("*") if p.is_file() and p.suffix != ".key"]
    assert any(p.suffix == ".pdf" for p in written) and any(p.suffix == ".log" for p in written)
    assert " DEBUG " in (app.paths.logs / "kiosk.log").read_text()
    for path in written:
        text = _text_of(path).lower()
        allowed = ON_THE_RECEIPT if path.suffix == ".pdf" else ()
        for value in EVERY_FIELD:
            if value not in allowed:
                where = path.relative_to(app.paths.root)
                assert value.lower() not in text, f"{value!r} found in {where}"
    for value in EVERY_FIELD:
        assert value.lower() not in (printed.out + printed.err).lower(), value
