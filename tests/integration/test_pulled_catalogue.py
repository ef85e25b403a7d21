"""The kiosk serves the catalogue last pulled from the server, else the shipped one."""

from __future__ import annotations

import json
import shutil
from importlib.resources import as_file, files

from kiosk.bootstrap import build_app
from kiosk.config import KioskSettings


def _settings(tmp_path) -> KioskSettings:  # noqa: ANN001
    return KioskSettings(kiosk_id="k1", outpost="genteng", data_dir=tmp_path)


def test_a_pulled_catalogue_replaces_the_shipped_one(tmp_path):
    pulled = tmp_path / "catalogue"
    with as_file(files("resources")) as shipped:
        shutil.copytree(shipped / "forms", pulled / "forms")
        shutil.copy(shipped / "villages.json", pulled / "villages.json")
        data = json.loads((shipped / "catalogue.json").read_text(encoding="utf-8"))
    data["version"] = "2099.1.1"
    (pulled / "catalogue.json").write_text(json.dumps(data), encoding="utf-8")
    app = build_app(_settings(tmp_path))
    assert app.catalogue.version == "2099.1.1"
    app.close()


def test_a_damaged_pulled_catalogue_falls_back_to_the_shipped_one(tmp_path):
    (tmp_path / "catalogue").mkdir()
    (tmp_path / "catalogue" / "catalogue.json").write_text("{ broken", encoding="utf-8")
    app = build_app(_settings(tmp_path))
    assert len(app.catalogue.services) >= 25 and app.catalogue.version != "2099.1.1"
    app.close()
