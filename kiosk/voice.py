"""Spoken calls, composed from short recorded clips: no speech engine at run time.

A call is announced as a list of clip names (``resources/voice/<name>.wav``, see
``docs/lan-api.md``, "Spoken calls")::

    announcement("B-017", "2")
    == ["chime", "nomor_antrean", "b", "tujuh", "belas", "silakan_menuju_loket", "dua"]

That list is ONE playing; the kiosk's call-out and the hall pages play it twice. The same
function serves the LAN pages (which send the list to browsers) and the kiosk's own
call-out (which joins the clips into one WAV with :func:`write_announcement`), so the hall
hears the same words from every speaker.

An outpost may replace the clips with its own recordings in a folder of its own (the
``[lan] voice_dir`` setting, ``resources/voice/README.md``); :func:`find_clip` falls back to
the shipped clip for any it lacks, :func:`missing_clips` and :func:`clip_problems` check it.
No Qt, no web here.
"""

from __future__ import annotations

import re
import struct
import sys
import wave
from array import array
from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path

CHIME = "chime"
QUEUE_NUMBER = "nomor_antrean"
"""“Nomor antrean”: the opening words of every call."""
GO_TO_COUNTER = "silakan_menuju_loket"
"""“Silakan menuju loket”: before the counter's number."""

DIGITS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
)
LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")
NUMBER_PARTS = ("sepuluh", "sebelas", "belas", "puluh", "seratus", "ratus")

CLIP_NAMES: tuple[str, ...] = (CHIME, QUEUE_NUMBER, GO_TO_COUNTER, *LETTERS, *DIGITS, *NUMBER_PARTS)
"""Every clip a call can need, one ``<name>.wav`` each. ``nol`` is never in an announcement
(0 is neither a queue number, a device mark nor a counter) but the contract lists it, so a
page may say a zero if it ever must."""

RATE = 22050
"""The shipped clips' sample rate; :func:`write_announcement` writes at this rate."""
WORD_GAP_S = 0.06
"""Silence between two clips of one playing: words, not a stutter."""
CHIME_GAP_S = 0.25
"""Silence after the chime, before "nomor antrean"."""
REPEAT_GAP_S = 0.9
"""Silence between the two playings of one call."""
PLAYINGS = 2
"""Each call is played twice, as residents know from other public queue systems."""

_QUEUE_NUMBER = re.compile(r"(?P<mark>[1-9])?(?P<letter>[A-Z])-(?P<sequence>[0-9]{3,})")
_COUNTER = re.compile(r"[1-9][0-9]{0,2}")


def number_words(n: int) -> list[str]:
    """``n`` (1-999) in Indonesian words, one clip name per word.

    ``se-`` joins one ten, one eleven-to-nineteen and one hundred into one word (sepuluh,
    sebelas, seratus), as Indonesian says them; no digit-by-digit reading.

    >>> number_words(17), number_words(110)
    (['tujuh', 'belas'], ['seratus', 'sepuluh'])
    >>> number_words(999)
    ['sembilan', 'ratus', 'sembilan', 'puluh', 'sembilan']
    """
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 999:
        raise ValueError(f"number_words takes a whole number from 1 to 999, not {n!r}")
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [DIGITS[hundreds], "ratus"]
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words += [DIGITS[units], "belas"]
    else:
        if tens:
            words += [DIGITS[tens], "puluh"]
        if units:
            words.append(DIGITS[units])
    return words


def announcement(number: str, counter: str) -> list[str]:
    """The clip names for ONE playing of a call: the chime, "nomor antrean", the letter, the
    number in words, "silakan menuju loket", the counter in words.

    ``number`` is a queue number as the kiosk prints it: ``B-017`` (letter, dash, three
    digits, 1-999). A kiosk with a device mark prints ``2B-017``; the mark is spoken as its
    number word before the letter ("nomor antrean dua B tujuh belas"), as the operator reads
    it aloud (``kiosk.usecases.numbering``). ``counter`` is a numbered counter, "1" to "999"
    without leading zeros, spoken in words ("12" → "dua belas").

    Raises ``ValueError`` for anything else (a lower-case letter, a missing dash, 0 or more
    than 999, a named counter such as "Pengaduan"): there is no clip to speak it with.
    """
    match = _QUEUE_NUMBER.fullmatch(number) if isinstance(number, str) else None
    if match is None:
        raise ValueError(f"not a queue number like B-017 or 2B-017: {number!r}")
    if not isinstance(counter, str) or not _COUNTER.fullmatch(counter):
        raise ValueError(f"not a numbered counter (1-999): {counter!r}")
    sequence = int(match["sequence"])
    if not 1 <= sequence <= 999:
        raise ValueError(f"a queue number to announce runs from 001 to 999: {number!r}")
    clips = [CHIME, QUEUE_NUMBER]
    if match["mark"]:
        clips.append(DIGITS[int(match["mark"])])
    clips.append(match["letter"].lower())
    clips += number_words(sequence)
    clips.append(GO_TO_COUNTER)
    clips += number_words(int(counter))
    return clips


def default_clips_dir() -> Path:
    """The shipped clip set, ``resources/voice/`` (a plain folder, also in the bundle)."""
    return Path(str(files("resources").joinpath("voice")))


def clip_path(name: str, clips_dir: Path | str | None = None) -> Path:
    """The file of clip ``name`` in ``clips_dir`` (default: the shipped set).

    Only names in :data:`CLIP_NAMES` are answered (``ValueError`` otherwise), so a web
    handler may pass a name from a URL straight in without reaching any other file.
    """
    if name not in CLIP_NAMES:
        raise ValueError(f"no such voice clip: {name!r}")
    folder = Path(clips_dir) if clips_dir is not None else default_clips_dir()
    return folder / f"{name}.wav"


def find_clip(name: str, clips_dir: Path | str | None = None) -> Path:
    """The file that speaks clip ``name``: the outpost's own recording when ``clips_dir`` has
    one, else the shipped clip, so a folder that replaces only some clips still says every
    call. ``ValueError`` for a name not in :data:`CLIP_NAMES`."""
    if clips_dir is not None:
        own = clip_path(name, clips_dir)
        if own.is_file():
            return own
    return clip_path(name)


def missing_clips(clips_dir: Path | str | None = None) -> list[str]:
    """The names in :data:`CLIP_NAMES` that have no ``<name>.wav`` file in ``clips_dir``."""
    return [name for name in CLIP_NAMES if not clip_path(name, clips_dir).is_file()]


def clip_problems(clips_dir: Path | str | None = None) -> dict[str, str]:
    """Every clip of ``clips_dir`` that cannot be played, with the reason (English, for the
    log and the admin): missing (the shipped clip stands in, :func:`find_clip`), not a PCM
    WAV the kiosk reads, or empty (a call that needs it rings the chime alone)."""
    problems: dict[str, str] = {}
    for name in CLIP_NAMES:
        path = clip_path(name, clips_dir)
        if not path.is_file():
            problems[name] = f"missing: {path}"
            continue
        try:
            samples = read_clip(path)
        except (OSError, EOFError, wave.Error, ValueError) as error:
            problems[name] = f"not a PCM WAV file the kiosk can read ({error}): {path}"
            continue
        if not samples:
            problems[name] = f"no sound in it: {path}"
    return problems


def read_clip(path: Path | str, rate: int = RATE) -> array:
    """The clip as 16-bit mono samples at ``rate``, whatever PCM WAV an outpost recorded
    (8/16/24/32-bit, mono or stereo, any rate): stereo is mixed down, the rate converted by
    linear interpolation. Raises ``wave.Error`` for a WAV that is not PCM."""
    channels, width, source_rate, raw = _read_pcm_wav(Path(path))
    samples = _to_int16(raw, width)
    if channels > 1:
        frames = len(samples) // channels
        samples = array(
            "h",
            (sum(samples[i * channels : (i + 1) * channels]) // channels for i in range(frames)),
        )
    if source_rate != rate and samples:
        samples = _resample(samples, source_rate, rate)
    return samples


_PCM = 1
_EXTENSIBLE = 0xFFFE
"""WAVE_FORMAT_EXTENSIBLE: what many recorders write for 24-bit or multichannel PCM, and what
Python's ``wave`` (before 3.12) refuses; its sub-format's first two bytes say PCM (1)."""


def _read_pcm_wav(path: Path) -> tuple[int, int, int, bytes]:
    """``(channels, bytes per sample, rate, frames)`` of a PCM WAV, plain or extensible."""
    data = path.read_bytes()
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise wave.Error("not a RIFF WAVE file")
    fmt: tuple[int, int, int, int] | None = None
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        body = data[offset + 8 : offset + 8 + size]
        if chunk == b"fmt ":
            if len(body) < 16:
                raise wave.Error("short fmt chunk")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", body)
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack_from("<H", body, 24)[0]
            if tag != _PCM:
                raise wave.Error(f"format {tag:#x} is not integer PCM")
            if not channels or not rate or not 8 <= bits <= 32:
                raise wave.Error(f"{channels} channels, {rate} Hz, {bits}-bit")
            fmt = (channels, (bits + 7) // 8, rate, bits)
        elif chunk == b"data":
            if fmt is None:
                raise wave.Error("data before fmt")
            channels, width, rate, _ = fmt
            frame = channels * width
            return channels, width, rate, body[: len(body) // frame * frame]
        offset += 8 + size + (size & 1)  # chunks are word-aligned
    raise wave.Error("no fmt or data chunk")


def _to_int16(raw: bytes, width: int) -> array:
    if width == 2:
        samples = array("h")
        samples.frombytes(raw[: len(raw) // 2 * 2])
        if sys.byteorder == "big":
            samples.byteswap()
        return samples
    if width == 1:  # unsigned 8-bit
        return array("h", ((byte - 128) << 8 for byte in raw))
    if width in (3, 4):  # keep the top 16 bits
        return array(
            "h",
            (
                int.from_bytes(raw[i + width - 2 : i + width], "little", signed=True)
                for i in range(0, len(raw) - width + 1, width)
            ),
        )
    raise ValueError(f"{8 * width}-bit samples are not supported")


def _resample(samples: array, source_rate: int, rate: int) -> array:
    count = max(1, round(len(samples) * rate / source_rate))
    step = source_rate / rate
    last = len(samples) - 1
    out = array("h", bytes(2 * count))
    for i in range(count):
        position = i * step
        left = min(int(position), last)
        right = min(left + 1, last)
        fraction = position - left
        out[i] = round(samples[left] + (samples[right] - samples[left]) * fraction)
    return out


def announcement_samples(
    clips: Sequence[str],
    clips_dir: Path | str | None = None,
    *,
    playings: int = PLAYINGS,
    rate: int = RATE,
    cache: dict[str, array] | None = None,
) -> array:
    """One call as 16-bit mono samples: ``clips`` (found by :func:`find_clip`) played
    ``playings`` times, with short silences between words, after the chime and between the
    playings. ``cache`` keeps the
    clips read (by name) for the next call; it must belong to one ``clips_dir`` and rate."""
    cache = {} if cache is None else cache
    one = array("h")
    for index, name in enumerate(clips):
        if index:
            gap = CHIME_GAP_S if clips[index - 1] == CHIME else WORD_GAP_S
            one.extend(_silence(gap, rate))
        if name not in cache:
            cache[name] = read_clip(find_clip(name, clips_dir), rate)
        one.extend(cache[name])
    out = array("h")
    for playing in range(playings):
        if playing:
            out.extend(_silence(REPEAT_GAP_S, rate))
        out.extend(one)
    return out


def write_announcement(
    clips: Sequence[str],
    path: Path | str,
    clips_dir: Path | str | None = None,
    *,
    playings: int = PLAYINGS,
    cache: dict[str, array] | None = None,
) -> float:
    """Write one call (see :func:`announcement_samples`) as a 16-bit mono WAV at
    :data:`RATE`; returns its length in seconds."""
    samples = announcement_samples(clips, clips_dir, playings=playings, cache=cache)
    write_wav(path, samples)
    return len(samples) / RATE


def write_wav(path: Path | str, samples: Iterable[int] | array, rate: int = RATE) -> None:
    """16-bit mono PCM, little-endian as WAV wants it."""
    data = samples if isinstance(samples, array) else array("h", samples)
    if sys.byteorder == "big":
        data = array("h", data)
        data.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data.tobytes())


def _silence(seconds: float, rate: int) -> array:
    return array("h", bytes(2 * round(seconds * rate)))
