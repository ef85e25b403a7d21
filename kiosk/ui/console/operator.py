"""The operator console: today's queue per counter and service, and the counter's actions.

Every action runs through ``run_task``; the buttons stay disabled until it has finished and
the status line says what happened. No rule lives here: the use cases decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.console.counter_actions import CounterActions
from kiosk.ui.console.ticket_list import TicketList
from kiosk.ui.console.widgets import (
    StatusLine,
    WholeWordsPanel,
    WrappingButton,
    fit_orientation,
    heading,
    scrolling_body,
    touch_button,
    wib_time,
)
from kiosk.ui.i18n import current_language, pick, tr
from kiosk.ui.tasks import run_task
from kiosk.ui.widgets.overlay import Overlay
from kiosk.usecases import (
    Operator,
    TicketView,
    TodayQueue,
    action_allowed,
    today_queue,
)
from kiosk.usecases.queue import NO_SHOW_UNDO_S

if TYPE_CHECKING:
    from forms import Service
    from kiosk.bootstrap import KioskApp

REFRESH_MS = 5000
VOID_CONFIRM_MS = 6000
NARROW_BELOW = 1600
"""Below this width a landscape console gives the counters less room (1366 x 768)."""
TALL_FROM = 900
"""From this height walk-in tickets and the report fit under the actions."""


class ActionsColumn(QWidget):
    """The counter's actions, and walk-in tickets and the report under them on a tall screen.

    Its minimum size is that of the actions alone: were walk-in and report counted, a
    console once tall would refuse to shrink to 1366 x 768, where they move to the counters'
    column instead (``OperatorConsole._place_extras``).
    """

    def __init__(self, core: QWidget) -> None:
        super().__init__()
        self.core = core
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(core)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.core.minimumSizeHint()


class OperatorConsole(QWidget):
    """Emits ``admin_requested`` from the Admin button and ``exit_requested`` from Keluar."""

    admin_requested = Signal()
    exit_requested = Signal()
    language_toggled = Signal()
    callout_requested = Signal()
    called = Signal(str, str, bool)  # number, counter, is_recall
    queue_shown = Signal(object)  # the TodayQueue just shown

    def __init__(self, app: KioskApp, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OperatorConsole")
        self._app = app
        self.operator: Operator | None = None
        self.queue: TodayQueue | None = None
        self.counter: str | None = None
        self.service_code: str | None = None
        self.selected: TicketView | None = None
        self.busy = False
        self._refreshing = False
        self._void_armed: str | None = None
        self.counter_actions = CounterActions(self, app)
        self._services = list(app.catalogue.services)
        self._counters = app.catalogue.counters()
        self._undo_ticket: TicketView | None = None

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        outer.setSpacing(12)
        outer.addLayout(self._build_header())
        # Only the choice of counter and service scrolls: the queue and "Panggil berikutnya"
        # stay on screen at every size, 1366 x 768 included, and so does the status line.
        self.columns = QHBoxLayout()
        self.columns.setSpacing(24)
        self.selection_scroll = scrolling_body(self._build_selection())
        # The ticket list and its actions stay side by side, also on a portrait screen.
        work = QWidget()
        work_row = QHBoxLayout(work)
        work_row.setContentsMargins(0, 0, 0, 0)
        work_row.setSpacing(24)
        work_row.addWidget(self._build_tickets(), 1)
        work_row.addWidget(self._build_actions(), 1)
        self.columns.addWidget(self.selection_scroll, 4)
        self.columns.addWidget(work, 6)
        self._place_extras(under_actions=False)
        outer.addLayout(self.columns, 1)
        outer.addLayout(self._build_status())

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self._void_timer = QTimer(self)
        self._void_timer.setSingleShot(True)
        self._void_timer.timeout.connect(self._disarm_void)
        self._undo_timer = QTimer(self)
        self._undo_timer.setInterval(1000)
        self._undo_timer.timeout.connect(self._tick_undo)
        self._undo_left = 0
        if self._counters:
            self.select_counter(self._counters[0])
        self.overlay = Overlay(self)
        self._on_yes: Callable[[], None] | None = None
        self.overlay.answered.connect(self._answered)
        self.retranslate()

    # --- building -------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        titles = QVBoxLayout()
        self.title = heading(level=1)
        self.who = QLabel()
        self.who.setObjectName("StaffWho")
        self.who.setWordWrap(True)
        titles.addWidget(self.title)
        titles.addWidget(self.who)
        row.addLayout(titles, 1)
        self.language_button = touch_button(role="secondary")
        self.language_button.clicked.connect(self.language_toggled)
        self.admin_button = touch_button(role="secondary", object_name="StaffAdminButton")
        self.admin_button.clicked.connect(self.admin_requested)
        self.admin_button.setVisible(False)
        self.exit_button = touch_button(role="danger", object_name="StaffExit")
        self.exit_button.clicked.connect(self.exit_requested)
        for button in (self.language_button, self.admin_button, self.exit_button):
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def _build_selection(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.counters_title = heading()
        layout.addWidget(self.counters_title)
        self.counter_grid = QGridLayout()
        self.counter_grid.setSpacing(8)
        self.counter_group = QButtonGroup(self)
        self.counter_group.setExclusive(True)
        self.counter_buttons: dict[str, Any] = {}
        self._counters_per_row = 0
        for counter in self._counters:
            button = touch_button(role="choice", checkable=True)
            button.setProperty("tall", True)
            button.clicked.connect(lambda _=False, c=counter: self.select_counter(c))
            self.counter_group.addButton(button)
            self.counter_buttons[counter] = button
        self._arrange_counters(3)
        layout.addLayout(self.counter_grid)
        self.services_title = heading()
        layout.addWidget(self.services_title)
        self.service_buttons: dict[str, Any] = {}
        for service in self._services:
            button = WrappingButton(role="choice")
            button.setCheckable(True)
            button.setProperty("card", True)
            button.clicked.connect(lambda _=False, s=service.code: self.select_service(s))
            self.service_buttons[service.code] = button
            layout.addWidget(button)
        layout.addStretch(1)
        self._selection_layout = layout
        return panel

    def _build_extras(self) -> QWidget:
        """Walk-in tickets and the day's report: under the actions where the screen is tall
        enough, else after the services (see ``_place_extras``)."""
        self.extras = QWidget()
        layout = QVBoxLayout(self.extras)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.walk_in_title = heading()
        layout.addWidget(self.walk_in_title)
        self.walk_in_button = WrappingButton(role="primary", object_name="StaffWalkIn")
        self.walk_in_button.clicked.connect(self.counter_actions.print_walk_in)
        layout.addWidget(self.walk_in_button)
        self.report_title = heading()
        layout.addWidget(self.report_title)
        report_row = QHBoxLayout()
        self.report_print_button = touch_button()
        self.report_print_button.clicked.connect(self.counter_actions.print_report)
        self.report_save_button = touch_button()
        self.report_save_button.clicked.connect(self.counter_actions.save_report)
        report_row.addWidget(self.report_print_button)
        report_row.addWidget(self.report_save_button)
        layout.addLayout(report_row)
        return self.extras

    def _place_extras(self, under_actions: bool) -> None:
        target = self._actions_layout if under_actions else self._selection_layout
        if target.indexOf(self.extras) >= 0:
            return
        other = self._selection_layout if under_actions else self._actions_layout
        other.removeWidget(self.extras)
        target.insertWidget(target.count() - 1, self.extras)  # before the closing stretch

    def _arrange_counters(self, per_row: int) -> None:
        if per_row == self._counters_per_row:
            return
        self._counters_per_row = per_row
        for index, button in enumerate(self.counter_buttons.values()):
            self.counter_grid.removeWidget(button)
            self.counter_grid.addWidget(button, index // per_row, index % per_row)

    def _build_tickets(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.tickets_title = heading()
        layout.addWidget(self.tickets_title)
        self.tickets = TicketList()
        self.tickets.setMinimumHeight(2 * TicketList.MIN_ROW)
        self.tickets.currentItemChanged.connect(self._ticket_chosen)
        layout.addWidget(self.tickets, 1)
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setObjectName("StaffHint")
        layout.addWidget(self.empty_label)
        return panel

    def _build_actions(self) -> QWidget:
        core = WholeWordsPanel()  # never cut "Selesai dilayani": the queue gives way
        layout = QVBoxLayout(core)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        self.actions_title = heading()
        layout.addWidget(self.actions_title)
        self.call_next_button = touch_button(role="primary", object_name="StaffCallNext")
        self.call_next_button.setProperty("tall", True)
        self.call_next_button.clicked.connect(self.counter_actions.call_next)
        layout.addWidget(self.call_next_button)
        grid = QGridLayout()
        grid.setSpacing(10)
        self.recall_button = touch_button()
        self.recall_button.clicked.connect(self.counter_actions.recall)
        self.served_button = touch_button(role="success")
        self.served_button.clicked.connect(self.counter_actions.mark_served)
        self.no_show_button = touch_button()
        self.no_show_button.clicked.connect(self.counter_actions.mark_no_show)
        self.void_button = touch_button(role="danger")
        self.void_button.clicked.connect(self.void)
        self.reprint_button = touch_button()
        self.reprint_button.clicked.connect(self.counter_actions.reprint)
        self.callout_button = touch_button()
        self.callout_button.clicked.connect(self.callout_requested)
        buttons = (
            self.recall_button,
            self.served_button,
            self.no_show_button,
            self.void_button,
            self.reprint_button,
            self.callout_button,
        )
        for index, button in enumerate(buttons):
            grid.addWidget(button, index // 2, index % 2)
        layout.addLayout(grid)
        column = ActionsColumn(core)
        self._actions_layout = column.layout()
        self._actions_layout.addWidget(self._build_extras())
        self._actions_layout.addStretch(1)
        return column

    def _build_status(self) -> QHBoxLayout:
        """The status line, and beside it "Batalkan" for a few seconds after "Tidak hadir"."""
        row = QHBoxLayout()
        row.setSpacing(12)
        self.status = StatusLine()
        row.addWidget(self.status, 1)
        self.undo_button = touch_button(role="primary", object_name="StaffUndo")
        self.undo_button.clicked.connect(self.undo_no_show)
        self.undo_button.setVisible(False)
        row.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignVCenter)
        return row

    # --- language and layout --------------------------------------------------------------

    def retranslate(self) -> None:
        self.title.setText(tr("staff.console.title", outpost=self._app.settings.outpost_name))
        self._show_operator()
        other = "en" if current_language() == "id" else "id"
        self.language_button.setText(tr(f"staff.language.{other}"))
        self.admin_button.setText(tr("staff.console.admin"))
        self.exit_button.setText(tr("staff.exit"))
        self.counters_title.setText(tr("staff.console.counters"))
        self.actions_title.setText(tr("staff.console.actions"))
        self.call_next_button.setText(tr("staff.action.call_next"))
        self.recall_button.setText(tr("staff.action.recall"))
        self.served_button.setText(tr("staff.action.served"))
        self.no_show_button.setText(tr("staff.action.no_show"))
        self.reprint_button.setText(tr("staff.action.reprint"))
        self.callout_button.setText(tr("staff.action.callout"))
        self.walk_in_title.setText(tr("staff.console.walk_in"))
        self.report_title.setText(tr("staff.console.report"))
        self.report_print_button.setText(tr("staff.action.report_print"))
        self.report_save_button.setText(tr("staff.action.report_save"))
        self._disarm_void()
        self._show_undo()
        self._show_queue()
        self.status.retranslate()

    def _show_operator(self) -> None:
        if self.operator is None:
            self.who.setText("")
            return
        self.who.setText(
            tr(
                "staff.console.signed_in",
                name=self.operator.name,
                role=tr(f"staff.role.{self.operator.role}"),
            )
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        """Landscape: counters | queue | actions, the counters two abreast below 1600 px
        (1366 x 768), where the actions need the room. Portrait: the counters above the queue
        and its actions."""
        width, height = event.size().width(), event.size().height()
        fit_orientation(self.columns, width, height)
        portrait, narrow = width < height, width < NARROW_BELOW
        self.columns.setStretch(0, 55 if portrait else 36 if narrow else 40)
        self.columns.setStretch(1, 45 if portrait else 64 if narrow else 60)
        self._arrange_counters(2 if narrow and not portrait else 3)
        self._place_extras(under_actions=height >= TALL_FROM)
        super().resizeEvent(event)

    # --- session --------------------------------------------------------------------------

    def start(self, operator: Operator) -> None:
        self.operator = operator
        self.admin_button.setVisible(operator.role == "admin")
        self._show_operator()
        self.status.clear_message()
        self.refresh()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
        self.operator = None
        self.admin_button.setVisible(False)
        self.selected = None
        self._disarm_void()
        self.offer_undo(None)
        self._on_yes = None
        self.overlay.hide()

    @property
    def operator_id(self) -> str | None:
        return self.operator.id if self.operator else None

    # --- voiding: two taps ----------------------------------------------------------------

    def void(self) -> None:
        """Two taps: the first arms the button for a few seconds, the second voids."""
        if self.selected is None:
            return
        if self._void_armed != self.selected.ticket_id:
            self._void_armed = self.selected.ticket_id
            self.void_button.setText(tr("staff.action.void_confirm", number=self.selected.number))
            self._void_timer.start(VOID_CONFIRM_MS)
            return
        self._disarm_void()
        self.counter_actions.void()

    def _disarm_void(self) -> None:
        self._void_armed = None
        self._void_timer.stop()
        self.void_button.setText(tr("staff.action.void"))

    # --- questions ----------------------------------------------------------------------------

    def confirm(self, question: str, yes: str, no: str, on_yes: Callable[[], None]) -> None:
        """The console's yes/no card (the kiosk's Overlay); ``on_yes`` on the first answer."""
        self._on_yes = on_yes
        self.overlay.ask(question, yes, no)

    def _answered(self, yes: bool) -> None:
        on_yes, self._on_yes = self._on_yes, None
        if yes and on_yes is not None:
            on_yes()

    # --- undoing a no-show ----------------------------------------------------------------

    def offer_undo(self, ticket: TicketView | None) -> None:
        """Show "Batalkan" for ``NO_SHOW_UNDO_S`` seconds after ``ticket`` was marked no-show;
        None takes the offer away."""
        self._undo_ticket = ticket
        self._undo_left = NO_SHOW_UNDO_S if ticket is not None else 0
        if ticket is None:
            self._undo_timer.stop()
        else:
            self._undo_timer.start()
        self._show_undo()

    def _tick_undo(self) -> None:
        self._undo_left -= 1
        if self._undo_left <= 0:
            self.offer_undo(None)
        else:
            self._show_undo()

    def _show_undo(self) -> None:
        self.undo_button.setVisible(self._undo_ticket is not None)
        self.undo_button.setText(tr("staff.action.undo", seconds=self._undo_left))

    def undo_no_show(self) -> None:
        ticket = self._undo_ticket
        self.offer_undo(None)
        if ticket is not None:
            self.counter_actions.undo_no_show(ticket)

    # --- selection ------------------------------------------------------------------------

    def select_counter(self, counter: str) -> None:
        self.counter = counter
        self.counter_buttons[counter].setChecked(True)
        if self.service_code and self._service(self.service_code).counter != counter:
            self.service_code = None
        self._show_queue()

    def select_service(self, code: str) -> None:
        if self.service_code == code:
            self.service_code = None  # a second tap clears the filter
        else:
            self.service_code = code
            self.counter = self._service(code).counter
            self.counter_buttons[self.counter].setChecked(True)
        self._show_queue()

    def _service(self, code: str) -> Service:
        return self._app.catalogue.service(code)

    def _service_name(self, code: str) -> str:
        try:
            return pick(self._service(code).name)
        except KeyError:
            return code

    def _ticket_chosen(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        self.selected = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        self._disarm_void()
        self._update_buttons()

    def select_ticket(self, ticket_id: str) -> bool:
        for row in range(self.tickets.count()):
            item = self.tickets.item(row)
            if item.data(Qt.ItemDataRole.UserRole).ticket_id == ticket_id:
                self.tickets.setCurrentItem(item)
                return True
        return False

    # --- showing the queue ----------------------------------------------------------------

    def show_queue(self, queue: TodayQueue) -> None:
        self.queue = queue
        self._show_queue()
        self.queue_shown.emit(queue)

    def _counter_tickets(self) -> tuple[list[TicketView], list[TicketView]]:
        called: list[TicketView] = []
        waiting: list[TicketView] = []
        if self.queue is None:
            return called, waiting
        for code, sq in self.queue.services.items():
            if self.service_code and code != self.service_code:
                continue
            called += [t for t in sq.called if t.counter == self.counter]
            waiting += [t for t in sq.waiting if t.counter == self.counter]
        called.sort(key=lambda t: t.called_at or t.issued_at, reverse=True)
        waiting.sort(key=lambda t: t.issued_at)
        return called, waiting

    def _show_queue(self) -> None:
        services = self.queue.services if self.queue else {}
        for counter, button in self.counter_buttons.items():
            count = sum(1 for sq in services.values() for t in sq.waiting if t.counter == counter)
            button.setText(tr("staff.console.counter_button", counter=counter, waiting=count))
        for service in self._services:
            button = self.service_buttons[service.code]
            button.setVisible(service.counter == self.counter)
            button.setChecked(service.code == self.service_code)
            sq = services.get(service.code)
            button.set_words(
                tr(
                    "staff.console.service_card",
                    letter=service.queue_letter,
                    name=pick(service.name),
                    waiting=len(sq.waiting) if sq else 0,
                    minutes=sq.estimated_wait_minutes if sq else 0,
                )
            )
        self.services_title.setText(tr("staff.console.services", counter=self.counter or "–"))
        title_key = (
            "staff.console.tickets_service" if self.service_code else "staff.console.tickets"
        )
        self.tickets_title.setText(
            tr(
                title_key,
                counter=self.counter or "–",
                service=self._service_name(self.service_code or ""),
            )
        )
        keep = self.selected.ticket_id if self.selected else None
        called, waiting = self._counter_tickets()
        self.tickets.blockSignals(True)
        self.tickets.clear()
        self.selected = None
        for ticket in called + waiting:
            item = QListWidgetItem(self._ticket_text(ticket))
            item.setData(Qt.ItemDataRole.UserRole, ticket)
            self.tickets.addItem(item)
            if ticket.ticket_id == keep:
                self.tickets.setCurrentItem(item)
                self.selected = ticket
        self.tickets.fit_rows()
        self.tickets.blockSignals(False)
        if self.queue is None:
            self.empty_label.setText(tr("staff.console.loading"))
        elif not called and not waiting:
            self.empty_label.setText(tr("staff.console.nobody"))
        else:
            self.empty_label.setText(tr("staff.console.hint_select"))
        self._update_buttons()

    def _ticket_text(self, ticket: TicketView) -> str:
        status = tr(f"staff.status.{ticket.status}")
        moment = ticket.called_at if ticket.status == "called" else ticket.issued_at
        extra = (
            tr("staff.console.reprinted", count=ticket.print_count - 1)
            if (ticket.print_count > 1)
            else ""
        )
        return (
            tr(
                "staff.console.ticket_row",
                number=ticket.number,
                status=status,
                time=wib_time(moment),
                service=self._service_name(ticket.service_code),
            )
            + extra
        )

    def _update_buttons(self) -> None:
        idle = not self.busy and self.operator is not None
        status = self.selected.status if self.selected else None
        self.call_next_button.setEnabled(idle and self.counter is not None)
        self.recall_button.setEnabled(idle and action_allowed("recall", status))
        self.served_button.setEnabled(idle and action_allowed("served", status))
        self.no_show_button.setEnabled(idle and action_allowed("no_show", status))
        self.void_button.setEnabled(idle and action_allowed("void", status))
        self.reprint_button.setEnabled(idle and self.selected is not None)
        self.walk_in_button.setEnabled(idle and self.service_code is not None)
        self.walk_in_button.set_words(
            tr("staff.action.walk_in", service=self._service_name(self.service_code))
            if self.service_code
            else tr("staff.action.walk_in_choose")
        )
        self.report_print_button.setEnabled(idle)
        self.report_save_button.setEnabled(idle)
        self.tickets.setEnabled(not self.busy)
        self.undo_button.setEnabled(idle)

    # --- background work -----------------------------------------------------------------

    def refresh(self) -> None:
        if self._refreshing:
            return
        self._refreshing = True
        ctx = self._app.context

        def done(queue: object, error: BaseException | None) -> None:
            if not shiboken6.isValid(self):
                return  # the staff area closed while the queue was read
            self._refreshing = False
            if error is None:
                self.show_queue(queue)  # type: ignore[arg-type]

        run_task(lambda: today_queue(ctx), done, kind="io")

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        if busy:
            self.status.show_message("staff.status_line.working", "info")
        self._update_buttons()

    def run(
        self, work: Callable[[], Any], done: Callable[[Any], None], *, kind: str = "db"
    ) -> None:
        """Run ``work`` off the GUI thread; ``done(result)`` on success, else show the error."""
        self.set_busy(True)

        def finished(result: object, error: BaseException | None) -> None:
            self.set_busy(False)
            if error is not None:
                self.status.show_error(error)
            else:
                done(result)
            self.refresh()

        run_task(work, finished, kind=kind)
