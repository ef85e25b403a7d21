"""The call-out chime and voice.

The chime is ``resources/sounds/chime.wav``, made by :func:`write_chime` (a two-tone
ding-dong, stdlib only). It plays through ``QSoundEffect`` when QtMultimedia is installed;
PySide6-Essentials does not ship QtMultimedia, so the kiosk falls back to the platform's own
player (``winsound`` on Windows, ``paplay``/``aplay`` on Linux) and last to
``QApplication.beep()``. The voice uses QtTextToSpeech (PySide6-Addons, not a dependency)
only when it imports and the machine has an Indonesian voice; otherwise the chime alone.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import struct
import subprocess
import sys
import wave
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

RATE = 22050


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


class Chime(QObject):
    """Plays the chime by the best means the machine has; ``method`` says which."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = chime_path()
        self.played = 0
        self._effect: Any = None
        self._player: subprocess.Popen | None = None
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:
            self.method = self._fallback_method()
        else:
            self._effect = QSoundEffect(self)
            self._effect.setSource(QUrl.fromLocalFile(str(self.path)))
            self._effect.setVolume(0.9)
            self.method = "qsoundeffect"
        log.info("call-out chime plays through %s", self.method)

    @staticmethod
    def _fallback_method() -> str:
        if _headless():
            return "none"
        if sys.platform == "win32":
            return "winsound"
        if shutil.which("paplay") or shutil.which("aplay"):
            return "player"
        return "beep"

    def play(self) -> None:
        self.played += 1
        try:
            if self.method == "qsoundeffect":
                self._effect.play()
            elif self.method == "winsound":
                import winsound

                winsound.PlaySound(str(self.path), winsound.SND_FILENAME | winsound.SND_ASYNC)
            elif self.method == "player":
                if self._player is not None and self._player.poll() is None:
                    return  # the last chime is still ringing
                program = shutil.which("paplay") or shutil.which("aplay") or "aplay"
                self._player = subprocess.Popen(
                    [program, str(self.path)],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            elif self.method == "beep":
                QApplication.beep()
        except Exception:  # a missing sound device must never stop a call
            log.warning("the chime could not play", exc_info=True)

    def close(self) -> None:
        if self._player is not None and self._player.poll() is None:
            self._player.terminate()
            self._player.wait(1)


class Voice(QObject):
    """Speaks the call in Bahasa Indonesia, when the machine can; ``available`` says so."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine: Any = None
        self.spoken: list[str] = []
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError:
            log.info("QtTextToSpeech is not installed (PySide6-Addons): chime alone")
            return
        try:
            engine = QTextToSpeech(self)
            indonesian = [
                locale
                for locale in engine.availableLocales()
                if locale.name().lower().startswith(("id", "in_"))
            ]
            if not indonesian:
                log.info("no Indonesian text-to-speech voice on this machine: chime alone")
                return
            engine.setLocale(indonesian[0])
            self._engine = engine
        except Exception:  # a broken speech backend must not stop the console
            log.warning("text-to-speech could not start", exc_info=True)

    @property
    def available(self) -> bool:
        return self._engine is not None

    def say(self, text: str) -> None:
        self.spoken.append(text)
        if self._engine is not None:
            self._engine.say(text)
