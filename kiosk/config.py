"""The kiosk's settings: one typed model read from a TOML file.

A bad file stops start-up with a message naming the key and what is wrong.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kiosk.config_file import APP_NAME, OUTPOST_NAMES, default_config_path, demo_config_text
from printing.settings import PrinterSettings
from sync.server_url import InsecureServerUrl, check_server_url

CONFIG_VERSION = 1
__all__ = [  # the file's place and the demo's file live in kiosk.config_file (no pydantic)
    "APP_NAME",
    "OUTPOST_NAMES",
    "ConfigError",
    "KioskSettings",
    "LanSettings",
    "default_config_path",
    "demo_config_text",
    "load_config",
    "parse_config",
]

Outpost = Literal["rogojampi", "genteng"]


class ConfigError(Exception):
    """The configuration file cannot be used; the message says which key and why."""


STRICT = ConfigDict(extra="forbid", strict=True)
"""Every table of the file: no unknown key, and no type guessed. TOML has its own types, so
``batch_size = "200"``, ``device_mark = true`` or ``retention_days = 90.0`` is a mistake to
name, not a value to convert. An integer is still a fine float (``read_timeout_s = 30``),
and paths are written as strings (the ``ConfigPath`` fields)."""

ConfigPath = Annotated[Path, Field(strict=False)]
"""A path: TOML writes it as a string, which strict mode alone would refuse."""


class ServerSettings(BaseModel):
    model_config = STRICT

    url: str = "https://mpp.banyuwangikab.go.id"
    token: str = ""
    ca_bundle: ConfigPath | None = None
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 200
    connect_timeout_s: Annotated[float, Field(gt=0, le=120)] = 5.0
    read_timeout_s: Annotated[float, Field(gt=0, le=600)] = 30.0
    status_base_url: str | None = None
    """Where residents' phones open the public status page: the receipt's QR holds
    ``<status_base_url>/s/<tracking code>``. Default: the origin of ``url``."""

    @field_validator("url", "status_base_url")
    @classmethod
    def _https_unless_loopback(cls, url: str | None) -> str | None:
        if url is None:
            return None
        try:
            return check_server_url(url)
        except InsecureServerUrl as exc:
            raise ValueError(str(exc)) from None

    def status_url(self, tracking_code: str) -> str:
        """The public status page of one request: what the receipt's QR holds."""
        from urllib.parse import quote, urlsplit

        base = self.status_base_url
        if base is None:
            parts = urlsplit(self.url)
            base = f"{parts.scheme}://{parts.netloc}"
        return f"{base}/s/{quote(tracking_code, safe='-')}"


class AnswerKeySettings(BaseModel):
    """Where the key that seals the residents' answers is kept (kiosk.store.answer_key)."""

    model_config = STRICT

    store: Literal["file", "systemd-creds"] = "file"
    systemd_creds: str = "systemd-creds"
    """The ``systemd-creds`` program, by name (found on PATH) or full path."""


DEFAULT_LAN_SUBNETS = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
)
"""The private ranges and loopback: an outpost LAN, never the internet."""


class LanSettings(BaseModel):
    """The outpost LAN service: /counter and /display for the outpost's network
    (kiosk.lan, docs/outpost-lan.md)."""

    model_config = STRICT

    enabled: bool = True
    bind: str = "0.0.0.0"
    port: Annotated[int, Field(ge=1, le=65535)] = 8470
    allowed_subnets: list[str] = Field(default_factory=lambda: list(DEFAULT_LAN_SUBNETS))
    tls_cert: ConfigPath | None = None
    tls_key: ConfigPath | None = None
    voice_dir: ConfigPath | None = None
    """A folder of the outpost's own announcement clips, replacing resources/voice."""

    @field_validator("bind")
    @classmethod
    def _an_address(cls, bind: str) -> str:
        import ipaddress

        try:
            ipaddress.ip_address(bind)
        except ValueError:
            raise ValueError(f"{bind!r} is not an IP address (e.g. 0.0.0.0)") from None
        return bind

    @field_validator("allowed_subnets")
    @classmethod
    def _subnets(cls, subnets: list[str]) -> list[str]:
        import ipaddress

        for subnet in subnets:
            try:
                ipaddress.ip_network(subnet, strict=False)
            except ValueError:
                raise ValueError(f"{subnet!r} is not a subnet (e.g. 192.168.1.0/24)") from None
        return subnets

    @model_validator(mode="after")
    def _cert_and_key(self) -> LanSettings:
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: give both or neither")
        return self


class KioskSettings(BaseModel):
    """Everything a kiosk needs to know about itself; one file per kiosk."""

    model_config = STRICT

    config_version: int = CONFIG_VERSION
    kiosk_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
    outpost: Outpost
    device_mark: Annotated[int, Field(ge=0, le=9)] = 0
    """0 when the outpost has one kiosk; 1-9 marks each kiosk's numbers (``2B-017``)."""
    language: Literal["id", "en"] = "id"
    idle_timeout_s: Annotated[int, Field(ge=30, le=3600)] = 90
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90
    data_dir: ConfigPath | None = None
    server: ServerSettings = ServerSettings()
    printer: PrinterSettings = PrinterSettings()
    answer_key: AnswerKeySettings = AnswerKeySettings()
    lan: LanSettings = LanSettings()

    @property
    def outpost_name(self) -> str:
        return OUTPOST_NAMES[self.outpost]

    def resolved_data_dir(self) -> Path:
        return self.data_dir or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def _upgrade(raw: dict) -> dict:
    """Bring an older file up to CONFIG_VERSION; each step is one small function."""
    version = raw.get("config_version", 1)
    if not isinstance(version, int) or version > CONFIG_VERSION:
        raise ConfigError(
            f"config_version: {version!r} is not supported (this kiosk reads up to "
            f"{CONFIG_VERSION})"
        )
    return raw


_EXPECTED = {
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "a string",
    "path_type": "a path in quotes",
    "model_type": "a table",
    "dict_type": "a table",
    "list_type": "an array",
}
"""Pydantic's type errors, in TOML's words."""
_TOML_TYPES = ((bool, "a boolean"), (int, "an integer"), (float, "a float"), (str, "a string"))


def _toml_value(value: object) -> str:
    """What the file holds, in TOML's words: ``a string ("200")``, ``a boolean (true)``."""
    for kind, words in _TOML_TYPES:  # bool first: a bool is also an int
        if isinstance(value, kind):
            shown = json.dumps(value, ensure_ascii=False)
            return f"{words} ({shown})"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"


def parse_config(raw: dict, *, source: str = "<config>") -> KioskSettings:
    raw = _upgrade(dict(raw))
    try:
        return KioskSettings.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or "(file)"
            message = err["msg"].removeprefix("Value error, ")
            expected = _EXPECTED.get(err["type"])
            if expected:  # a wrong TOML type: say which one was written
                message = f"should be {expected}, not {_toml_value(err['input'])}"
            problems.append(f"  {key}: {message}")
        listing = "\n".join(problems)
        raise ConfigError(f"{source} is not a valid kiosk configuration:\n{listing}") from None


def load_config(path: Path) -> KioskSettings:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(raw, source=str(path))
