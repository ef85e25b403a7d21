"""Printer backends: one ``Printer`` per configured backend, built by ``make_printer``.

Every fault a resident or operator can meet (printer off, out of paper, unplugged, not set up)
comes out as ``PrinterUnavailable(reason_code, detail)``. Nothing here touches a GUI, so
``Printer.print`` can run on a worker thread; each call opens and closes its own connection.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from printing.content import DayReport, Printout, QueueTicket, ServiceReceipt, TestPage
from printing.errors import PrinterUnavailable
from printing.settings import PrinterSettings
from printing.status import (
    ERROR_CAUSE,
    ERROR_OCCURRED,
    OFFLINE,
    OFFLINE_CAUSE,
    PAPER_SENSOR,
    PRINTER_STATUS,
    PrinterCondition,
    StatusReplies,
    decode,
    is_status_byte,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrintResult:
    """What happened to a job that went out without a fault."""

    backend: str
    bytes_sent: int = 0
    path: Path | None = None
    job_id: str | None = None
    warnings: tuple[str, ...] = ()  # e.g. "paper_low"
    duration_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """The printer's state as far as the backend can tell; ``ready`` None means unknown."""

    backend: str
    ready: bool | None
    reason_code: str | None = None
    detail: str = ""
    warnings: tuple[str, ...] = field(default=())


class Printer:
    """A configured printer. Subclasses implement ``_send`` and may refine ``status``."""

    backend = "none"

    def __init__(self, settings: PrinterSettings) -> None:
        self.settings = settings
        # One job at a time per printer: two threads must not interleave bytes on one device.
        self._job_lock = threading.Lock()

    def config_problem(self) -> str | None:
        """Why these settings cannot work (a missing host, a Windows-only backend ...), or None."""
        return None

    def print(self, content: Printout) -> PrintResult:
        """Print one printout; raises ``PrinterUnavailable`` when the printer cannot take it."""
        problem = self.config_problem()
        if problem:
            raise PrinterUnavailable("not_configured", problem)
        started = time.perf_counter()
        with self._job_lock:
            result = self._send(content)
        elapsed = (time.perf_counter() - started) * 1000
        return PrintResult(
            backend=self.backend,
            bytes_sent=result.bytes_sent,
            path=result.path,
            job_id=result.job_id,
            warnings=result.warnings,
            duration_ms=elapsed,
        )

    def status(self) -> PrinterStatus:
        """Ask the printer how it is, without printing; never raises for printer faults."""
        problem = self.config_problem()
        if problem:
            return PrinterStatus(self.backend, False, "not_configured", problem)
        with self._job_lock:
            return self._status()

    def _status(self) -> PrinterStatus:
        return PrinterStatus(self.backend, ready=True)

    def _send(self, content: Printout) -> PrintResult:
        return PrintResult(self.backend)


class NullPrinter(Printer):
    """``none``: printing is switched off; every job succeeds and nothing comes out."""

    backend = "none"


# --- ESC/POS ------------------------------------------------------------------------------


class EscposPrinter(Printer):
    """ESC/POS over a connection that python-escpos opens (network, USB, serial, Windows)."""

    can_query_status = False

    def __init__(self, settings: PrinterSettings, backend: str) -> None:
        super().__init__(settings)
        self.backend = backend

    def _connect(self) -> Any:
        raise NotImplementedError

    def render(self, content: Printout) -> bytes:
        from printing.escpos_render import render_escpos

        return render_escpos(content, self.settings.profile, native_qr=self.settings.native_qr)

    def _send(self, content: Printout) -> PrintResult:
        payload = self.render(content)
        device = self._open()
        try:
            warnings = self._check(device) if self._should_query() else ()
            try:
                device._raw(payload)
            except Exception as exc:  # OSError, or pyusb/pyserial's own error types
                raise PrinterUnavailable(
                    "io_error", f"sending to the printer failed: {exc}"
                ) from exc
        finally:
            _close_quietly(device)
        return PrintResult(self.backend, bytes_sent=len(payload), warnings=warnings)

    def _status(self) -> PrinterStatus:
        try:
            device = self._open()
        except PrinterUnavailable as exc:
            return PrinterStatus(self.backend, False, exc.reason_code, exc.detail)
        try:
            if not self._should_query():
                return PrinterStatus(self.backend, ready=None, detail="status not queried")
            condition = self._condition(device)
        except PrinterUnavailable as exc:
            return PrinterStatus(self.backend, False, exc.reason_code, exc.detail)
        finally:
            _close_quietly(device)
        if not condition.known:
            return PrinterStatus(self.backend, None, detail=condition.detail)
        if condition.fault:
            return PrinterStatus(
                self.backend, False, condition.fault, condition.detail, condition.warnings
            )
        return PrinterStatus(self.backend, True, warnings=condition.warnings)

    def _should_query(self) -> bool:
        return self.can_query_status and self.settings.query_status

    def _open(self) -> Any:
        from escpos.exceptions import DeviceNotFoundError

        device = self._connect()
        try:
            device.open()
        except DeviceNotFoundError as exc:
            raise PrinterUnavailable("unreachable", str(exc).strip()) from exc
        except PermissionError as exc:
            raise PrinterUnavailable(
                "io_error", f"no permission to open the printer: {exc}"
            ) from exc
        except OSError as exc:
            raise PrinterUnavailable("unreachable", str(exc)) from exc
        return device

    def _condition(self, device: Any) -> PrinterCondition:
        """Ask the printer (DLE EOT 1-4) how it is; see ``printing.status`` for the bits."""
        printer = _query(device, PRINTER_STATUS)
        if not is_status_byte(printer):
            return decode(StatusReplies(printer))
        paper = _query(device, PAPER_SENSOR)
        cause = error = None
        if printer & OFFLINE:  # type: ignore[operator]
            cause = _query(device, OFFLINE_CAUSE)
            if is_status_byte(cause) and cause & ERROR_OCCURRED:  # type: ignore[operator]
                error = _query(device, ERROR_CAUSE)
        return decode(StatusReplies(printer, cause, error, paper))

    def _check(self, device: Any) -> tuple[str, ...]:
        """Refuse a job the printer reports it cannot print; return its warnings.

        A printer that does not answer at all still gets the job: many raw-TCP and USB
        printers ignore DLE EOT, and refusing them would stop a working kiosk. Its status is
        reported as unknown, never as ready.
        """
        condition = self._condition(device)
        if condition.fault:
            raise PrinterUnavailable(condition.fault, condition.detail)
        return condition.warnings


def _query(device: Any, command: bytes) -> int | None:
    try:
        device._raw(command)
        answer = device._read()
    except (TimeoutError, NotImplementedError):
        return None
    except OSError as exc:
        raise PrinterUnavailable("unreachable", f"status query failed: {exc}") from exc
    except Exception as exc:  # pyusb/pyserial timeouts are their own exception types
        if "timeout" in type(exc).__name__.lower() or "timed out" in str(exc).lower():
            return None
        raise PrinterUnavailable("io_error", f"status query failed: {exc}") from exc
    if not answer:
        return None
    return answer[0] if isinstance(answer, bytes | bytearray) else int(answer[0])


def _close_quietly(device: Any) -> None:
    try:
        device.close()
    except Exception:  # closing a broken connection must not hide the real fault
        log.debug("closing the printer connection failed", exc_info=True)


class NetworkEscposPrinter(EscposPrinter):
    can_query_status = True

    def __init__(self, settings: PrinterSettings) -> None:
        super().__init__(settings, "escpos_network")

    def config_problem(self) -> str | None:
        return None if self.settings.host else "printer host is not set"

    def _condition(self, device: Any) -> PrinterCondition:
        # A raw-TCP printer that ignores DLE EOT must not hold every job for the full timeout.
        sock = device.device
        sock.settimeout(min(1.0, self.settings.timeout_seconds))
        try:
            return super()._condition(device)
        finally:
            sock.settimeout(self.settings.timeout_seconds)

    def _connect(self) -> Any:
        from printing.escpos_render import ESCPOS_PROFILE, escpos_printer_module

        s = self.settings
        return escpos_printer_module().Network(
            s.host, s.port, timeout=s.timeout_seconds, profile=ESCPOS_PROFILE
        )


class UsbEscposPrinter(EscposPrinter):
    can_query_status = True

    def __init__(self, settings: PrinterSettings) -> None:
        super().__init__(settings, "escpos_usb")

    def config_problem(self) -> str | None:
        s = self.settings
        if s.usb_vendor_id is None or s.usb_product_id is None:
            return "USB vendor and product ids are not set"
        return None

    def _connect(self) -> Any:
        from printing.escpos_render import ESCPOS_PROFILE, escpos_printer_module

        module = escpos_printer_module()
        from escpos.printer import usb as escpos_usb

        if not escpos_usb.is_usable():
            raise PrinterUnavailable("not_configured", "install python-escpos[usb] (pyusb)")
        s = self.settings
        return module.Usb(
            s.usb_vendor_id,
            s.usb_product_id,
            timeout=int(s.timeout_seconds * 1000),
            profile=ESCPOS_PROFILE,
        )


class SerialEscposPrinter(EscposPrinter):
    can_query_status = True

    def __init__(self, settings: PrinterSettings) -> None:
        super().__init__(settings, "escpos_serial")

    def config_problem(self) -> str | None:
        return None if self.settings.serial_device else "serial device is not set"

    def _connect(self) -> Any:
        from printing.escpos_render import ESCPOS_PROFILE, escpos_printer_module

        module = escpos_printer_module()
        from escpos.printer import serial as escpos_serial

        if not escpos_serial.is_usable():
            raise PrinterUnavailable("not_configured", "install python-escpos[serial] (pyserial)")
        s = self.settings
        return module.Serial(
            s.serial_device, baudrate=s.baudrate, timeout=s.timeout_seconds, profile=ESCPOS_PROFILE
        )


class WindowsRawPrinter(EscposPrinter):
    """ESC/POS bytes through the Windows spooler (RAW datatype); Windows only."""

    def __init__(self, settings: PrinterSettings) -> None:
        super().__init__(settings, "windows_raw")

    def config_problem(self) -> str | None:
        return None if sys.platform == "win32" else "windows_raw works on Windows only"

    def _connect(self) -> Any:
        from printing.escpos_render import ESCPOS_PROFILE, escpos_printer_module

        module = escpos_printer_module()
        from escpos.printer import win32raw

        if not win32raw.is_usable():
            raise PrinterUnavailable("not_configured", "install python-escpos[win32] (pywin32)")
        name = self.settings.windows_printer_name or None
        return module.Win32Raw(name, profile=ESCPOS_PROFILE)


class FileEscposPrinter(Printer):
    """ESC/POS bytes written to a device file such as /dev/usb/lp0 (or a plain file)."""

    backend = "escpos_file"

    def __init__(self, settings: PrinterSettings) -> None:
        super().__init__(settings)
        self.path = Path(settings.file_path or "")

    def config_problem(self) -> str | None:
        return None if self.settings.file_path else "printer file path is not set"

    def _flags(self) -> int:
        flags = os.O_WRONLY | os.O_APPEND | getattr(os, "O_BINARY", 0)
        # A device node that is missing means the printer is off or unplugged: never create it.
        if not str(self.path).startswith("/dev/"):
            flags |= os.O_CREAT
        return flags

    def _send(self, content: Printout) -> PrintResult:
        from printing.escpos_render import render_escpos

        payload = render_escpos(content, self.settings.profile, native_qr=self.settings.native_qr)
        try:
            fd = os.open(self.path, self._flags(), 0o644)
        except OSError as exc:
            raise _file_fault(self.path, exc) from exc
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
        except OSError as exc:
            raise PrinterUnavailable("io_error", f"writing to {self.path} failed: {exc}") from exc
        finally:
            os.close(fd)
        return PrintResult(self.backend, bytes_sent=len(payload), path=self.path)

    def _status(self) -> PrinterStatus:
        if str(self.path).startswith("/dev/") and not self.path.exists():
            return PrinterStatus(self.backend, False, "unreachable", f"{self.path} does not exist")
        target = self.path if self.path.exists() else self.path.parent
        if not os.access(target, os.W_OK):
            return PrinterStatus(self.backend, False, "io_error", f"cannot write to {target}")
        return PrinterStatus(self.backend, ready=None, detail="a device file cannot report status")


def _file_fault(path: Path, exc: OSError) -> PrinterUnavailable:
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
        return PrinterUnavailable("unreachable", f"{path}: printer off or unplugged ({exc})")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return PrinterUnavailable("io_error", f"no permission to write to {path} ({exc})")
    return PrinterUnavailable("io_error", f"{path}: {exc}")


# --- PDF ----------------------------------------------------------------------------------


def pdf_paper(content: Printout, profile: str) -> str:
    """Day reports go on A4 when printed as a document; everything else on the roll."""
    return "a4" if isinstance(content, DayReport) else profile


def file_stem(content: Printout, now: datetime) -> str:
    if isinstance(content, ServiceReceipt):
        what = content.ticket.queue_number
    elif isinstance(content, QueueTicket):
        what = content.queue_number
    elif isinstance(content, DayReport):
        what = f"laporan-{content.day.isoformat()}"
    elif isinstance(content, TestPage):
        what = "halaman-uji"
    else:
        what = "cetak"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", what)
    return f"{now:%Y%m%dT%H%M%S%fZ}-{safe}"


class PdfFolderPrinter(Printer):
    """``pdf_folder``: each printout saved as ``<folder>/<timestamp>-<number>.pdf``."""

    backend = "pdf_folder"

    def __init__(self, settings: PrinterSettings, clock: Callable[[], datetime] | None = None):
        super().__init__(settings)
        self.folder = Path(settings.pdf_folder or "")
        self._clock = clock or (lambda: datetime.now(UTC))

    def config_problem(self) -> str | None:
        return None if self.settings.pdf_folder else "PDF folder is not set"

    def _send(self, content: Printout) -> PrintResult:
        from printing.pdf import render_pdf

        data = render_pdf(content, pdf_paper(content, self.settings.profile))
        path = self.folder / f"{file_stem(content, self._clock())}.pdf"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(path, data)
        except OSError as exc:
            raise _file_fault(self.folder, exc) from exc
        return PrintResult(self.backend, bytes_sent=len(data), path=path)

    def _status(self) -> PrinterStatus:
        folder = self.folder
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            return PrinterStatus(self.backend, False, "io_error", f"cannot write to {folder}")
        return PrinterStatus(self.backend, True)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename it in place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class SystemPrinter(Printer):
    """``system``: the PDF handed to CUPS with ``lp`` (Linux). On Windows the UI's Qt print
    path or ``windows_raw`` is used instead."""

    backend = "system"

    def _lp(self) -> str:
        lp = shutil.which("lp")
        if lp is None:
            raise PrinterUnavailable("not_configured", "CUPS 'lp' command not found")
        return lp

    def _send(self, content: Printout) -> PrintResult:
        from printing.pdf import render_pdf

        lp = self._lp()
        data = render_pdf(content, pdf_paper(content, self.settings.profile))
        command = [lp]
        if self.settings.system_printer_name:
            command += ["-d", self.settings.system_printer_name]
        command += ["-t", f"ppp-kiosk {type(content).__name__}", "-"]
        try:
            done = subprocess.run(
                command, input=data, capture_output=True, timeout=self.settings.timeout_seconds
            )
        except subprocess.TimeoutExpired as exc:
            raise PrinterUnavailable("unreachable", "lp did not answer in time") from exc
        except OSError as exc:
            raise PrinterUnavailable("not_configured", f"cannot run lp: {exc}") from exc
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()
            raise PrinterUnavailable(_lp_reason(message), message or f"lp exit {done.returncode}")
        answer = done.stdout.decode(errors="replace")
        job = re.search(r"request id is (\S+)", answer)
        return PrintResult(self.backend, bytes_sent=len(data), job_id=job.group(1) if job else None)

    def _status(self) -> PrinterStatus:
        try:
            self._lp()
        except PrinterUnavailable as exc:
            return PrinterStatus(self.backend, False, exc.reason_code, exc.detail)
        lpstat = shutil.which("lpstat")
        if lpstat is None or not self.settings.system_printer_name:
            return PrinterStatus(self.backend, ready=None, detail="status not known")
        try:
            done = subprocess.run(
                [lpstat, "-p", self.settings.system_printer_name],
                capture_output=True,
                timeout=self.settings.timeout_seconds,
            )
        except (subprocess.TimeoutExpired, OSError) as exc:
            return PrinterStatus(self.backend, None, detail=str(exc))
        text = (done.stdout + done.stderr).decode(errors="replace")
        if done.returncode != 0:
            return PrinterStatus(self.backend, False, _lp_reason(text), text.strip())
        if "disabled" in text:
            return PrinterStatus(self.backend, False, "offline", text.strip())
        return PrinterStatus(self.backend, True, detail=text.strip())


def _lp_reason(message: str) -> str:
    lowered = message.lower()
    if "unknown destination" in lowered or "does not exist" in lowered or "no default" in lowered:
        return "not_configured"
    if "not accepting" in lowered or "disabled" in lowered:
        return "offline"
    if "connect" in lowered or "scheduler" in lowered:
        return "unreachable"
    return "io_error"


_FACTORIES: dict[str, Callable[[PrinterSettings], Printer]] = {
    "none": NullPrinter,
    "escpos_network": NetworkEscposPrinter,
    "escpos_usb": UsbEscposPrinter,
    "escpos_serial": SerialEscposPrinter,
    "escpos_file": FileEscposPrinter,
    "windows_raw": WindowsRawPrinter,
    "pdf_folder": PdfFolderPrinter,
    "system": SystemPrinter,
}


def make_printer(settings: PrinterSettings) -> Printer:
    """The printer the settings describe.

    Never raises, so a kiosk with a bad printer config still starts: settings that cannot work
    (missing host, ``windows_raw`` on Linux ...) make ``print`` raise
    ``PrinterUnavailable("not_configured")`` and ``status`` report it.
    """
    return _FACTORIES[settings.backend](settings)
