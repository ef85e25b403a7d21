"""Exponential backoff with full jitter and a ceiling (AWS architecture blog's "Full Jitter")."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

MAX_DOUBLINGS = 64
"""2**64 times the base passes any ceiling a kiosk uses; more doublings only risk overflow."""


@dataclass
class Backoff:
    base_s: float = 0.5
    ceiling_s: float = 60.0
    floor_s: float = 0.0
    """The shortest wait: full jitter can draw ~0, and a record "left for later" that is due
    again a millisecond later is not left for later at all."""
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def cap(self, attempt: int) -> float:
        """The upper bound of the wait before retry number ``attempt`` (1-based).

        The doubling stops long after it passes the ceiling: a record put off 1,025 times
        would otherwise need 2**1024, more than a float holds (OverflowError).
        """
        doublings = min(max(0, attempt - 1), MAX_DOUBLINGS)
        return min(self.ceiling_s, self.base_s * 2.0**doublings)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """A random wait in [0, cap]; never shorter than the server's Retry-After (capped)."""
        wait = max(self.floor_s, self.rng.uniform(0, self.cap(attempt)))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.ceiling_s))
        return wait
