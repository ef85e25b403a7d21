"""The call-out view for the waiting room: the latest call very large, and below it every
counter with the number it called last, the latest highlighted, readable across a hall.

A top-level window of its own: with a second display it goes fullscreen there, otherwise it
opens as a window the operator can drag to a TV. Each call is announced in its turn, twice,
from the recorded clips: chime, "Nomor antrean B tujuh belas, silakan menuju loket dua"
(``kiosk.voice``; played by ``sound.CallPlayer``, one call after another, never cut off).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from kiosk.ui.console.sound import CallPlayer
from kiosk.ui.i18n import tr

MARGIN = 48
GAP = 16
NUMBER_EMS = 3.8
"""How many font heights "A-017" is wide in bold: a tile's number is sized to fit it."""


@dataclass(frozen=True)
class Call:
    number: str
    counter: str


class CounterTile(QFrame):
    """One counter in the hall: its name and the number it called last."""

    def __init__(self, counter: str) -> None:
        super().__init__()
        self.counter = counter
        self.setObjectName("CallOutTile")
        self.setProperty("latest", False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(0)
        self.name = QLabel()
        self.name.setObjectName("CallOutTileName")
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number = QLabel("—")
        self.number.setObjectName("CallOutTileNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.name)
        layout.addWidget(self.number, 1)

    def show_call(self, number: str | None, *, latest: bool) -> None:
        self.number.setText(number or "—")
        if self.property("latest") != latest:
            self.setProperty("latest", latest)
            for widget in (self, self.name, self.number):  # the colours follow [latest]
                widget.style().unpolish(widget)
                widget.style().polish(widget)


class CallOutView(QWidget):
    """Shows and announces calls; ``announce`` is the one entry point."""

    def __init__(
        self,
        counters: Iterable[str] = (),
        *,
        player: CallPlayer | None = None,
        clips_dir: Path | None = None,
    ) -> None:
        """``clips_dir``: the outpost's own clips (``[lan] voice_dir``), else the shipped set;
        used when no ``player`` is given."""
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("CallOutView")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.player = player or CallPlayer(self, clips_dir=clips_dir)
        self.current: Call | None = None
        self.latest: dict[str, str] = {}
        """Each counter's last called number."""
        self.tiles: dict[str, CounterTile] = {}

        layout = QVBoxLayout(self)
        layout.setContentsMargins(MARGIN, MARGIN // 2, MARGIN, MARGIN // 2)
        layout.setSpacing(GAP // 2)
        self.caption = QLabel()
        self.caption.setObjectName("CallOutCaption")
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)
        self.number = QLabel("—")
        self.number.setObjectName("CallOutNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.number, 3)
        self.counter = QLabel()
        self.counter.setObjectName("CallOutCounter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter.setWordWrap(True)
        layout.addWidget(self.counter, 1)
        self.grid = QGridLayout()
        self.grid.setSpacing(GAP)
        layout.addLayout(self.grid, 4)
        self._per_row = 0
        self.set_counters(counters)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(tr("staff.callout.window_title"))
        self.caption.setText(tr("staff.callout.caption"))
        for tile in self.tiles.values():
            tile.name.setText(tr("staff.callout.tile", counter=tile.counter))
        self._show()

    def set_counters(self, counters: Iterable[str]) -> None:
        """A tile for each counter of the outpost, in this order (a counter called that is not
        among them gets a tile at the end)."""
        for counter in counters:
            self._tile(counter)
        self._arrange(self.width(), self.height())

    def _tile(self, counter: str) -> CounterTile:
        tile = self.tiles.get(counter)
        if tile is None:
            tile = CounterTile(counter)
            tile.name.setText(tr("staff.callout.tile", counter=counter))
            self.tiles[counter] = tile
            self._per_row = 0  # lay the tiles out again
        return tile

    def fill_in(self, calls: Iterable[Call]) -> None:
        """Numbers the kiosk called before this view knew of them (e.g. before a restart),
        for counters it has no number for yet; given oldest first, the newest of them is the
        latest call if the view has none."""
        added = [call for call in calls if call.counter not in self.latest]
        if not added:
            return
        for call in added:
            self.latest[call.counter] = call.number
            self._tile(call.counter)
        self.current = self.current or added[-1]
        self._arrange(self.width(), self.height())
        self._show()

    def show_call(self, number: str, counter: str) -> None:
        """Show ``number`` as the latest call and as its counter's current number."""
        self.current = Call(number, counter)
        self.latest[counter] = number
        if counter not in self.tiles:
            self._tile(counter)
            self._arrange(self.width(), self.height())
        self._show()

    def announce(self, number: str, counter: str, *, recall: bool = False) -> None:
        """Show the call and queue its announcement (in Bahasa Indonesia, for residents): it
        is spoken when the calls before it have been. A recall shows its number again as the
        latest call and is announced again too."""
        self.show_call(number, counter)
        self.player.announce(number, counter)

    def _show(self) -> None:
        if self.current is None:
            self.number.setText("—")
            self.counter.setText(tr("staff.callout.waiting"))
        else:
            self.number.setText(self.current.number)
            self.counter.setText(tr("staff.callout.counter", counter=self.current.counter))
        latest = self.current.counter if self.current is not None else None
        for counter, tile in self.tiles.items():
            tile.show_call(self.latest.get(counter), latest=counter == latest)

    def present(self) -> None:
        """Fullscreen on the second display when there is one, else a normal window."""
        screens = QGuiApplication.screens()
        if len(screens) > 1:
            target = screens[1]
            self.setScreen(target)
            self.setGeometry(target.geometry())
            self.showFullScreen()
        else:
            if not self.isVisible():
                self.resize(960, 600)
            self.showNormal()
        self.raise_()

    @staticmethod
    def has_second_screen() -> bool:
        return len(QGuiApplication.screens()) > 1

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._scale_text(event.size().width(), event.size().height())
        super().resizeEvent(event)

    def _scale_text(self, width: int, height: int) -> None:
        """Sizes follow the window, so a 1366 × 768 TV or a portrait screen shows it whole."""
        number = max(48, round(min(0.16 * height, 0.2 * width)))
        line = min(number // 3, round((width - 2 * MARGIN) / 15))  # "Silakan menuju LOKET 12"
        sizes = {self.number: number, self.counter: line, self.caption: number // 5}
        for label, pixels in sizes.items():
            label.setStyleSheet(f"font-size: {max(24, pixels)}px;")
        self._arrange(width, height)

    def _arrange(self, width: int, height: int) -> None:
        """The tiles in as many columns as gives their numbers the largest type: 4 × 3 for
        12 counters on a landscape screen, 2 × 6 on a portrait one."""
        count = len(self.tiles)
        if not count:
            return
        width, height = max(width, 640), max(height, 480)  # not shown yet: any fair guess
        banner = 1.8 * max(48, min(0.16 * height, 0.2 * width))
        room_w = width - 2 * MARGIN
        room_h = height - MARGIN - banner - 2 * GAP

        def number_px(columns: int) -> float:
            rows = math.ceil(count / columns)
            tile_w = (room_w - GAP * (columns - 1)) / columns
            tile_h = (room_h - GAP * (rows - 1)) / rows
            return min(tile_w / NUMBER_EMS, tile_h * 0.5)

        per_row = max(range(1, count + 1), key=number_px)
        pixels = max(24, round(number_px(per_row)))
        for tile in self.tiles.values():
            tile.number.setStyleSheet(f"font-size: {pixels}px;")
            tile.name.setStyleSheet(f"font-size: {max(24, round(pixels * 0.4))}px;")
        if per_row == self._per_row:
            return
        self._per_row = per_row
        for index, tile in enumerate(self.tiles.values()):
            self.grid.removeWidget(tile)
            self.grid.addWidget(tile, index // per_row, index % per_row)


_shared: CallOutView | None = None


def shared_callout(counters: Iterable[str] = (), clips_dir: Path | None = None) -> CallOutView:
    """The one call-out view of the app: it outlives each staff session, so the waiting room
    keeps seeing the last call on a second display after the operator taps Keluar.
    ``clips_dir`` (the outpost's own clips) counts when the view is made."""
    global _shared
    if _shared is None or not shiboken6.isValid(_shared):
        _shared = CallOutView(counters, clips_dir=clips_dir)
    else:
        _shared.set_counters(counters)
    return _shared
