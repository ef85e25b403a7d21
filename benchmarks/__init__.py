"""Measured figures: ``python -m benchmarks NAME`` prints one JSON object per line."""

from __future__ import annotations

import json
import statistics
import sys


def emit(bench: str, metric: str, value: float, unit: str, **extra: object) -> None:
    """Print one figure as a JSON line, flushed at once so a long run shows progress."""
    line = {"bench": bench, "metric": metric, "value": round(value, 4), "unit": unit}
    line.update(extra)
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def percentile(samples: list[float], pct: float) -> float:
    """The pct-th percentile (0-100) by the inclusive method."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(pct) - 1]
