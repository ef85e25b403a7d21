"""The backoff stays a number however many times a record is put off."""

from __future__ import annotations

import random

from sync.backoff import Backoff


def test_two_thousand_deferrals_wait_no_longer_than_the_ceiling():
    backoff = Backoff(base_s=5.0, ceiling_s=900.0, rng=random.Random(7))

    waits = [backoff.delay(attempt) for attempt in range(1, 2001)]

    assert all(0 <= wait <= 900.0 for wait in waits)
    assert backoff.cap(2000) == 900.0
    assert backoff.delay(2000, retry_after=10**400) == 900.0  # an absurd Retry-After, capped


def test_the_cap_still_doubles_until_the_ceiling():
    backoff = Backoff(base_s=0.5, ceiling_s=60.0)
    assert [backoff.cap(n) for n in (1, 2, 3, 8, 9, 10_000)] == [0.5, 1.0, 2.0, 60.0, 60.0, 60.0]


class _LowestDraw(random.Random):
    """A draw of 0 from full jitter: rare (about 1 in 100 under 50 ms here), never impossible."""

    def uniform(self, a: float, b: float) -> float:
        return a


def test_a_record_left_for_later_waits_at_least_the_floor():
    from kiosk.usecases.outbox import KioskOutbox

    backoff = KioskOutbox.__dataclass_fields__["retry_backoff"].default_factory()
    backoff.rng = _LowestDraw()
    assert backoff.delay(1) == 5.0  # never due again a millisecond later
    assert Backoff(rng=_LowestDraw()).delay(1) == 0.0  # the client's own quick retries may
