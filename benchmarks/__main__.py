"""Run one benchmark: ``python -m benchmarks NAME [args]``.

Each NAME is a module ``benchmarks/<name>.py`` with a ``main(argv: list[str]) -> None``.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import benchmarks


def _names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(benchmarks.__path__) if m.name != "__main__")


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in _names():
        sys.stderr.write(f"usage: python -m benchmarks NAME\nnames: {', '.join(_names())}\n")
        raise SystemExit(2)
    module = importlib.import_module(f"benchmarks.{sys.argv[1]}")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
