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


def scratch_postgres_database(base_url: str, prefix: str):  # noqa: ANN201 - (url, drop)
    """A new, empty PostgreSQL database beside ``base_url``'s, for one run: its URL and a
    ``drop()`` that removes it (even with connections still open) and disposes the admin
    engine."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base_url).set(database=name).render_as_string(hide_password=False), drop
