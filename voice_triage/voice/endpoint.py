"""When an utterance starts and ends: voice activity, the trailing silence, and a shorter wait for a
short answer the question's grammar already heard whole."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterator

from .asr import SAMPLE_RATE, Recognizer, Transcript
from .audio import BLOCK_SECONDS


@dataclass
class Endpointing:
    """When an utterance ends, and how long to wait for one."""

    silence: float = 0.3
    """Trailing silence (seconds) that ends an utterance."""
    timeout: float = 8.0
    """Seconds to wait for speech to start before giving up (then the assistant asks again)."""
    max_seconds: float = 20.0
    """Longest utterance."""
    short_silence: float = 0.12
    """Trailing silence that ends an utterance the question's grammar already heard whole ("no")."""


PRE_ROLL = 0.3
"""Audio before the start of speech also given to the recogniser: the voice activity detector notices a
soft first sound ("t" of "tingling") late."""
SPEECH_RATIO = 0.9
"""Speech starts when this share of the last `silence` seconds is voiced (as PocketSphinx's Endpointer)."""


def recognize_frames(chunks: Iterator[bytes], recognizer: Recognizer, timing: Endpointing,
                     clock=time.monotonic,
                     interrupted: Callable[[], bool] | None = None) -> tuple[Transcript | None, float | None]:
    """Feed audio until an utterance ends. Returns (transcript or None if nothing was said, end time).

    Frames go to the recogniser as they come (the audio just before speech started is fed first), so
    when a short answer is complete for its question the turn can end after `short_silence`.
    `interrupted` (a line was typed) stops listening at once, with nothing heard."""
    from pocketsphinx import Vad

    vad = Vad(Vad.LOOSE, SAMPLE_RATE, BLOCK_SECONDS)
    size, seconds = vad.frame_bytes, vad.frame_length
    window = max(2, round(timing.silence / seconds))
    short = max(1, round(timing.short_silence / seconds))
    before: deque[bytes] = deque(maxlen=window + round(PRE_ROLL / seconds))
    voiced: deque[bool] = deque(maxlen=window)
    pending, started, quiet = b"", None, 0
    deadline = clock() + timing.timeout
    for chunk in chunks:
        if interrupted is not None and interrupted():
            return None, None
        pending += chunk
        while len(pending) >= size:
            frame, pending = pending[:size], pending[size:]
            speech = vad.is_speech(frame)
            if started is None:
                before.append(frame)
                voiced.append(speech)
                if len(voiced) == window and sum(voiced) >= SPEECH_RATIO * window:
                    started = clock()
                    recognizer.start()
                    for earlier in before:
                        recognizer.feed(earlier)
                elif clock() > deadline:
                    return None, None
                continue
            recognizer.feed(frame)
            quiet = 0 if speech else quiet + 1
            if quiet >= window or (quiet >= short and recognizer.complete()) \
                    or clock() - started > timing.max_seconds:
                return recognizer.finish(), clock()
    if started is not None:
        return recognizer.finish(), clock()
    return None, None
