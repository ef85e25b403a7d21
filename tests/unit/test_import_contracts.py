"""The Qt contract lists modules by name: a new kiosk module must not slip past it."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_kiosk_module_outside_the_ui_is_kept_free_of_qt():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    qt = next(c for c in contracts if c["forbidden_modules"] == ["PySide6"])
    kiosk = ROOT / "kiosk"
    modules = {f"kiosk.{p.stem}" for p in kiosk.glob("*.py") if p.stem != "__init__"}
    modules |= {f"kiosk.{p.name}" for p in kiosk.iterdir() if (p / "__init__.py").exists()}
    assert modules - {"kiosk.ui"} <= set(qt["source_modules"]), "add it to pyproject.toml"
