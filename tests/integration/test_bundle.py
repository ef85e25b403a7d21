"""The PyInstaller bundle builds from build.spec and the frozen app passes its self-check."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = "ppp-kiosk"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        shutil.which("pyinstaller", path=str(Path(sys.executable).parent)) is None,
        reason="PyInstaller is not installed in this environment",
    ),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.bundle import build

    # The benchmark and this test build the bundle the same way; PyInstaller's own output
    # goes to the captured output of a failing test.
    return build(tmp_path_factory.mktemp("bundle"))


def _frozen(bundle: Path, name: str, *args: str, home: Path) -> subprocess.CompletedProcess:
    exe = bundle / (f"{name}.exe" if sys.platform == "win32" else name)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(home))
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, timeout=120, cwd=home
    )


def test_frozen_self_check_passes(bundle: Path, tmp_path: Path) -> None:
    name = "kiosk-console" if sys.platform == "win32" else "kiosk"
    done = _frozen(bundle, name, "--demo", "--self-check", home=tmp_path)
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr[-5000:]}"
    assert "self-check ok" in done.stdout
    # The demo's config and database went to KIOSK_DEMO_DIR, nothing into the bundle.
    assert (tmp_path / "demo" / "kiosk.toml").exists()
    assert not list(bundle.rglob("*.db"))


def test_bundle_carries_its_data_files(bundle: Path) -> None:
    internal = bundle / "_internal"
    for relative in (
        "resources/catalogue.json",
        "resources/villages.json",
        "resources/style.qss",
        "resources/fonts/DejaVuSans.ttf",
        "kiosk/store/migrations/env.py",
        "kiosk/store/migrations/script.py.mako",
        "escpos/capabilities.json",
    ):
        assert (internal / relative).is_file(), relative
    assert list((internal / "resources" / "forms").glob("*.json"))
    assert list((internal / "resources" / "i18n").glob("*.json"))
    assert list((internal / "kiosk" / "store" / "migrations" / "versions").glob("*.py"))
    # Only the Qt modules the app uses.
    qt_modules = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.*")}
    assert {"QtCore", "QtGui", "QtWidgets"} <= qt_modules
    assert not qt_modules & {"QtQml", "QtQuick", "QtWebEngineCore", "QtPdf", "QtSql", "QtTest"}


@pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("gcc") is None,
    reason="ICU's data is trimmed on Linux, with a C compiler",
)
def test_bundle_is_trimmed(bundle: Path) -> None:
    internal = bundle / "_internal"
    # Qt's ICU data rebuilt with the kiosk's languages only (the full one is 32 MB) ...
    (icudata,) = (internal / "PySide6" / "Qt" / "lib").glob("libicudata.so.*")
    assert icudata.stat().st_size < 8_000_000
    # ... and of python-stdnum's tables only the Indonesian region codes the forms read.
    assert (internal / "stdnum" / "id" / "loc.dat").is_file()
    assert not (internal / "stdnum" / "oui.dat").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="kiosk-sync is a .cmd file on Windows")
def test_frozen_kiosk_sync_answers(bundle: Path, tmp_path: Path) -> None:
    done = _frozen(bundle, "kiosk-sync", "--help", home=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "push" in done.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="a bare X session is the Linux guide's")
def test_frozen_kiosk_fills_a_bare_x_screen(bundle: Path, tmp_path: Path) -> None:
    # The Linux guide's recommended session: X and the kiosk, no desktop, no window manager.
    # The frozen app takes X11, xcb, fonts, D-Bus and GLib from the host (build.spec's
    # HOST_LIBRARIES), so this also proves the bundle runs on them through the xcb plugin.
    from kiosk.config import demo_config_text
    from tests.xserver import bare_x_display

    config = tmp_path / "kiosk.toml"
    config.write_text(demo_config_text(tmp_path / "data"), encoding="utf-8")
    from devtools.ready import start_until_ready

    with bare_x_display(1080, 1920) as display:
        env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        started = start_until_ready([str(bundle / "kiosk"), "--config", str(config)], env=env)
        code, _stdout, stderr = started.stop()
    assert started.status == "Home on screen, 1080x1920", stderr[-4000:]
    assert code == 0, stderr[-4000:]  # SIGTERM, as systemctl stop sends it, ends it cleanly


# Packages of the Linux guide's apt line, and the C library every system has.
_GUIDE = ROOT / "docs" / "deploy-linux.md"


@pytest.mark.skipif(
    sys.platform != "linux" or shutil.which("dpkg") is None or shutil.which("readelf") is None,
    reason="host libraries are named as Debian/Ubuntu packages",
)
def test_the_linux_guide_names_every_library_the_bundle_takes_from_the_host(
    bundle: Path,
) -> None:
    internal = bundle / "_internal"
    carried = {path.name for path in internal.rglob("*.so*")}
    needed: set[str] = set()
    for path in [bundle / "kiosk", *internal.rglob("*.so*")]:
        if path.is_file() and not path.is_symlink() and path.read_bytes()[:4] == b"\x7fELF":
            dynamic = subprocess.run(
                ["readelf", "-d", str(path)], capture_output=True, text=True, check=True
            ).stdout
            needed |= set(re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic))
    from_host = sorted(needed - carried)
    assert from_host, "the bundle takes nothing from the host?"
    guide = _GUIDE.read_text(encoding="utf-8")
    unnamed: list[str] = []
    for soname in from_host:
        found = subprocess.run(
            ["sh", "-c", f"ldconfig -p | awk '$1 == \"{soname}\" {{print $NF; exit}}'"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not found:
            unnamed.append(f"{soname}: not on this machine")
            continue
        owner = subprocess.run(
            ["dpkg", "-S", os.path.realpath(found)], capture_output=True, text=True
        ).stdout.split(":")[0]
        if not owner:  # merged /usr: dpkg knows the /lib path
            owner = subprocess.run(
                ["dpkg", "-S", found], capture_output=True, text=True
            ).stdout.split(":")[0]
        if owner != "libc6" and f" {owner}" not in guide:
            unnamed.append(f"{soname}: {owner or 'no package'}")
    assert not unnamed, unnamed
