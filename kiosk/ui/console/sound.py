"""The call-out's spoken calls: one serial queue of clip announcements, no speech engine.

Each call is composed by :func:`kiosk.voice.announcement` ("chime, nomor antrean, B, tujuh
belas, silakan menuju loket, dua") from the clips in ``resources/voice/`` and joined, played
twice with short pauses, into one WAV (:func:`kiosk.voice.write_announcement`). The hall
display's pages speak the same clip list, so every speaker in the outpost says the same.

PySide6-Essentials has neither QtMultimedia nor QtTextToSpeech, so the WAV plays through the
platform's own player: ``paplay`` or ``aplay`` on Linux (a ``QProcess``: the call is over
when the process exits), ``winsound`` on Windows (over when the WAV's length has passed);
a machine with none of them beeps. Headless (``QT_QPA_PLATFORM=offscreen``, the tests) the
queue runs the same way without a sound, each call lasting its WAV's length.

One queue, one call at a time: a call made while another is being spoken waits until that
one has finished; nothing is ever cut off. A call that cannot be spoken (a named counter, a
number past 999, a clip missing from an outpost's own set) still rings the chime, in its turn.

``resources/sounds/chime.wav`` is the chime's source (made by :func:`write_chime`, stdlib
only); ``make voice`` copies it into the clip set, and it is the last resort when an
outpost's clip folder has no usable chime.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import struct
import sys
import tempfile
import wave
from array import array
from collections import deque
from dataclasses import dataclass
from importlib.resources import as_file, files
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk.voice import (
    CHIME,
    PLAYINGS,
    RATE,
    clip_problems,
    read_clip,
    write_announcement,
    write_wav,
)
from kiosk.voice import announcement as compose_announcement

log = logging.getLogger(__name__)

HANG_GRACE_S = 10.0
"""A player still running this long after its WAV's length is stuck (a wedged sound server):
it is stopped so the queue goes on."""


def chime_frames(rate: int = RATE) -> bytes:
    """Ding (E5) then dong (C5), each a bell-like tone with a soft attack and a long decay."""
    samples: list[int] = []
    for freq, length in ((659.25, 0.65), (523.25, 1.1)):
        count = int(rate * length)
        for i in range(count):
            t = i / rate
            attack = min(1.0, t / 0.01)
            decay = math.exp(-3.2 * t / length)
            tone = (
                math.sin(2 * math.pi * freq * t)
                + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
                + 0.12 * math.sin(2 * math.pi * 3 * freq * t)
            ) / 1.47
            samples.append(int(0.6 * 32767 * attack * decay * tone))
    return struct.pack(f"<{len(samples)}h", *samples)


def write_chime(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(chime_frames())
    return path


def chime_path() -> Path:
    resource = files("resources").joinpath("sounds", "chime.wav")
    with as_file(resource) as path:  # a real file already, unless zipped
        return Path(path)


def _headless() -> bool:
    return os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal")


def pick_method() -> str:
    """How this machine plays a WAV: ``silent`` (headless), ``winsound``, ``player``
    (paplay/aplay) or ``beep``."""
    if _headless():
        return "silent"
    if sys.platform == "win32":
        return "winsound"
    if shutil.which("paplay") or shutil.which("aplay"):
        return "player"
    return "beep"


@dataclass
class SpokenCall:
    """One call in the queue: what is said (``clips``, one playing) and the WAV that says it
    ``playings`` times. ``clips == [CHIME]`` when the call could only be chimed."""

    number: str
    counter: str
    clips: list[str]
    playings: int = PLAYINGS
    path: Path | None = None
    duration_s: float = 0.0


class CallPlayer(QObject):
    """Plays calls one after another; ``announce`` queues one.

    ``events`` records ``("start" | "finish", call)`` in the order they happened, so the
    order can be checked without a sound card. ``silent_speed`` scales how long a silent
    (headless) call lasts: 1.0 is its real length.
    """

    started = Signal(object)
    finished = Signal(object)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        clips_dir: Path | str | None = None,
        method: str | None = None,
        silent_speed: float = 1.0,
    ) -> None:
        super().__init__(parent)
        self.clips_dir = Path(clips_dir) if clips_dir is not None else None
        self.method = method or pick_method()
        self.silent_speed = silent_speed
        self.calls: list[SpokenCall] = []
        """Every call asked for, in order."""
        self.events: list[tuple[str, SpokenCall]] = []
        self.current: SpokenCall | None = None
        self._waiting: deque[SpokenCall] = deque()
        self._cache: dict[str, array] = {}
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._process: QProcess | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._time_is_up)
        problems = clip_problems(self.clips_dir)
        for name, problem in problems.items():
            log.warning("voice clip %s %s", name, problem)
        log.info("calls are spoken through %s", self.method)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    @property
    def waiting(self) -> list[SpokenCall]:
        return list(self._waiting)

    def announce(self, number: str, counter: str) -> SpokenCall:
        """Queue the call; it plays at once if nothing else is playing."""
        try:
            clips = compose_announcement(number, counter)
        except ValueError as error:
            log.warning(
                "call %s at counter %s has no words (%s): chime alone", number, counter, error
            )
            clips = [CHIME]
        call = SpokenCall(number, counter, clips)
        self.calls.append(call)
        self._waiting.append(call)
        self._play_next()
        return call

    def stop(self) -> None:
        """Drop the waiting calls and stop the one playing (the kiosk is closing)."""
        self._waiting.clear()
        self._timer.stop()
        if self.method == "winsound" and self.current is not None:
            import winsound

            winsound.PlaySound(None, 0)  # stops the sound playing asynchronously
        if self._process is not None:
            process, self._process = self._process, None
            process.finished.disconnect(self._player_exited)
            process.errorOccurred.disconnect(self._player_failed)
            process.kill()
            process.waitForFinished(1000)
        self.current = None
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def _play_next(self) -> None:
        if self.current is not None or not self._waiting:
            return
        call = self._waiting.popleft()
        self.current = call
        self._render(call)
        self.events.append(("start", call))
        self.started.emit(call)
        try:
            self._start_output(call)
        except Exception:  # a missing sound device must never stop the queue
            log.warning("call %s could not play", call.number, exc_info=True)
            self._timer.start(self._ms(call.duration_s))

    def _render(self, call: SpokenCall) -> None:
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="ppp-calls-")
        call.path = Path(self._folder.name) / f"call-{len(self.events)}.wav"
        try:
            call.duration_s = write_announcement(
                call.clips, call.path, self.clips_dir, playings=call.playings, cache=self._cache
            )
            return
        except (OSError, EOFError, ValueError, wave.Error):
            log.warning("call %s could not be composed: chime alone", call.number, exc_info=True)
        call.clips, call.playings = [CHIME], 1
        try:
            samples = read_clip(chime_path())
            write_wav(call.path, samples)
            call.duration_s = len(samples) / RATE
        except (OSError, EOFError, ValueError, wave.Error):
            log.warning("the chime could not be read", exc_info=True)
            call.path, call.duration_s = None, 0.0

    def _start_output(self, call: SpokenCall) -> None:
        if call.path is None or self.method == "silent":
            self._timer.start(self._ms(call.duration_s * self.silent_speed))
        elif self.method == "player":
            program = shutil.which("paplay") or shutil.which("aplay") or "aplay"
            process = QProcess(self)
            process.finished.connect(self._player_exited)
            process.errorOccurred.connect(self._player_failed)
            self._process = process
            self._timer.start(self._ms(call.duration_s + HANG_GRACE_S))  # the hang guard
            process.start(program, [str(call.path)])
        elif self.method == "winsound":
            import winsound

            winsound.PlaySound(str(call.path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            self._timer.start(self._ms(call.duration_s + 0.15))
        else:
            QApplication.beep()
            self._timer.start(self._ms(call.duration_s))

    @staticmethod
    def _ms(seconds: float) -> int:
        return max(0, math.ceil(seconds * 1000))

    def _player_exited(self, code: int, status: QProcess.ExitStatus) -> None:
        if code or status != QProcess.ExitStatus.NormalExit:
            log.warning("the sound player ended with %s (%s)", code, status)
        self._finish()

    def _player_failed(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            log.warning("the sound player did not start (%s)", error)
            self._finish()

    def _time_is_up(self) -> None:
        if self._process is not None:
            log.warning("the sound player hung: stopped, the next call goes on")
        self._finish()

    def _finish(self) -> None:
        call = self.current
        if call is None:
            return
        self._timer.stop()
        if self._process is not None:
            process, self._process = self._process, None
            process.finished.disconnect(self._player_exited)
            process.errorOccurred.disconnect(self._player_failed)
            if process.state() != QProcess.ProcessState.NotRunning:
                process.kill()
                process.waitForFinished(1000)
            process.deleteLater()
        if call.path is not None:
            call.path.unlink(missing_ok=True)
        self.current = None
        self.events.append(("finish", call))
        self.finished.emit(call)
        self._play_next()
