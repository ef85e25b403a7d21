"""TOML has its own types, and the kiosk takes them as written: a number in quotes, a
boolean for a number or a float for a whole number stops start-up with a message naming
the key (docs/configuration.md). What TOML naturally writes still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import ConfigError, load_config

VALID = """
config_version = 1
kiosk_id = "rgj-1"
outpost = "rogojampi"
device_mark = 2
retention_days = 90
data_dir = "/var/lib/ppp-kiosk"
[server]
url = "https://mpp.example.go.id"
token = "abc"
ca_bundle = "/etc/ppp-kiosk/mpp-ca.pem"
batch_size = 200
connect_timeout_s = 5
read_timeout_s = 30.5
[printer]
backend = "escpos_file"
file_path = "/dev/usb/lp0"
pdf_folder = "/tmp/printouts"
usb_vendor_id = 0x0416
port = 9100
timeout_seconds = 5
query_status = false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_toml_s_natural_types_load(tmp_path):
    settings = load_config(write(tmp_path, VALID))

    assert settings.device_mark == 2 and settings.retention_days == 90
    assert settings.data_dir == Path("/var/lib/ppp-kiosk")  # a path from a string
    assert settings.server.ca_bundle == Path("/etc/ppp-kiosk/mpp-ca.pem")
    assert settings.server.batch_size == 200
    assert settings.server.connect_timeout_s == 5.0  # an integer is a fine float
    assert settings.server.read_timeout_s == 30.5
    assert settings.printer.file_path == Path("/dev/usb/lp0")
    assert settings.printer.pdf_folder == Path("/tmp/printouts")
    assert settings.printer.usb_vendor_id == 0x0416
    assert settings.printer.timeout_seconds == 5.0 and settings.printer.query_status is False


@pytest.mark.parametrize(
    ("line", "wrong", "key", "words"),
    [
        ("batch_size = 200", 'batch_size = "200"', "server.batch_size", 'a string ("200")'),
        ("device_mark = 2", "device_mark = true", "device_mark", "a boolean (true)"),
        ("retention_days = 90", "retention_days = 90.0", "retention_days", "a float (90.0)"),
        ("port = 9100", 'port = "9100"', "printer.port", 'a string ("9100")'),
        ("query_status = false", "query_status = 0", "printer.query_status", "an integer (0)"),
        ("read_timeout_s = 30.5", 'read_timeout_s = "30"', "server.read_timeout_s", "a string"),
        ('data_dir = "/var/lib/ppp-kiosk"', "data_dir = 5", "data_dir", "an integer (5)"),
    ],
)
def test_a_wrong_type_stops_start_up_naming_the_key(tmp_path, line, wrong, key, words):
    assert line in VALID
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, VALID.replace(line, wrong)))

    message = str(caught.value)
    assert f"  {key}: should be " in message
    assert f"not {words}" in message
    assert message.count("\n  ") == 1  # that key only
