"""Python's cycle collector, run on the GUI thread only.

CPython runs a cyclic collection on whichever thread happens to allocate when a generation's
threshold is crossed: the database writer, a printing thread or the sync worker. If that
collection frees a Qt object caught in a reference cycle (a closed screen, a lambda connected to
its own widget's signal), the C++ destructor runs on that thread while the GUI thread may be
using Qt, and the process dies with SIGSEGV ("Garbage-collecting" in a worker thread's
traceback; seen in the suite in ``unlock_console`` on the writer thread). So automatic
collection is switched off and a timer on the GUI thread collects instead, generation by
generation, by the same thresholds Python would use — what pyqtgraph, Spyder and Anki do for
the same reason. Objects freed by plain reference counting are unaffected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer

CHECK_INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int:
        """Collect the oldest generation whose count is past its threshold; 0 if none is."""
        counts = gc.get_count()
        generation = -1
        for index, (count, threshold) in enumerate(zip(counts, self._thresholds, strict=True)):
            if count > threshold:
                generation = index
            else:
                break
        return gc.collect(generation) if generation >= 0 else 0


def collect_on_gui_thread(qapp: QCoreApplication) -> GuiThreadCollector:
    """Install the collector once per application (idempotent); it lives as the app's child."""
    existing = qapp.findChild(GuiThreadCollector)
    return existing if existing is not None else GuiThreadCollector(qapp)
