from __future__ import annotations

import logging
import stat

from kiosk.logsetup import configure_logging, mask_identifiers


def test_identity_numbers_and_phones_are_masked():
    text = (
        "nik=3510091203850001 kk 3510130101200002 hp 0812-3456-7890 wa +6281234567890"
        " tel +62 812-3456-7890 A-017"
    )
    masked = mask_identifiers(text)
    for secret in ("3510091203850001", "3510130101200002", "3456", "81234567"):
        assert secret not in masked
    assert "3510**********01" in masked and "A-017" in masked


def test_identity_numbers_typed_in_groups_are_masked_too():
    text = "nik 3510 0912 0385 0001, kk 3510.1301.0120.0002, 3510-0912-0385-0001 at 2026-11-27"
    masked = mask_identifiers(text)
    for secret in ("0912 0385", "1301.0120", "0912-0385"):
        assert secret not in masked
    assert masked.count("3510**********01") == 2 and "3510**********02" in masked
    assert "2026-11-27" in masked  # a date is not an identity number


def test_log_file_is_owner_only_and_masked(tmp_path):
    path = configure_logging(tmp_path / "logs")
    try:
        logging.getLogger("kiosk.test").warning("rejected %s", "3510091203850001")
        for handler in logging.getLogger().handlers:
            handler.flush()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        content = path.read_text()
        assert "3510**********01" in content and "3510091203850001" not in content
    finally:
        for handler in logging.getLogger().handlers[:]:
            handler.close()
            logging.getLogger().removeHandler(handler)
