"""The printer part of the kiosk config. Importable without escpos, reportlab or Qt."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Backend = Literal[
    "escpos_usb",
    "escpos_network",
    "escpos_serial",
    "escpos_file",
    "windows_raw",
    "system",
    "pdf_folder",
    "none",
]
Profile = Literal["58mm", "80mm"]
FilePath = Annotated[Path, Field(strict=False)]
"""A path, which TOML writes as a string: the one conversion the strict model allows."""


class PrinterSettings(BaseModel):
    """Which printer the kiosk prints to and how to reach it (the ``[printer]`` TOML table)."""

    # Strict: a TOML value of the wrong type (``port = "9100"``, ``query_status = 1``) is an
    # error naming the key, never converted; an integer is still a fine float.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    backend: Backend = "none"
    profile: Profile = "80mm"

    # escpos_usb
    usb_vendor_id: int | None = Field(default=None, ge=0, le=0xFFFF)
    usb_product_id: int | None = Field(default=None, ge=0, le=0xFFFF)
    # escpos_network (raw TCP, "JetDirect")
    host: str = ""
    port: int = Field(default=9100, ge=1, le=65535)
    # escpos_serial
    serial_device: str = ""
    baudrate: int = Field(default=9600, gt=0)
    # escpos_file, e.g. /dev/usb/lp0
    file_path: FilePath | None = None
    # windows_raw: the Windows printer name (Win32 spooler, RAW datatype)
    windows_printer_name: str = ""
    # system: the CUPS queue given to ``lp -d``; empty means CUPS' default printer
    system_printer_name: str = ""
    # pdf_folder: where receipts are saved as PDF instead of printed
    pdf_folder: FilePath | None = None

    timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    #: Ask an ESC/POS printer for its status (DLE EOT) before each job.
    query_status: bool = True
    #: Let the printer draw the QR code (GS ( k); False sends it as a raster image instead,
    #: for cheap printers without a QR engine.
    native_qr: bool = True
