"""`kiosk --self-check` says whether the data folder is on an encrypted volume.

Each case builds the two things the check reads, as Linux lays them out: the mount table
(/proc/self/mountinfo, proc(5)) and sysfs (/sys/dev/block/<major:minor> links to the block
device; device-mapper devices have dm/uuid, ``CRYPT-…`` for dm-crypt, and slaves/ naming the
devices under them).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kiosk.disk_encryption import (
    VolumeEncryption,
    data_volume_encryption,
    linux_volume_encryption,
    parse_mountinfo,
    self_check_line,
    windows_volume_encryption,
)

MOUNTS = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 {root} / / rw,relatime shared:1 - ext4 {root_source} rw
40 27 {home} / /home rw,relatime shared:2 - ext4 {home_source} rw
41 40 0:45 / /home/kiosk/.cache rw,nosuid - tmpfs tmpfs rw,size=1024k
"""


def block(sys_root: Path, name: str, *, dm_uuid: str | None = None, under: list[str] = ()) -> Path:
    device = sys_root / "devices" / "virtual" / "block" / name
    device.mkdir(parents=True)
    if dm_uuid is not None:
        (device / "dm").mkdir()
        (device / "dm" / "uuid").write_text(dm_uuid + "\n")
        (device / "dm" / "name").write_text(f"{name}-name\n")
    if under:
        (device / "slaves").mkdir()
        for slave in under:
            (device / "slaves" / slave).symlink_to(Path("..") / ".." / slave)
    return device


def number(sys_root: Path, major_minor: str, device: Path) -> None:
    links = sys_root / "dev" / "block"
    links.mkdir(parents=True, exist_ok=True)
    (links / major_minor).symlink_to(os.path.relpath(device, links))


def machine(tmp_path: Path, home: str, home_source: str) -> tuple[Path, Path]:
    sys_root = tmp_path / "sys"
    mountinfo = tmp_path / "mountinfo"
    mountinfo.write_text(
        MOUNTS.format(
            root="259:2", root_source="/dev/nvme0n1p2", home=home, home_source=home_source
        )
    )
    number(sys_root, "259:2", block(sys_root, "nvme0n1p2"))
    return sys_root, mountinfo


def check(folder: str, sys_root: Path, mountinfo: Path) -> VolumeEncryption:
    return linux_volume_encryption(
        Path(folder), mountinfo=mountinfo, sys_root=sys_root, run=_no_lsblk
    )


def _no_lsblk(*_args, **_kwargs):  # noqa: ANN202
    raise FileNotFoundError("lsblk")


def test_luks_under_lvm_is_encrypted(tmp_path):
    sys_root, mountinfo = machine(tmp_path, "253:1", "/dev/mapper/vg-home")
    block(sys_root, "nvme0n1p3")
    block(sys_root, "dm-0", dm_uuid="CRYPT-LUKS2-8d3c0a1e9f2b4c7d-luks-8d3c", under=["nvme0n1p3"])
    number(sys_root, "253:1", block(sys_root, "dm-1", dm_uuid="LVM-Xk2", under=["dm-0"]))

    found = check("/home/kiosk/.local/share/ppp-kiosk", sys_root, mountinfo)

    assert found.state == "encrypted"
    assert "dm-0 (dm-0-name)" in found.detail and "/home" in found.detail


def test_a_plain_partition_is_not_encrypted(tmp_path):
    sys_root, mountinfo = machine(tmp_path, "259:2", "/dev/nvme0n1p2")

    found = check("/var/lib/ppp-kiosk", sys_root, mountinfo)  # on / (nvme0n1p2)

    assert found.state == "not_encrypted" and "nvme0n1p2" in found.detail


def test_lvm_without_luks_is_not_encrypted(tmp_path):
    sys_root, mountinfo = machine(tmp_path, "253:0", "/dev/mapper/vg-home")
    block(sys_root, "sda1")
    number(sys_root, "253:0", block(sys_root, "dm-0", dm_uuid="LVM-abc", under=["sda1"]))

    assert check("/home/kiosk/data", sys_root, mountinfo).state == "not_encrypted"


def test_a_folder_on_tmpfs_or_overlay_is_unknown(tmp_path):
    sys_root, mountinfo = machine(tmp_path, "253:0", "/dev/mapper/vg-home")

    found = check("/home/kiosk/.cache/ppp", sys_root, mountinfo)

    assert found.state == "unknown" and "tmpfs" in found.detail


def test_lsblk_answers_where_sysfs_cannot_be_followed(tmp_path):
    sys_root, mountinfo = machine(tmp_path, "0:55", "/dev/mapper/luks-home")  # e.g. btrfs

    def lsblk(argv, **_kwargs):  # noqa: ANN001, ANN202
        assert argv == ["lsblk", "-s", "-n", "-o", "TYPE", "/dev/mapper/luks-home"]
        return subprocess.CompletedProcess(argv, 0, stdout="crypt\npart\ndisk\n", stderr="")

    found = linux_volume_encryption(
        Path("/home/kiosk"), mountinfo=mountinfo, sys_root=sys_root, run=lsblk
    )
    assert found.state == "encrypted" and "lsblk" in found.detail


def test_mount_points_with_spaces_are_read_as_written():
    (mount,) = parse_mountinfo("50 27 8:17 / /media/usb\\040stick rw - vfat /dev/sdb1 rw\n")
    assert (mount.point, mount.device, mount.fstype) == ("/media/usb stick", "8:17", "vfat")


def test_windows_asks_manage_bde_by_its_exit_code():
    def manage_bde(code: int):  # noqa: ANN202
        def run(argv, **_kwargs):  # noqa: ANN001, ANN202
            assert argv == ["manage-bde", "-status", "C:", "-protectionaserrorlevel"]
            return subprocess.CompletedProcess(argv, code, stdout="", stderr="")

        return run

    folder = Path("C:/Users/kiosk/AppData/Local/ppp-kiosk")
    assert windows_volume_encryption(folder, run=manage_bde(0)).state == "encrypted"
    assert windows_volume_encryption(folder, run=manage_bde(1)).state == "not_encrypted"
    unknown = windows_volume_encryption(folder, run=manage_bde(-2147024891))  # access denied
    assert unknown.state == "unknown" and "administrator" in unknown.detail


def test_this_machine_gets_an_answer_and_the_line_never_fails(tmp_path):
    found = data_volume_encryption(tmp_path)
    line = self_check_line(tmp_path, False, found)
    assert found.state in ("encrypted", "not_encrypted", "unknown") and found.detail
    assert line.endswith("\n") and str(tmp_path) in line
    assert line.startswith("disk encryption:" if found.state == "encrypted" else "warning:")
