from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.bootstrap import open_store
from kiosk.usecases import KioskContext
from tests.fakes import FakeCatalogue, SteppingClock


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def store(tmp_path: Path):
    store = open_store(tmp_path / "kiosk.db", tmp_path / "backups")
    yield store
    store.engine.dispose()


@pytest.fixture
def ctx(store, clock) -> KioskContext:
    return KioskContext(
        uow=store.uow,
        catalogue=FakeCatalogue(),
        kiosk_id="k1",
        outpost="rogojampi",
        clock=clock,
        monotonic=clock.monotonic,
    )
