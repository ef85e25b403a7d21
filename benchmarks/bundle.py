"""``python -m benchmarks bundle [--dist DIR]``: the PyInstaller bundle's size and start time.

- ``bundle_mb``: the size of the one-folder bundle (``dist/ppp-kiosk``), in MB (10^6 bytes),
  counting every file once and symbolic links as nothing.
- ``frozen_cold_start_s``: median of 5 fresh starts of the frozen ``kiosk``, from spawn to
  the first painted Home (offscreen, the ``READY=1`` it sends to systemd), after one start that
  creates and migrates the database and is not counted.

Without ``--dist`` the bundle is built first from ``build.spec`` into a temporary folder
(about a minute on two cores); with ``--dist`` an existing bundle folder is measured.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import emit

BENCH = "bundle"
STARTS = 5
ROOT = Path(__file__).resolve().parent.parent
APP = "ppp-kiosk"


def bundle_pyinstaller() -> Path:
    """PyInstaller of the locked build environment (``make bundle-env``: the lock file)."""
    venv = Path(os.environ.get("PPP_BUNDLE_VENV", ROOT / ".venv-bundle"))
    exe = venv / ("Scripts/pyinstaller.exe" if sys.platform == "win32" else "bin/pyinstaller")
    if not exe.exists():
        raise FileNotFoundError(f"{exe} is missing: run `make bundle-env` (installs the lock file)")
    return exe


def build(out: Path) -> Path:
    """Build the bundle from build.spec into ``out``; returns the bundle folder."""
    command = [str(bundle_pyinstaller())]
    subprocess.run(
        [
            *command,
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(out / "dist"),
            "--workpath",
            str(out / "build"),
            str(ROOT / "build.spec"),
        ],
        cwd=ROOT,
        check=True,
    )
    return out / "dist" / APP


def folder_bytes(folder: Path) -> int:
    total = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                total += path.stat().st_size
    return total


def executable(bundle: Path) -> Path:
    name = "kiosk-console.exe" if sys.platform == "win32" else "kiosk"
    return bundle / name


def first_paint_s(exe: Path, config: Path, data: Path) -> float:
    """Spawn to READY=1, which the kiosk sends to systemd when Home first paints."""
    from devtools.ready import start_until_ready

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_DEMO_DIR=str(data))
    started = start_until_ready([str(exe), "--config", str(config), "--windowed"], env=env)
    started.stop()
    return started.ready_after_s


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks bundle")
    parser.add_argument("--dist", type=Path, help="an existing bundle folder (dist/ppp-kiosk)")
    parser.add_argument("--starts", type=int, default=STARTS)
    args = parser.parse_args(argv)

    from kiosk.config import demo_config_text

    with tempfile.TemporaryDirectory(prefix="ppp-bundle-bench-") as tmp:
        tmp_path = Path(tmp)
        bundle = args.dist.resolve() if args.dist else build(tmp_path)
        emit(BENCH, "bundle_mb", folder_bytes(bundle) / 1e6, "MB", path=str(bundle))

        config = tmp_path / "kiosk.toml"
        config.write_text(demo_config_text(tmp_path / "data"), encoding="utf-8")
        exe = executable(bundle)
        first_paint_s(exe, config, tmp_path)  # creates and migrates the database; not counted
        samples = [first_paint_s(exe, config, tmp_path) for _ in range(args.starts)]
        emit(
            BENCH,
            "frozen_cold_start_s",
            statistics.median(samples),
            "s",
            runs=args.starts,
            until="first paint of Home, offscreen",
            max_s=round(max(samples), 4),
        )


if __name__ == "__main__":
    main(sys.argv[1:])
