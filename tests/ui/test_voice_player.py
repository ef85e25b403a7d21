"""The kiosk speaks its calls from the clips, one at a time, each twice: a new call waits for
the one being spoken and never cuts it off."""

from __future__ import annotations

import math
import stat
from pathlib import Path

import pytest

from kiosk.ui.console import CallOutView
from kiosk.ui.console.sound import CallPlayer, SpokenCall
from kiosk.voice import CLIP_NAMES, RATE, default_clips_dir, read_clip, write_wav

B017_AT_2 = ["chime", "nomor_antrean", "b", "tujuh", "belas", "silakan_menuju_loket", "dua"]
A110_MARK2_AT_12 = [
    "chime",
    "nomor_antrean",
    "dua",
    "a",
    "seratus",
    "sepuluh",
    "silakan_menuju_loket",
    "dua",
    "belas",
]


@pytest.fixture
def short_clips(tmp_path: Path) -> Path:
    """An outpost's own clip folder, each clip a 30 ms tone, so a call lasts about 2 s."""
    folder = tmp_path / "voice"
    folder.mkdir()
    for index, name in enumerate(CLIP_NAMES):
        freq = 300 + 20 * index
        count = round(0.03 * RATE)
        tone = (round(8000 * math.sin(2 * math.pi * freq * i / RATE)) for i in range(count))
        write_wav(folder / f"{name}.wav", tone)
    return folder


def fake_player(folder: Path, seconds: float, *, hangs: bool = False) -> Path:
    """A ``paplay`` that logs when it starts and ends, keeps a copy of what it was given and
    takes ``seconds`` to "play"; one that ``hangs`` becomes the ``sleep`` itself, so stopping
    it leaves no child behind."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "played.log"
    script = folder / "paplay"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "start $1" >> "{log}"\n'
        f'cp "$1" "{folder}/copy-$(basename "$1")"\n'
        + (f"exec sleep {seconds}\n" if hangs else f"sleep {seconds}\n")
        + f'echo "end $1" >> "{log}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return log


def order(player: CallPlayer) -> list[tuple[str, str]]:
    return [(kind, call.number) for kind, call in player.events]


def test_two_quick_calls_play_in_order_each_twice_and_never_overlap(qtbot):
    player = CallPlayer(method="silent", silent_speed=0.02)
    assert player.clips_dir is None  # the shipped clips
    chime = read_clip(default_clips_dir() / "chime.wav")
    heard: dict[str, tuple[bool, bool]] = {}

    def on_start(call: SpokenCall) -> None:
        """What the player is handed: the call, opening with the chime, and the chime again
        in its second half (played twice)."""
        played = read_clip(call.path)
        second_half = played[len(played) // 2 :]
        heard[call.number] = (
            played[: len(chime)] == chime,
            chime.tobytes() in second_half.tobytes(),
        )

    player.started.connect(on_start)

    first = player.announce("B-017", "2")
    second = player.announce("2A-110", "12")  # while the first is being spoken

    assert player.current is first
    assert player.waiting == [second]
    qtbot.waitUntil(lambda: player.current is None and not player.waiting, timeout=5000)
    assert order(player) == [
        ("start", "B-017"),
        ("finish", "B-017"),
        ("start", "2A-110"),
        ("finish", "2A-110"),
    ]
    assert first.clips == B017_AT_2
    assert second.clips == A110_MARK2_AT_12
    assert first.playings == second.playings == 2
    assert heard == {"B-017": (True, True), "2A-110": (True, True)}


def test_a_real_player_process_finishes_before_the_next_call_starts(
    qtbot, short_clips, tmp_path, monkeypatch
):
    bin_dir = tmp_path / "bin"
    log = fake_player(bin_dir, 0.4)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    player = CallPlayer(clips_dir=short_clips, method="player")

    calls = [player.announce(number, "1") for number in ("A-001", "B-002", "C-003")]

    qtbot.waitUntil(lambda: len(player.events) == 6, timeout=15000)
    lines = log.read_text().split()
    files = lines[1::2]
    assert lines[0::2] == ["start", "end"] * 3  # one player at a time, none cut short
    assert files[0] == files[1] and files[2] == files[3] and files[4] == files[5]
    assert len(set(files)) == 3
    for call, wav in zip(calls, files[0::2], strict=True):
        copy = read_clip(bin_dir / f"copy-{Path(wav).name}")
        tone = len(read_clip(short_clips / "chime.wav"))
        assert len(copy) == pytest.approx(call.duration_s * RATE, abs=1)
        assert len(copy) > 2 * len(call.clips) * tone  # every clip, twice
    assert [call.clips[2] for call in calls] == ["a", "b", "c"]


def test_a_hung_player_is_stopped_and_the_queue_goes_on(qtbot, short_clips, tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    log = fake_player(bin_dir, 60, hangs=True)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setattr("kiosk.ui.console.sound.HANG_GRACE_S", 0.2)
    player = CallPlayer(clips_dir=short_clips, method="player")

    player.announce("A-001", "1")
    player.announce("B-002", "1")

    qtbot.waitUntil(lambda: len(player.events) == 4, timeout=15000)
    assert order(player) == [("start", "A-001"), ("finish", "A-001")] + [
        ("start", "B-002"),
        ("finish", "B-002"),
    ]
    assert "end" not in log.read_text()  # stopped, not waited for


def test_a_call_without_words_still_chimes_in_its_turn(qtbot, short_clips):
    (short_clips / "tujuh.wav").write_bytes(b"ID3\x03 an MP3 renamed")  # unplayable
    player = CallPlayer(clips_dir=short_clips, method="silent", silent_speed=0.0)

    player.announce("A-001", "Pengaduan")  # a named counter has no clip
    player.announce("B-017", "2")  # needs "tujuh"
    (short_clips / "dua.wav").unlink()  # missing: the shipped clip stands in
    player.announce("C-002", "3")

    qtbot.waitUntil(lambda: len(player.events) == 6, timeout=5000)
    assert [call.clips for call in player.calls] == [
        ["chime"],
        ["chime"],
        ["chime", "nomor_antrean", "c", "dua", "silakan_menuju_loket", "tiga"],
    ]
    assert [kind for kind, _ in player.events] == ["start", "finish"] * 3


def test_stop_drops_the_waiting_calls(qtbot):
    player = CallPlayer(method="silent")  # real length: the first call is still playing
    player.announce("A-001", "1")
    player.announce("B-002", "1")

    player.stop()

    assert player.current is None and player.waiting == []
    assert order(player) == [("start", "A-001")]


def test_the_callout_announces_each_call_with_the_composed_clips(qtbot):
    view = CallOutView(["1", "2", "12"], player=CallPlayer(silent_speed=0.01))
    qtbot.addWidget(view)

    view.announce("B-017", "2")
    view.announce("2A-110", "12", recall=True)
    view.announce("B-017", "2", recall=True)

    assert view.number.text() == "B-017"
    assert [call.clips for call in view.player.calls] == [B017_AT_2, A110_MARK2_AT_12, B017_AT_2]
    qtbot.waitUntil(lambda: len(view.player.events) == 6, timeout=5000)
    assert order(view.player) == [
        ("start", "B-017"),
        ("finish", "B-017"),
        ("start", "2A-110"),
        ("finish", "2A-110"),
        ("start", "B-017"),
        ("finish", "B-017"),
    ]
