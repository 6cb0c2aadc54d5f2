"""Speech out: pyttsx3 renders each reply to a WAV, which sounddevice plays to the end."""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import re
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Callable, Iterable, Protocol

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
        """The first sentence plays while the next ones are rendered (pyttsx3 stays on this thread)."""
        with Playback(self.device) as playback:
            for sentence in sentences(text):
                pcm, rate = self.render(sentence)
                if not pcm:
                    raise SpeechError("the speech engine produced no audio")
                playback.add(pcm, rate)


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
    play_clips(rate, [pcm], device)


def play_clips(rate: int, clips: Iterable[bytes], device: int | str | None = None,
               on_start: Callable[[], None] | None = None) -> None:
    """Play clips one after another on one stream, as they come, and return when all have been played;
    `on_start` just before the first sound."""
    from .audio import _sounddevice

    sd = _sounddevice()
    started = played = 0.0
    try:
        with sd.RawOutputStream(samplerate=rate, channels=1, dtype="int16", device=device, latency="low") as stream:
            for pcm in clips:
                if not started:
                    started = time.monotonic()
                    if on_start is not None:
                        on_start()
                stream.write(pcm)
                played += len(pcm) / 2 / rate
            # A clip shorter than the sound server's pre-buffer can be dropped when the stream closes
            # ("Do you have diabetes?" at a fast rate was never heard): end every reply with silence.
            stream.write(bytes(2 * int(rate * PAD_SECONDS)))
    except Exception as exc:
        raise SpeechError(f"the speaker could not play ({exc})") from None
    # Closing the stream drains PortAudio's buffer, but a sound server (PulseAudio) may still
    # be playing its own: wait out the whole reply, so the microphone never hears it.
    remaining = started + played + PAD_SECONDS + TAIL_SECONDS - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)


_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-Z0-9\"'(])")


def sentences(text: str) -> list[str]:
    """The text cut after each sentence, so the first can be heard while the rest is rendered."""
    return [part for part in _SENTENCE_END.split(text.strip()) if part.strip()] or [text]


class Playback:
    """Plays clips in order on a thread while the caller renders the next; `with` waits for the end."""

    def __init__(self, device: int | str | None = None) -> None:
        self.device = device
        self.first_sound: float | None = None
        """When the first clip started to play (monotonic seconds)."""
        self._clips: queue.Queue = queue.Queue()
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._play_all, daemon=True)
        self._thread.start()

    def _started(self) -> None:
        self.first_sound = time.monotonic()

    def add(self, pcm: bytes, rate: int) -> None:
        if self._error is not None:
            raise SpeechError(f"the speaker could not play ({self._error})")
        self._clips.put((pcm, rate))

    def __enter__(self) -> Playback:
        return self

    def __exit__(self, *exc_info) -> None:
        self._clips.put(None)
        self._thread.join()
        if self._error is not None and exc_info[0] is None:
            raise SpeechError(f"the speaker could not play ({self._error})")

    def _play_all(self) -> None:
        clips = iter(self._clips.get, None)
        try:
            first = next(clips, None)
            if first is None:
                return
            play_clips(first[1], itertools.chain([first[0]], (pcm for pcm, _ in clips)), self.device,
                       on_start=self._started)
        except Exception as exc:  # reported to the caller; the queue is drained so nothing waits
            self._error = exc
            for _ in clips:
                pass


class PrintedSpeaker:
    """No speech engine: replies are only printed (the channel prints them anyway)."""

    name = "printed replies (no speech engine)"

    def speak(self, text: str) -> None:
        return None
