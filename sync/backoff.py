"""Exponential backoff with full jitter and a ceiling (AWS architecture blog's "Full Jitter")."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    base_s: float = 0.5
    ceiling_s: float = 60.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def cap(self, attempt: int) -> float:
        """The upper bound of the wait before retry number ``attempt`` (1-based)."""
        return min(self.ceiling_s, self.base_s * (2 ** max(0, attempt - 1)))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """A random wait in [0, cap]; never shorter than the server's Retry-After (capped)."""
        wait = self.rng.uniform(0, self.cap(attempt))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.ceiling_s))
        return wait
