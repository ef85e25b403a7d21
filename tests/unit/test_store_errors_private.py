"""A database error names the statement, never the values: they may be personal."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from kiosk.store.models import KioskState


def test_a_failed_statement_does_not_carry_its_values_into_logs(store):
    with store.uow() as uow:
        uow.session.add(KioskState(key="note", value="Wiryawan Kusumadinata"))
        uow.commit()

    with pytest.raises(IntegrityError) as failed, store.uow() as uow:
        uow.session.add(KioskState(key="note", value="Sulastri Handayaningrum"))
        uow.commit()

    assert "Sulastri" not in str(failed.value)
    assert "INSERT INTO kiosk_state" in str(failed.value)  # what failed is still said
