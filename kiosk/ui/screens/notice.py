"""The data-use notice (UU 27/2022 PDP), accepted before a request is sent.

The text and its version live in ``resources/notice/``; the version is stored with each
request. The contact line can be replaced by the admin with ``notice-contact.json`` in the
kiosk's data folder.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.ui.i18n import current_language, tr
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ActionRow, make_button

log = logging.getLogger(__name__)
CONTACT_OVERRIDE = "notice-contact.json"


@dataclass(frozen=True)
class DataUseNotice:
    version: str
    texts: dict[str, str]

    def text(self, language: str) -> str:
        return self.texts.get(language) or self.texts["id"]


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
    texts = {
        language: raw[language].format(
            outpost=outpost_name,
            retention_days=retention_days,
            contact=contact.get(language) or contact["id"],
        )
        for language in ("id", "en")
    }
    return DataUseNotice(version=str(raw["version"]), texts=texts)


class NoticeScreen(Screen):
    accepted = Signal(str)  # the notice version
    holds_personal_data = True
    title_key = "notice.title"

    def __init__(self, notice: DataUseNotice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notice = notice
        content = self.add_scroll_area()
        self.text = label(name="NoticeText")
        content.addWidget(self.text)
        self.version = label(name="Meta")
        content.addWidget(self.version)
        content.addStretch(1)
        self.decline_button = make_button(role="primary")
        self.decline_button.setObjectName("NoticeDeclineButton")
        self.decline_button.clicked.connect(self.back_requested)
        self.accept_button = make_button(role="go")
        self.accept_button.setObjectName("NoticeAcceptButton")
        self.accept_button.clicked.connect(lambda: self.accepted.emit(self.notice.version))
        self.actions = ActionRow()
        self.actions.add(self.decline_button, 1)
        self.actions.add(self.accept_button, 2)
        self.body_layout.addWidget(self.actions)

    def retranslate(self) -> None:
        super().retranslate()
        self.text.setText(self.notice.text(current_language()))
        self.version.setText(tr("notice.version", version=self.notice.version))
        self.decline_button.setText("‹ " + tr("notice.decline"))
        self.accept_button.setText(tr("notice.accept"))

    def on_enter(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(0)
