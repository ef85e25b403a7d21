"""The data-use notice (UU 27/2022 PDP), accepted before a request is sent: the one place
the kiosk asks for consent.

A resident reads a short summary first; "Baca lengkap" opens the full text, and the one
"Kembali" (the header's) closes it again before it leaves the screen. While the full text
is open the idle timer waits longer (``reading_changed``; the window tells the idle
watcher). The notice's version is always on screen, and stored with each request.

The text and its version live in ``resources/notice/``. The contact line can be replaced by
the admin with ``notice-contact.json`` in the kiosk's data folder.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

from kiosk.ui.i18n import current_language, tr
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ActionRow, keep_words, make_button

log = logging.getLogger(__name__)
CONTACT_OVERRIDE = "notice-contact.json"
LANGUAGES = ("id", "en")
BULLET = "• "


@dataclass(frozen=True)
class DataUseNotice:
    version: str
    texts: dict[str, str]
    summaries: dict[str, str]
    law: str = ""

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["id"]

    def summary(self, language: str) -> str:
        return self.summaries.get(language) or self.summaries.get("id") or self.text(language)


def load_notice(outpost_name: str, retention_days: int, data_dir: Path | None) -> DataUseNotice:
    folder = files("resources").joinpath("notice")
    raw = json.loads(folder.joinpath("pdp_notice.json").read_text(encoding="utf-8"))
    contact = json.loads(folder.joinpath("contact.json").read_text(encoding="utf-8"))
    override = data_dir / CONTACT_OVERRIDE if data_dir is not None else None
    if override is not None and override.is_file():
        try:
            contact.update(json.loads(override.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            log.warning("%s cannot be read; the bundled contact is shown", override)

    def filled(text: str, language: str) -> str:
        return text.format(
            outpost=outpost_name,
            retention_days=retention_days,
            contact=contact.get(language) or contact["id"],
        )

    summary = raw.get("summary", {})
    return DataUseNotice(
        version=str(raw["version"]),
        texts={language: filled(raw[language], language) for language in LANGUAGES},
        summaries={
            language: filled(summary[language], language)
            for language in LANGUAGES
            if summary.get(language)
        },
        law=str(raw.get("law", "")),
    )


def notice_html(text: str) -> str:
    """The notice's plain text as the screen shows it: in a block of several lines the first
    line is its heading, in bold; ``• `` lines are list items (resources/notice/README.md)."""
    blocks = []
    for block in text.strip().split("\n\n"):
        lines = [html.escape(line) for line in block.strip().split("\n")]
        if len(lines) > 1 and not lines[0].startswith(BULLET):
            lines[0] = f"<b>{lines[0]}</b>"
        blocks.append("<br>".join(lines))
    return "<br><br>".join(blocks)


class NoticeScreen(Screen):
    accepted = Signal(str)  # the notice version
    #: True while the full text is open, False when it closes (or the screen is left).
    reading_changed = Signal(bool)
    holds_personal_data = True
    title_key = "notice.title"

    def __init__(self, notice: DataUseNotice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notice = notice
        self.reading = False
        content = self.add_scroll_area()
        self.summary = label(name="NoticeText")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        content.addWidget(self.summary)
        self.full_text = label(name="NoticeText")
        self.full_text.setTextFormat(Qt.TextFormat.RichText)
        self.full_text.hide()
        content.addWidget(self.full_text)
        content.addStretch(1)
        # Under the text, never scrolled away: which words the resident is agreeing to, and
        # the way to all of them. "Baca lengkap" is not one of the closing actions: the one
        # primary action is agreeing, and hiding it (full text open) changes only a row's
        # height, never the width a narrow portrait screen has to give.
        self.version = label(name="Meta")
        self.read_button = make_button()  # a second look, not a second primary action
        self.read_button.setObjectName("NoticeReadButton")
        self.read_button.clicked.connect(self.open_full_text)
        more = QHBoxLayout()
        more.setSpacing(24)
        more.addWidget(self.version, 1)
        more.addWidget(self.read_button)
        self.body_layout.addLayout(more)
        self.accept_button = make_button(role="go")
        self.accept_button.setObjectName("NoticeAcceptButton")
        self.accept_button.clicked.connect(self._accept)
        self.actions = ActionRow()
        self.actions.add(self.accept_button, 1)
        self.body_layout.addWidget(self.actions)
        # The header's "Kembali" is the one way back: from the full text to the summary,
        # from the summary to the review.
        assert self.back_button is not None
        self.back_button.clicked.disconnect()
        self.back_button.clicked.connect(self.go_back)

    # -- summary and full text -----------------------------------------------------------
    def open_full_text(self) -> None:
        self._show(full=True)

    def close_full_text(self) -> None:
        self._show(full=False)

    def _show(self, *, full: bool) -> None:
        self.summary.setVisible(not full)
        self.full_text.setVisible(full)
        self.read_button.setVisible(not full)
        self.scroll_area.verticalScrollBar().setValue(0)
        if full != self.reading:
            self.reading = full
            self.reading_changed.emit(full)

    def go_back(self) -> None:
        if self.reading:
            self.close_full_text()
        else:
            self.back_requested.emit()

    def _accept(self) -> None:
        self.close_full_text()
        self.accepted.emit(self.notice.version)

    # -- screen ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        super().retranslate()
        language = current_language()
        self.summary.setText(notice_html(self.notice.summary(language)))
        self.full_text.setText(notice_html(self.notice.text(language)))
        self.version.setText(tr("notice.version", version=self.notice.version))
        self.read_button.setText(tr("notice.read_full"))
        self.accept_button.setText(tr("notice.accept"))
        for button in (self.read_button, self.accept_button):
            keep_words(button)
        self.actions.relayout()

    def on_enter(self) -> None:
        self.close_full_text()
        self.scroll_area.verticalScrollBar().setValue(0)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        # Leaving the screen any way (accepted, Beranda, the idle reset) closes the full
        # text, so the longer idle time never outlives it.
        super().hideEvent(event)
        self.close_full_text()
