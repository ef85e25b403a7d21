"""Review: every answer once more, before the data-use notice.

A long form's answers come under its steps' names ("Data anak", "Data orang tua"), as it
was asked. Each answer is shown as it will be kept and printed: the form screen hands over
the values after the same cleaning (forms.validate_answers, forms.normalise.printed_name).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.screens.base import Screen, clear_layout, label
from kiosk.ui.widgets.buttons import ActionRow, make_button

#: (caption, answer as shown) of one question.
ReviewLine = tuple[str, str]
#: A step's name ("" for a form without steps) and its questions' lines.
ReviewSection = tuple[str, list[ReviewLine]]


class ReviewScreen(Screen):
    edit_requested = Signal()
    confirmed = Signal()
    holds_personal_data = True
    title_key = "review.title"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = label(name="Subtitle")
        self.body_layout.addWidget(self.hint)
        self._list: QVBoxLayout = self.add_scroll_area()
        self._list.setSpacing(0)
        self.edit_button = make_button(role="primary")
        self.edit_button.setObjectName("ReviewEditButton")
        self.edit_button.clicked.connect(self.edit_requested)
        self.next_button = make_button(role="go")
        self.next_button.setObjectName("ReviewNextButton")
        self.next_button.clicked.connect(self.confirmed)
        self.actions = ActionRow()
        self.actions.add(self.edit_button, 1)
        self.actions.add(self.next_button, 1)
        self.body_layout.addWidget(self.actions)

    def show_lines(self, lines: list[ReviewLine]) -> None:
        self.show_sections([("", lines)])

    def show_sections(self, sections: list[ReviewSection]) -> None:
        clear_layout(self._list)
        for heading, lines in sections:
            if heading:
                title = label(heading, "SectionTitle")
                title.setContentsMargins(0, 16, 0, 6)
                self._list.addWidget(title)
            for caption, value in lines:
                row = QFrame()
                row.setObjectName("ReviewRow")
                box = QVBoxLayout(row)
                box.setContentsMargins(20, 12, 20, 12)
                box.setSpacing(2)
                box.addWidget(label(caption, "ReviewLabel"))
                box.addWidget(label(value or tr("review.empty"), "ReviewValue"))
                self._list.addWidget(row)
        self._list.addStretch(1)

    def retranslate(self) -> None:
        super().retranslate()
        self.hint.setText(tr("review.hint"))
        self.edit_button.setText("‹ " + tr("review.edit"))
        self.next_button.setText(tr("review.next") + "  ➜")

    def reset(self) -> None:
        clear_layout(self._list)
