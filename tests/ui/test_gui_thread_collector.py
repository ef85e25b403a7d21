"""Cyclic garbage holding Qt objects is freed on the GUI thread, never on a worker thread.

A collection that frees a QObject on a worker thread runs its C++ destructor there; that was
the suite's rare SIGSEGV ("Garbage-collecting" on the database writer thread).
"""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from kiosk.ui.app import ensure_qapp
from kiosk.ui.collector import GuiThreadCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector can free it
        self.qt = QObject()


def test_a_cycle_holding_a_qt_object_is_freed_on_the_gui_thread(qtbot) -> None:
    ensure_qapp()
    assert not gc.isenabled()
    freed_on: list[str] = []
    node = _Node()
    weakref.finalize(node, lambda: freed_on.append(threading.current_thread().name))
    del node

    def allocate_a_lot() -> None:  # far past generation 0's threshold
        junk = [[i] for i in range(200_000)]
        for item in junk:
            item.append(item)  # cycles, to push the collector's counts

    worker = threading.Thread(target=allocate_a_lot, name="worker")
    worker.start()
    worker.join()
    assert freed_on == []  # the worker never collected
    qtbot.waitUntil(lambda: bool(freed_on) or gc.get_count()[0] == 0, timeout=3000)
    gc.collect()  # the full collection an idle kiosk would reach on its timer
    assert freed_on == [threading.main_thread().name]


def test_check_collects_only_past_a_threshold(qtbot) -> None:
    collector = GuiThreadCollector(ensure_qapp(), interval_ms=60_000)
    gc.collect()
    assert collector.check() == 0  # nothing past any threshold
    for _ in range(gc.get_threshold()[0] + 10):
        cycle: list = []
        cycle.append(cycle)
    assert collector.check() > 0
