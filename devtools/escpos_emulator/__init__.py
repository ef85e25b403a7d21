"""An ESC/POS printer the project did not write: emupos, run in its own interpreter.

emupos (https://github.com/ahmedalrifai/emupos, Apache-2.0) simulates a receipt printer at the
wire-protocol level, from the Epson ESC/POS Command Reference for TM printers. It needs Python
3.13, so it lives in its own virtual environment (``make emulator`` builds ``.venv-emupos``)
and is reached two ways:

- ``emulate(stream, paper)``: the exact bytes a backend would send are fed to a fresh
  emulated printer; the result is what it printed (a 1-bit picture and its text dump), the
  commands its own tokenizer found, and every command it did not understand;
- ``EmulatedPrinterServer``: the emulator's daemon, a raw-TCP printer on loopback with its
  control API, for the backends' status queries (DLE EOT) under faults set through that API.

A test dependency only: nothing in the product imports this package.
"""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EMUPOS_VERSION = "0.4.0"

#: The emulated printer for each paper: a 58 mm printer of the kind the outposts buy (our own
#: profile file, 384 dots) and emupos's built-in Epson TM-T20III (576 dots).
PAPER_PROFILES = {"58mm": str(HERE / "xprinter-xp58.yaml"), "80mm": "epson-tm-t20iii"}


class EmulatorMissing(RuntimeError):
    """The emulator's interpreter is not installed: run ``make emulator``."""


def emulator_python() -> Path:
    """The interpreter that has emupos: ``$PPP_ESCPOS_EMULATOR_PYTHON`` or ``.venv-emupos``."""
    configured = os.environ.get("PPP_ESCPOS_EMULATOR_PYTHON")
    path = Path(configured) if configured else ROOT / ".venv-emupos" / "bin" / "python"
    if not path.exists():
        raise EmulatorMissing(
            f"the ESC/POS emulator's interpreter {path} is missing: run `make emulator`"
        )
    return path


@dataclass(frozen=True, slots=True)
class PrintedReceipt:
    """One job the emulated printer completed: what a person would see on the paper."""

    image: Image.Image  # mode "1", white paper (255) with black dots (0)
    text: str  # the emulator's text dump: printed text, "[image WxH]" for pictures
    boundary: str  # "cut", or "connection-closed" when the job was never cut

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass(frozen=True, slots=True)
class Emulation:
    """What the emulated printer made of one byte stream."""

    receipts: tuple[PrintedReceipt, ...]
    blocks: tuple[Image.Image, ...]  # each picture printed on its own, as the emulator decoded it
    commands: tuple[str, ...]  # command names as the Epson reference spells them, in order
    unknown: tuple[str, ...]  # hex of every byte run the emulator did not understand
    written: bytes  # what the printer sent back (status replies)


def emulate_many(streams: list[bytes], paper: str) -> list[Emulation]:
    """Feed each stream to its own fresh emulated printer, in one emulator process."""
    jobs = [
        {"profile": PAPER_PROFILES[paper], "stream": base64.b64encode(s).decode()} for s in streams
    ]
    done = subprocess.run(
        [str(emulator_python()), str(HERE / "emupos_driver.py")],
        input=json.dumps(jobs).encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the ESC/POS emulator failed: {done.stderr.decode()[-2000:]}")
    return [_emulation(result) for result in json.loads(done.stdout)]


def emulate(stream: bytes, paper: str) -> Emulation:
    return emulate_many([stream], paper)[0]


def _emulation(result: dict) -> Emulation:
    receipts = tuple(
        PrintedReceipt(
            image=Image.open(io.BytesIO(base64.b64decode(r["png"]))).convert("1"),
            text=r["text"],
            boundary=r["boundary"],
        )
        for r in result["receipts"]
    )
    unknown = tuple(
        str(e["data"].get("bytes", e["data"]))
        for e in result["events"]
        if e["type"] == "printer.command.unknown"
    ) + tuple(result["unknown_tokens"])
    blocks = tuple(
        Image.open(io.BytesIO(base64.b64decode(png))).convert("1") for png in result["blocks"]
    )
    return Emulation(
        receipts=receipts,
        blocks=blocks,
        commands=tuple(result["commands"]),
        unknown=unknown,
        written=bytes.fromhex(result["written"]),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmulatedPrinterServer:
    """emupos's daemon: a raw-TCP ESC/POS printer on loopback, faults set through its API.

    The printer answers DLE EOT from its fault state with the bytes the Epson reference gives
    (emupos ``printer/escpos/status.py``), which is what the kiosk's backends read.
    """

    def __init__(self, workdir: Path, paper: str = "80mm") -> None:
        self.workdir = workdir
        self.port = _free_port()
        self.api_port = _free_port()
        self.device = "kiosk-printer"
        profile = PAPER_PROFILES[paper]
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "emupos.yaml").write_text(
            "schema: 1\n"
            f"api: {{ host: 127.0.0.1, port: {self.api_port} }}\n"
            "devices:\n"
            f"  - id: {self.device}\n"
            "    type: printer\n"
            f"    profile: {json.dumps(profile)}\n"
            "    connections:\n"
            f"      - tcp: {{ host: 127.0.0.1, port: {self.port} }}\n"
            f"    receipts_dir: {json.dumps(str(workdir / 'receipts'))}\n",
            encoding="utf-8",
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> EmulatedPrinterServer:
        emupos = emulator_python().parent / "emupos"
        self._process = subprocess.Popen(
            [str(emupos), "run", "--config", str(self.workdir / "emupos.yaml")],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=open(self.workdir / "emupos.log", "wb"),  # noqa: SIM115 - lives with the process
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                log = (self.workdir / "emupos.log").read_text(errors="replace")
                raise RuntimeError(f"emupos did not start: {log[-2000:]}")
            try:
                self._api("GET", "/devices")
                return self
            except (OSError, RuntimeError):
                time.sleep(0.1)
        self.stop()  # never leave a half-started daemon behind
        raise RuntimeError("emupos did not answer within 30 s")

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
            self._process = None

    def set_fault(self, fault: str, active: bool = True) -> None:
        """Set or clear ``paper-near-end``, ``paper-out``, ``cover-open`` or ``offline``."""
        self._api("PUT" if active else "DELETE", f"/devices/{self.device}/faults/{fault}")

    def clear_faults(self) -> None:
        for fault in ("paper-near-end", "paper-out", "cover-open", "offline"):
            self.set_fault(fault, active=False)

    def receipts(self) -> list[dict]:
        return json.loads(self._api("GET", f"/devices/{self.device}/receipts"))

    def receipt_image(self, receipt_id: str) -> Image.Image:
        png = self._api("GET", f"/devices/{self.device}/receipts/{receipt_id}/image")
        return Image.open(io.BytesIO(png)).convert("1")

    def receipt_text(self, receipt_id: str) -> str:
        return self._api("GET", f"/devices/{self.device}/receipts/{receipt_id}/text").decode()

    def wait_for_receipts(self, count: int, timeout_s: float = 5.0) -> list[dict]:
        """The completed receipts, once there are at least ``count`` (or the timeout passes)."""
        deadline = time.monotonic() + timeout_s
        while len(found := self.receipts()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return found

    def _api(self, method: str, path: str) -> bytes:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.api_port, timeout=5)
        try:
            connection.request(method, "/api/v1" + path)
            response = connection.getresponse()
            body = response.read()
            if response.status >= 400:
                raise RuntimeError(f"emupos {method} {path}: {response.status} {body!r}")
            return body
        finally:
            connection.close()
