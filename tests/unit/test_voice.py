"""Spoken calls: the number in Indonesian words, the composed clip list, and the shipped
clips themselves. num2words reads the numbers independently; sox decodes the WAVs."""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import wave
from array import array
from pathlib import Path

import pytest
from num2words import num2words

from kiosk.voice import (
    CLIP_NAMES,
    REPEAT_GAP_S,
    announcement,
    clip_path,
    clip_problems,
    default_clips_dir,
    find_clip,
    missing_clips,
    number_words,
    read_clip,
    write_announcement,
)

REPO = Path(__file__).resolve().parents[2]
SOX = shutil.which("sox")
SOXI = shutil.which("soxi")
needs_sox = pytest.mark.skipif(
    SOX is None or SOXI is None, reason="needs sox (apt-get install sox)"
)


# --- the number in words -------------------------------------------------------------------


def test_every_number_reads_as_num2words_reads_it():
    wrong = {
        n: " ".join(number_words(n))
        for n in range(1, 1000)
        if " ".join(number_words(n)) != num2words(n, lang="id")
    }
    assert wrong == {}


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "satu"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),  # not "satu belas"
        (12, "dua belas"),
        (17, "tujuh belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (90, "sembilan puluh"),
        (100, "seratus"),  # not "satu ratus"
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (115, "seratus lima belas"),
        (200, "dua ratus"),
        (305, "tiga ratus lima"),
        (999, "sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_the_classic_mistakes_are_not_made(n, words):
    assert number_words(n) == words.split()


@pytest.mark.parametrize("bad", [0, -1, 1000, 1001, True, 1.0, "5", None])
def test_only_1_to_999_have_words(bad):
    with pytest.raises(ValueError):
        number_words(bad)


# --- the composed announcement -------------------------------------------------------------


def counter_words(counter: int) -> list[str]:
    return num2words(counter, lang="id").split()


@pytest.mark.parametrize("letter", string.ascii_uppercase)
@pytest.mark.parametrize("sequence", [1, 7, 10, 11, 12, 17, 20, 99, 100, 101, 110, 111, 999])
def test_the_announcement_of_every_letter(letter, sequence):
    number = f"{letter}-{sequence:03d}"
    assert announcement(number, "2") == [
        "chime",
        "nomor_antrean",
        letter.lower(),
        *num2words(sequence, lang="id").split(),
        "silakan_menuju_loket",
        "dua",
    ]


def test_the_documented_example():
    assert announcement("B-017", "2") == [
        "chime",
        "nomor_antrean",
        "b",
        "tujuh",
        "belas",
        "silakan_menuju_loket",
        "dua",
    ]


@pytest.mark.parametrize("counter", [str(c) for c in range(1, 13)] + ["99", "100", "999"])
def test_the_counter_is_said_in_words(counter):
    assert announcement("A-001", counter)[5:] == counter_words(int(counter))


@pytest.mark.parametrize("mark", range(1, 10))
def test_a_device_mark_is_said_before_the_letter(mark):
    said = announcement(f"{mark}B-017", "11")
    assert said == [
        "chime",
        "nomor_antrean",
        num2words(mark, lang="id"),
        "b",
        "tujuh",
        "belas",
        "silakan_menuju_loket",
        "sebelas",
    ]


def test_every_number_and_letter_needs_only_clips_that_exist_by_name():
    names = set(CLIP_NAMES)
    needed: set[str] = set()
    for letter in string.ascii_uppercase:
        for sequence in range(1, 1000):
            needed.update(announcement(f"{letter}-{sequence:03d}", str(sequence)))
    for mark in range(1, 10):
        needed.update(announcement(f"{mark}Z-999", "12"))
    assert needed <= names
    assert names - needed == {"nol"}  # listed by the contract, never needed by a call


@pytest.mark.parametrize(
    "number",
    [
        "",
        "B",
        "b-017",  # the kiosk prints capitals
        "B017",
        "B-17",
        "B-000",  # 0 is never a queue number
        "B-1000",  # no words past 999
        "0B-017",  # mark 0 is "no mark", never printed
        "22B-017",
        "BB-017",
        " B-017",
        "B-017 ",
        "B-0a7",
        "B-١٢٣",  # Arabic-Indic digits
        None,
        17,
    ],
)
def test_a_queue_number_without_words_is_refused(number):
    with pytest.raises(ValueError):
        announcement(number, "1")


@pytest.mark.parametrize(
    "counter", ["", "0", "01", "1000", "-1", "1.5", " 1", "A", "Pengaduan", "²", None, 2]
)
def test_a_counter_without_words_is_refused(counter):
    with pytest.raises(ValueError):
        announcement("A-001", counter)


def test_the_clip_names_are_the_ones_the_lan_contract_lists():
    doc = (REPO / "docs" / "lan-api.md").read_text(encoding="utf-8")
    section = doc.split("## Spoken calls", 1)[1].split("\n## ", 1)[0]
    listed = {name for name in re.findall(r"`([a-z_]+)`", section)}
    assert {"a", "z"} <= listed  # "`a` … `z`"
    listed |= set(string.ascii_lowercase)
    assert listed == set(CLIP_NAMES)


# --- finding clips -------------------------------------------------------------------------


def test_clip_paths_stay_inside_the_clip_folder(tmp_path):
    assert default_clips_dir() == REPO / "resources" / "voice"
    assert clip_path("sebelas") == REPO / "resources" / "voice" / "sebelas.wav"
    assert clip_path("b", tmp_path) == tmp_path / "b.wav"
    for bad in ["../sounds/chime", "chime.wav", "B", "", "seribu", "/etc/passwd"]:
        with pytest.raises(ValueError):
            clip_path(bad)


def test_an_outposts_folder_is_checked_for_missing_and_unplayable_clips(tmp_path):
    for name in CLIP_NAMES:
        shutil.copy(clip_path(name), tmp_path / f"{name}.wav")
    assert missing_clips(tmp_path) == []
    assert clip_problems(tmp_path) == {}

    (tmp_path / "sebelas.wav").unlink()
    (tmp_path / "b.wav").write_bytes(b"ID3\x03\x00 an mp3 renamed")
    with wave.open(str(tmp_path / "dua.wav"), "wb") as empty:
        empty.setnchannels(1)
        empty.setsampwidth(2)
        empty.setframerate(22050)

    assert missing_clips(tmp_path) == ["sebelas"]
    problems = clip_problems(tmp_path)
    assert set(problems) == {"sebelas", "b", "dua"}
    assert problems["sebelas"].startswith("missing")
    assert problems["b"].startswith("not a PCM WAV")
    assert problems["dua"].startswith("no sound")
    assert find_clip("sebelas", tmp_path) == clip_path("sebelas")  # the shipped one stands in
    assert find_clip("satu", tmp_path) == tmp_path / "satu.wav"  # the outpost's own
    assert find_clip("satu") == clip_path("satu")


# --- the shipped clips ---------------------------------------------------------------------


def peak(samples: array) -> int:
    return max(abs(s) for s in samples)


@pytest.mark.parametrize("name", CLIP_NAMES)
def test_every_clip_is_a_16_bit_mono_wav_with_sound_in_it(name):
    path = clip_path(name)
    with wave.open(str(path)) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 2, 22050)
        assert clip.getcomptype() == "NONE"
        seconds = clip.getnframes() / clip.getframerate()
    assert 0.15 < seconds < 3.0
    assert peak(read_clip(path)) > 0.2 * 32767


@needs_sox
@pytest.mark.parametrize("name", CLIP_NAMES)
def test_every_clip_decodes_with_sox(name):
    path = str(clip_path(name))

    def soxi(flag: str) -> str:
        return subprocess.run(
            [SOXI, flag, path], check=True, capture_output=True, text=True
        ).stdout.strip()

    assert soxi("-t") == "wav"
    assert (soxi("-r"), soxi("-c"), soxi("-b"), soxi("-e")) == (
        "22050",
        "1",
        "16",
        "Signed Integer PCM",
    )
    assert float(soxi("-D")) > 0.15
    stat = subprocess.run([SOX, path, "-n", "stat"], check=True, capture_output=True, text=True)
    figures = dict(re.findall(r"^(.+?):\s+(\S+)$", stat.stderr, re.M))
    assert float(figures["Maximum amplitude"]) > 0.2
    assert float(figures["RMS     amplitude"]) > 0.02


def test_the_clip_set_is_small():
    folder = default_clips_dir()
    total = sum(path.stat().st_size for path in folder.glob("*.wav"))
    assert sorted(path.stem for path in folder.glob("*.wav")) == sorted(CLIP_NAMES)
    assert total < 1.5 * 1024 * 1024


@needs_sox
@pytest.mark.parametrize(
    "options",
    [
        ["-r", "44100", "-c", "2", "-b", "24"],  # a phone's recording, WAVE_FORMAT_EXTENSIBLE
        ["-r", "48000", "-b", "32"],
        ["-r", "16000", "-b", "8", "-e", "unsigned-integer"],
    ],
    ids=["44k-stereo-24bit", "48k-32bit", "16k-8bit"],
)
def test_an_outposts_own_recording_in_another_pcm_format_plays(tmp_path, options):
    """Another PCM WAV (converted here by sox) reads as the same sound; a floating-point WAV
    is refused with a reason, not played as noise."""
    source = clip_path("sebelas")
    recorded = tmp_path / "sebelas.wav"
    subprocess.run([SOX, str(source), *options, str(recorded)], check=True)
    original, converted = read_clip(source), read_clip(recorded)
    assert abs(len(converted) - len(original)) <= len(original) * 0.01
    assert abs(peak(converted) - peak(original)) < 0.1 * 32767

    floating = tmp_path / "float" / "sebelas.wav"
    floating.parent.mkdir()
    subprocess.run([SOX, str(source), "-e", "floating-point", str(floating)], check=True)
    assert clip_problems(floating.parent)["sebelas"].startswith("not a PCM WAV")


@needs_sox
def test_an_announcement_is_its_clips_twice(tmp_path):
    clips = announcement("B-017", "2")
    out = tmp_path / "call.wav"
    seconds = write_announcement(clips, out)

    assert float(subprocess.check_output([SOXI, "-D", str(out)], text=True)) == pytest.approx(
        seconds, abs=0.001
    )
    one = sum(len(read_clip(clip_path(name))) for name in clips) / 22050
    assert seconds > 2 * one + REPEAT_GAP_S
    played = read_clip(out)
    chime = read_clip(clip_path("chime"))
    assert played[: len(chime)] == chime  # it opens with the chime
    second = played[len(played) // 2 :]
    assert chime.tobytes() in second.tobytes()  # and the chime comes again: twice
