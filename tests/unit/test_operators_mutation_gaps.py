"""Operator PINs as the audit log and the admin see them: each test a mutant the other
operator tests let through."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kiosk.store.models import AuditEntry
from kiosk.usecases import PinRejected, WeakPin, add_operator, unlock_console


def audit(ctx, action: str) -> list[tuple[str | None, dict]]:  # noqa: ANN001
    with ctx.uow(read_only=True) as uow:
        rows = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [(row.actor_id, row.detail) for row in rows]


@pytest.mark.parametrize("pin", ["987654", "543210", "123456", "777777"])
def test_a_pin_anyone_would_guess_is_refused(ctx, pin: str):
    with pytest.raises(WeakPin):
        add_operator(ctx, "Bu Sri", "operator", pin)


def test_each_wrong_pin_is_audited_with_its_attempt_number(ctx):
    add_operator(ctx, "Bu Sri", "operator", "482913")

    for _ in range(2):
        with pytest.raises(PinRejected):
            unlock_console(ctx, "000001")

    rejected = audit(ctx, "pin_rejected")
    assert {actor for actor, _ in rejected} == {None}  # nobody is known by a wrong PIN
    assert sorted(detail["attempt"] for _, detail in rejected) == [1, 2]


def test_an_unlock_is_audited_under_the_operator_who_unlocked(ctx):
    operator = add_operator(ctx, "Bu Sri", "operator", "482913")

    unlock_console(ctx, "482913")

    assert [actor for actor, _ in audit(ctx, "console_unlocked")] == [operator.id]
