"""Where the configuration file lives, the demo's file, and the two values Home shows.

Nothing here validates: ``kiosk.config`` does (and pulls in pydantic to do it). The start
reads the outpost's name and the language with ``home_settings`` so that Home can be
painted before the full configuration is read; the full read follows at once and stops
the kiosk, as before, when the file is wrong.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import platformdirs

APP_NAME = "ppp-kiosk"
OUTPOST_NAMES: dict[str, str] = {
    "rogojampi": "Pasar Pelayanan Publik Rogojampi",
    "genteng": "Pasar Pelayanan Publik Genteng",
}
LANGUAGES = ("id", "en")


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "kiosk.toml"


def config_path(config: Path | None, demo: bool) -> Path:
    """The configuration file: the demo's own, the one given, or the platform's default."""
    if demo:
        from kiosk.__main__ import demo_config_path

        return demo_config_path()
    return config or default_config_path()


def home_settings(path: Path) -> tuple[str, str]:
    """(the outpost's name, the residents' language) for Home, read without validation;
    the neutral "Pasar Pelayanan Publik" and Bahasa Indonesia when the file cannot tell."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        raw = {}
    name = OUTPOST_NAMES.get(str(raw.get("outpost")), "Pasar Pelayanan Publik")
    language = raw.get("language")
    return name, language if language in LANGUAGES else "id"


def demo_config_text(data_dir: Path) -> str:
    """A sample configuration that works at once with no network and no printer."""
    return (
        "# PPP Kiosk demo configuration\n"
        "config_version = 1\n"
        'kiosk_id = "demo-rogojampi-1"\n'
        'outpost = "rogojampi"\n'
        "device_mark = 0\n"
        'language = "id"\n'
        "idle_timeout_s = 90\n"
        "retention_days = 90\n"
        f'data_dir = "{data_dir.as_posix()}"\n\n'
        "[server]\n"
        'url = "http://127.0.0.1:8765"\n'
        'token = ""\n\n'
        "[printer]\n"
        'backend = "pdf_folder"\n'
        'profile = "80mm"\n'
        f'pdf_folder = "{(data_dir / "printouts").as_posix()}"\n'
    )
