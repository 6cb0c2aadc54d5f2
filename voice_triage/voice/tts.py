"""Speech out: pyttsx3 renders each reply to a WAV, which sounddevice plays to the end."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import wave
from pathlib import Path
from typing import Protocol

from .asr import SpeechError


class Speaker(Protocol):
    """Says a reply aloud and returns when it has been heard."""

    name: str
    """Shown to the person."""

    def speak(self, text: str) -> None:
        """Speak the whole text, blocking until playback ends. Raises SpeechError."""


class Pyttsx3Speaker:
    """pyttsx3 (espeak-ng) with the 2.99 Linux bugs worked around (VOICE.md).

    Only the last queued utterance is processed and runAndWait() may return before playback,
    so each reply is rendered alone to a file, then played by sounddevice, which blocks.
    """

    def __init__(self, voice: str | None = None, rate: int | None = None, device: int | str | None = None) -> None:
        try:
            import pyttsx3

            self._engine = pyttsx3.init()
        except Exception as exc:  # RuntimeError without libespeak-ng, ImportError, ...
            raise SpeechError(f"the speech engine could not start ({exc})") from None
        voices = {v.id: v for v in self._engine.getProperty("voices")}
        chosen = voice or next((v for v in ("gmw/en-us", "en-us", "gmw/en", "en") if v in voices), None)
        if voice and voice not in voices:
            matches = [v for v in voices.values() if voice.lower() in (v.name or "").lower() or voice in v.id]
            if not matches:
                raise SpeechError(f"no voice called {voice!r} (try `espeak-ng --voices`)")
            chosen = matches[0].id
        if chosen:
            self._engine.setProperty("voice", chosen)
        if rate:
            self._engine.setProperty("rate", int(rate))  # setProperty works; getProperty('rate') does not
        self.device = device
        self.name = f"pyttsx3 / espeak-ng ({chosen or 'default voice'})"
        self._folder = tempfile.mkdtemp(prefix="voice-triage-tts-")
        self._count = 0

    def render(self, text: str) -> tuple[bytes, int]:
        """The reply as 16-bit mono PCM and its sample rate."""
        self._count += 1
        path = Path(self._folder) / f"reply-{self._count}.wav"  # a late write can't clobber the next reply
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        try:
            return _wait_for_wav(path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(path)

    def speak(self, text: str) -> None:
        pcm, rate = self.render(text)
        if not pcm:
            raise SpeechError("the speech engine produced no audio")
        play(pcm, rate, self.device)


WAV_WAIT_SECONDS = 3.0
PAD_SECONDS = 0.25
"""Silence after each reply."""
TAIL_SECONDS = 0.15
"""Extra wait after a reply, for the sound server's latency."""


def _wait_for_wav(path: Path) -> tuple[bytes, int]:
    """runAndWait() can return before the driver's callback has written the file: wait for it."""
    deadline = time.monotonic() + WAV_WAIT_SECONDS
    while True:
        try:
            with wave.open(str(path), "rb") as wav:
                pcm = wav.readframes(wav.getnframes())
                if pcm and len(pcm) == 2 * wav.getnframes():
                    return pcm, wav.getframerate()
        except (OSError, wave.Error, EOFError):
            pass
        if time.monotonic() > deadline:
            raise SpeechError("the speech engine produced no audio")
        time.sleep(0.01)


def play(pcm: bytes, rate: int, device: int | str | None = None) -> None:
    """Play 16-bit mono PCM and return when it has been played."""
    from .audio import _sounddevice

    sd = _sounddevice()
    # A clip shorter than the sound server's pre-buffer can be dropped when the stream closes
    # ("Do you have diabetes?" at a fast rate was never heard): pad every reply with silence.
    pcm = pcm + bytes(2 * int(rate * PAD_SECONDS))
    started = time.monotonic()
    try:
        with sd.RawOutputStream(samplerate=rate, channels=1, dtype="int16", device=device, latency="low") as stream:
            stream.write(pcm)
    except Exception as exc:
        raise SpeechError(f"the speaker could not play ({exc})") from None
    # Closing the stream drains PortAudio's buffer, but a sound server (PulseAudio) may still
    # be playing its own: wait out the whole reply, so the microphone never hears it.
    remaining = started + len(pcm) / 2 / rate + TAIL_SECONDS - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


class PrintedSpeaker:
    """No speech engine: replies are only printed (the channel prints them anyway)."""

    name = "printed replies (no speech engine)"

    def speak(self, text: str) -> None:
        return None
