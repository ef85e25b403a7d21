"""``python -m devtools.voice_clips [DIR]`` (``make voice``): the shipped call clips.

One 16-bit PCM mono WAV at 22050 Hz per name of ``kiosk.voice.CLIP_NAMES``, written into
``resources/voice/`` (or DIR). The words are spoken by espeak-ng's Indonesian voice
(``espeak-ng -v id``, Debian's ``espeak-ng`` package) at a calm speed; each clip's leading
and trailing silence is cut, its edges faded over a few milliseconds (no click) and its
loudness brought to one level, so words joined into a call sound even. The chime is
``resources/sounds/chime.wav``, copied at the clips' rate.

The same espeak-ng version writes the same bytes, so a rerun shows in ``git status`` only
when something changed.
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
from array import array
from pathlib import Path

from kiosk.voice import (
    CHIME,
    CLIP_NAMES,
    GO_TO_COUNTER,
    LETTERS,
    QUEUE_NUMBER,
    RATE,
    read_clip,
    write_wav,
)

REPO = Path(__file__).resolve().parent.parent
TARGET = REPO / "resources" / "voice"
CHIME_SOURCE = REPO / "resources" / "sounds" / "chime.wav"

VOICE = "id"
SPEED_WPM = 135
"""espeak-ng's default is 175 words a minute; slower carries better across a hall."""
PITCH = 45
"""espeak-ng's 0-99 scale, default 50: a little lower sounds calmer."""

SILENCE = 0.012
"""A sample below this fraction of full scale counts as silence when trimming."""
KEEP_S = 0.015
"""Kept before the first and after the last sound, so a word's soft start is not cut."""
FADE_S = 0.006
TARGET_RMS = 0.12
"""About -18 dBFS over the clip's sounding part: the level every spoken clip is brought to."""
PEAK_LIMIT = 0.89
"""About -1 dBFS: no clip is made louder than this, whatever its RMS says."""

TEXTS: dict[str, str] = {
    QUEUE_NUMBER: "nomor antrean",
    GO_TO_COUNTER: "silakan menuju loket",
    # A capital letter alone: espeak-ng's Indonesian voice says its name (be, ce, ... zet).
    **{letter: letter.upper() for letter in LETTERS},
}


def text_of(name: str) -> str:
    """What espeak-ng is asked to say for clip ``name`` (the number words are themselves)."""
    return TEXTS.get(name, name.replace("_", " "))


def synthesize(text: str, path: Path) -> None:
    program = shutil.which("espeak-ng")
    if program is None:
        raise SystemExit("espeak-ng is not installed (Debian: apt-get install espeak-ng)")
    subprocess.run(
        [program, "-v", VOICE, "-s", str(SPEED_WPM), "-p", str(PITCH), "-w", str(path), text],
        check=True,
        capture_output=True,
    )


def trim(samples: array, rate: int = RATE) -> array:
    """Cut the silence before the first and after the last sound, keep a short margin,
    fade both edges."""
    threshold = SILENCE * 32767
    loud = [i for i, sample in enumerate(samples) if abs(sample) > threshold]
    if not loud:
        raise ValueError("the synthesizer gave silence")
    keep = round(KEEP_S * rate)
    start, end = max(0, loud[0] - keep), min(len(samples), loud[-1] + keep + 1)
    out = array("h", samples[start:end])
    fade = min(round(FADE_S * rate), len(out) // 2)
    for i in range(fade):
        factor = i / fade
        out[i] = round(out[i] * factor)
        out[-1 - i] = round(out[-1 - i] * factor)
    return out


def normalise(samples: array) -> array:
    """Bring the RMS of the sounding part to ``TARGET_RMS``, the peak no higher than
    ``PEAK_LIMIT``."""
    threshold = SILENCE * 32767
    sounding = [s for s in samples if abs(s) > threshold] or list(samples)
    rms = math.sqrt(sum(s * s for s in sounding) / len(sounding)) / 32767
    peak = max(abs(s) for s in samples) / 32767
    gain = min(TARGET_RMS / rms, PEAK_LIMIT / peak)
    return array("h", (max(-32767, min(32767, round(s * gain))) for s in samples))


def make_clip(name: str, target: Path, workdir: Path) -> Path:
    path = target / f"{name}.wav"
    if name == CHIME:
        write_wav(path, read_clip(CHIME_SOURCE))
        return path
    raw = workdir / f"{name}.wav"
    synthesize(text_of(name), raw)
    write_wav(path, normalise(trim(read_clip(raw))))
    return path


def make_all(target: Path = TARGET) -> list[Path]:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ppp-voice-") as workdir:
        return [make_clip(name, target, Path(workdir)) for name in CLIP_NAMES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    paths = make_all(args.target)
    total = sum(path.stat().st_size for path in paths)
    print(f"{len(paths)} clips in {args.target}, {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
