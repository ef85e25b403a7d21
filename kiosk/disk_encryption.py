"""Is the data folder on an encrypted volume? For ``kiosk --self-check``: a warning, never a stop.

The answers key lies next to the database (unless systemd-creds seals it), so a stolen disk
is only safe when the disk itself is encrypted: LUKS (dm-crypt) on Linux, BitLocker on
Windows. The deployment guides require it; this check tells the admin whether it is so.

Linux: the mount that holds the folder (``/proc/self/mountinfo``), its block device, then
down through device-mapper layers (LVM on LUKS) in ``/sys/dev/block/<major:minor>``: a
``dm/uuid`` starting with ``CRYPT-`` is dm-crypt. Where sysfs cannot be read, ``lsblk -s``
(the device and the devices under it) naming a ``crypt`` one says the same. Windows:
``manage-bde -status <drive> -protectionaserrorlevel`` exits 0 when the volume is
BitLocker-protected and 1 when it is not; it needs an administrator, so a standard account
usually gets "unknown". Anything else: unknown.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Literal

Runner = Callable[..., subprocess.CompletedProcess]
State = Literal["encrypted", "not_encrypted", "unknown"]
MAX_LAYERS = 16


@dataclass(frozen=True)
class VolumeEncryption:
    state: State
    detail: str


@dataclass(frozen=True)
class Mount:
    point: str
    device: str  # "major:minor"
    fstype: str
    source: str


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes (\\040 ...)."""
    out, i = [], 0
    while i < len(field):
        if field[i] == "\\" and field[i + 1 : i + 4].isdigit():
            out.append(chr(int(field[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """proc(5): ``id parent major:minor root point options [optional...] - fstype source ...``."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        if len(fields) < dash + 3:
            continue
        mounts.append(
            Mount(
                point=_unescape(fields[4]),
                device=fields[2],
                fstype=fields[dash + 1],
                source=_unescape(fields[dash + 2]),
            )
        )
    return mounts


def mount_of(folder: Path, mounts: list[Mount]) -> Mount | None:
    """The mount holding ``folder``: the longest mount point above it (the last one mounted
    there, when several are stacked)."""
    best: Mount | None = None
    for mount in mounts:
        point = Path(mount.point)
        if (folder == point or point in folder.parents) and (
            best is None or len(point.parts) >= len(Path(best.point).parts)
        ):
            best = mount
    return best


def _crypt_layers(block: Path, depth: int = 0) -> tuple[list[str], list[str]]:
    """(dm-crypt devices, plain devices) at or under the sysfs block directory ``block``."""
    name = block.name
    uuid = block / "dm" / "uuid"
    if uuid.exists() and uuid.read_text().strip().startswith("CRYPT-"):
        dm_name = block / "dm" / "name"
        label = dm_name.read_text().strip() if dm_name.exists() else name
        return [f"{name} ({label})"], []
    slaves = sorted((block / "slaves").iterdir()) if (block / "slaves").is_dir() else []
    if not slaves or depth >= MAX_LAYERS:
        return [], [name]
    crypt: list[str] = []
    plain: list[str] = []
    for slave in slaves:
        found, bare = _crypt_layers(slave.resolve(), depth + 1)
        crypt += found
        plain += bare
    return crypt, plain


def _device_number(mount: Mount, sys_root: Path) -> str | None:
    """The mount's block device as ``major:minor`` in sysfs, if it has one."""
    if (sys_root / "dev" / "block" / mount.device).exists():
        return mount.device
    # btrfs and a few others report an anonymous device number: follow the source instead
    if mount.source.startswith("/dev/"):
        try:
            info = os.stat(mount.source)
        except OSError:
            return None
        if stat.S_ISBLK(info.st_mode):
            number = f"{os.major(info.st_rdev)}:{os.minor(info.st_rdev)}"
            if (sys_root / "dev" / "block" / number).exists():
                return number
    return None


def _lsblk(source: str, run: Runner) -> VolumeEncryption | None:
    try:
        done = run(
            ["lsblk", "-s", "-n", "-o", "TYPE", source],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    types = done.stdout.split()
    if "crypt" in types:
        return VolumeEncryption("encrypted", f"dm-crypt under {source} (lsblk)")
    return VolumeEncryption("not_encrypted", f"{source} has no crypt layer (lsblk)")


def linux_volume_encryption(
    folder: Path,
    *,
    mountinfo: Path = Path("/proc/self/mountinfo"),
    sys_root: Path = Path("/sys"),
    run: Runner = subprocess.run,
) -> VolumeEncryption:
    try:
        mount = mount_of(folder.resolve(), parse_mountinfo(mountinfo.read_text()))
    except OSError as exc:
        return VolumeEncryption("unknown", f"{mountinfo} cannot be read: {exc.strerror}")
    if mount is None:
        return VolumeEncryption("unknown", f"no mount holds {folder}")
    where = f"{mount.fstype} on {mount.source}, mounted at {mount.point}"
    number = _device_number(mount, sys_root)
    if number is None:
        if mount.source.startswith("/dev/") and (found := _lsblk(mount.source, run)):
            return VolumeEncryption(found.state, f"{where}; {found.detail}")
        return VolumeEncryption("unknown", f"{where}: not a disk this check can follow")
    crypt, plain = _crypt_layers((sys_root / "dev" / "block" / number).resolve())
    if crypt and not plain:
        return VolumeEncryption("encrypted", f"{where}; dm-crypt: {', '.join(crypt)}")
    if crypt:  # e.g. LVM over an encrypted and a plain disk: part of it lies in the clear
        return VolumeEncryption(
            "not_encrypted",
            f"{where}; partly dm-crypt ({', '.join(crypt)}), partly not ({', '.join(plain)})",
        )
    return VolumeEncryption("not_encrypted", f"{where}; no dm-crypt layer ({', '.join(plain)})")


def windows_volume_encryption(folder: Path, *, run: Runner = subprocess.run) -> VolumeEncryption:
    drive = PureWindowsPath(str(folder)).drive
    if not drive:
        return VolumeEncryption("unknown", f"{folder} is on no drive letter")
    try:
        done = run(
            ["manage-bde", "-status", drive, "-protectionaserrorlevel"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return VolumeEncryption("unknown", "manage-bde could not be run")
    if done.returncode == 0:
        return VolumeEncryption("encrypted", f"BitLocker protects {drive} (manage-bde)")
    if done.returncode == 1:
        return VolumeEncryption("not_encrypted", f"BitLocker does not protect {drive} (manage-bde)")
    return VolumeEncryption(
        "unknown",
        f"manage-bde -status {drive} answered {done.returncode} (it needs an administrator)",
    )


def data_volume_encryption(folder: Path, *, platform: str = sys.platform) -> VolumeEncryption:
    if platform.startswith("linux"):
        return linux_volume_encryption(folder)
    if platform == "win32":
        return windows_volume_encryption(folder)
    return VolumeEncryption("unknown", f"no check for {platform}")


def self_check_line(folder: Path, sealed_key: bool, found: VolumeEncryption) -> str:
    """One line for ``kiosk --self-check``: says so, or warns (never a failure)."""
    guide = "encrypt the disk (deployment guide, 'Disk encryption')"
    if found.state == "encrypted":
        return f"disk encryption: {folder} is on an encrypted volume ({found.detail})\n"
    if found.state == "not_encrypted":
        exposed = (
            "the answers key is sealed, but logs, printouts and backups lie in the clear"
            if sealed_key
            else "a stolen disk reveals the database, its answers key and every answer not "
            "yet purged"
        )
        return (
            f"warning: {folder} is not on an encrypted volume ({found.detail}): {exposed}; "
            f"{guide}\n"
        )
    return (
        f"warning: cannot tell whether {folder} is on an encrypted volume ({found.detail}); "
        f"if it is not, {guide}\n"
    )
