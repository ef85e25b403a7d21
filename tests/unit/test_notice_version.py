"""The data-use notice's version names its words.

Each request stores the version of the notice the resident agreed to
(resources/notice/README.md), so a version must always mean the same text: changing a word
without a new version would make old consents point at words nobody agreed to.
"""

from __future__ import annotations

import hashlib
import json
from importlib.resources import files

# Every version the kiosk has shipped, with a fingerprint of its words (law, id, en).
SHIPPED = {
    "2026.11-1": "85f59b2721a3e4480ed3c7a7cee170df066a2ec32b804050ea221b4624292bbd",
    "2026.11-2": "0e1be9c98491f6a20b8dba8548f999d8d4992fbc99c774c91df9fe9351cef31a",  # antrean
    # a summary first; the forms' consent question (a declaration that the answers are true)
    # moved into the notice
    "2026.11-3": "3da46e57ec22b89a36f92d9fd8e478ceb5e986c3e24a68e8989d6063b683c75c",
}


def fingerprint(notice: dict[str, str]) -> str:
    keys = ("law", "id", "en", "summary") if "summary" in notice else ("law", "id", "en")
    words = json.dumps({key: notice[key] for key in keys}, sort_keys=True)
    return hashlib.sha256(words.encode()).hexdigest()


def test_the_notice_words_are_the_words_its_version_shipped_with() -> None:
    raw = files("resources").joinpath("notice", "pdp_notice.json").read_text(encoding="utf-8")
    notice = json.loads(raw)
    assert notice["version"] in SHIPPED, (
        f"new notice version {notice['version']}: add it to SHIPPED with {fingerprint(notice)}"
    )
    assert fingerprint(notice) == SHIPPED[notice["version"]], (
        "the notice's words changed: give it a new version (resources/notice/README.md)"
    )
