"""The kiosk's TOML configuration: a bad file names the key and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, demo_config_text, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
kiosk_id = "rgj-1"
outpost = "rogojampi"
language = "id"
idle_timeout_s = 120
retention_days = 60
[server]
url = "https://mpp.example.go.id/"
token = "abc"
[printer]
backend = "escpos_network"
host = "192.0.2.10"
"""


def test_good_file_loads(tmp_path):
    settings = load_config(write(tmp_path, GOOD))
    assert settings.outpost_name == "Pasar Pelayanan Publik Rogojampi"
    assert settings.server.url == "https://mpp.example.go.id"
    assert settings.printer.backend == "escpos_network" and settings.printer.port == 9100


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (('outpost = "rogojampi"', 'outpost = "banyuwangi"'), "outpost", "rogojampi"),
        (("idle_timeout_s = 120", "idle_timeout_s = 5"), "idle_timeout_s", "greater than"),
        (
            ('url = "https://mpp.example.go.id/"', 'url = "http://mpp.example.go.id"'),
            "server.url",
            "loopback",
        ),
        (('backend = "escpos_network"', 'backend = "fax"'), "printer.backend", "escpos_usb"),
        (('language = "id"', 'language = "id"\ncolour = "red"'), "colour", "not permitted"),
        (('kiosk_id = "rgj-1"', 'kiosk_id = "rgj 1!"'), "kiosk_id", "pattern"),
    ],
)
def test_bad_value_names_the_key(tmp_path, change, key, words):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert f"  {key}:" in message
    assert words.lower() in message.lower()


def test_missing_required_key(tmp_path):
    with pytest.raises(ConfigError, match="kiosk_id: Field required"):
        load_config(write(tmp_path, 'outpost = "genteng"\n'))


def test_broken_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "kiosk_id = \n"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_newer_config_version_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="config_version"):
        load_config(write(tmp_path, "config_version = 99\n" + GOOD))


def test_http_to_loopback_is_allowed(tmp_path):
    text = GOOD.replace("https://mpp.example.go.id/", "http://127.0.0.1:8765")
    assert load_config(write(tmp_path, text)).server.url == "http://127.0.0.1:8765"


def test_demo_config_is_valid(tmp_path):
    settings = load_config(write(tmp_path, demo_config_text(tmp_path / "data")))
    assert settings.data_dir == tmp_path / "data"
    assert settings.printer.backend == "pdf_folder"
