"""One service: what it is, the documents to bring, the wait, and the two ways on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from kiosk.ui.i18n import pick, tr
from kiosk.ui.screens.base import Screen, label
from kiosk.ui.widgets.buttons import ActionRow, make_button


class ServiceScreen(Screen):
    ticket_chosen = Signal(str)
    form_chosen = Signal(str)

    def __init__(
        self, catalogue: Any, wait_text: Callable[[str], str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._wait_text = wait_text
        self._code: str | None = None
        self._ticket_only = False
        content = self.add_scroll_area()
        self.description = label(name="Subtitle")
        self.documents_title = label(name="SectionTitle")
        self._documents = content
        content.addWidget(self.description)
        content.addWidget(self.documents_title)
        self._doc_labels: list[Any] = []
        self._doc_anchor = content.count()
        self.wait = label(name="Meta")
        self.counter = label(name="Meta")
        content.addSpacing(8)
        content.addWidget(self.wait)
        content.addWidget(self.counter)
        self.no_form = label(name="Meta")
        content.addWidget(self.no_form)
        content.addStretch(1)
        self.ticket_button = make_button(role="primary")
        self.ticket_button.setObjectName("TicketOnlyButton")
        self.ticket_button.clicked.connect(lambda: self.ticket_chosen.emit(self._code or ""))
        self.form_button = make_button(role="go")
        self.form_button.setObjectName("FillFormButton")
        self.form_button.clicked.connect(lambda: self.form_chosen.emit(self._code or ""))
        self.actions = ActionRow()
        self.actions.add(self.ticket_button, 1)
        self.actions.add(self.form_button, 1)
        self.body_layout.addWidget(self.actions)

    def show_service(self, code: str, *, ticket_only: bool = False) -> None:
        """``ticket_only``: the queue-ticket path's confirm step: what to bring, one button."""
        self._code = code
        self._ticket_only = ticket_only
        self.retranslate()

    @property
    def service_code(self) -> str | None:
        return self._code

    @property
    def ticket_only(self) -> bool:
        return self._ticket_only

    def retranslate(self) -> None:
        super().retranslate()
        self.ticket_button.setText(tr("service.ticket_only"))
        self.form_button.setText(tr("service.fill_form"))
        self.documents_title.setText(tr("service.documents"))
        if self._code is None:
            return
        service = self._catalogue.service(self._code)
        self.title.setText(pick(service.name))
        description = pick(service.description)
        self.description.setText(description)
        self.description.setVisible(bool(description))
        for doc in self._doc_labels:
            self._documents.removeWidget(doc)
            doc.deleteLater()
        self._doc_labels = []
        for index, document in enumerate(service.documents):
            doc = label(f"{index + 1}.  {pick(document)}")
            self._documents.insertWidget(self._doc_anchor + index, doc)
            self._doc_labels.append(doc)
        self.wait.setText(tr("service.wait", wait=self._wait_text(self._code)))
        self.counter.setText(tr("service.counter", counter=service.counter))
        has_form = service.form_id is not None
        self.form_button.setVisible(has_form and not self._ticket_only)
        self.no_form.setText(tr("service.no_form"))
        self.no_form.setVisible(not has_form and not self._ticket_only)

    def reset(self) -> None:
        self._code = None
