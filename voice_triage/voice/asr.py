"""The recognizer interface, and choosing an engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

if TYPE_CHECKING:
    from .context import Context

SAMPLE_RATE = 16000
"""Both engines listen at 16 kHz, 16-bit, mono."""


class SpeechError(Exception):
    """A speech engine, model or device problem, with a message for the person."""


@dataclass(frozen=True)
class Transcript:
    """What was recognised in one utterance."""

    text: str
    """The words, lower case ("" for nothing)."""
    confidence: float
    """0..1 for the whole utterance (the mean of its words)."""
    words: tuple[tuple[str, float], ...] = ()
    """Each word with its confidence."""
    in_context: Transcript | None = None
    """The same audio decoded with the open question's grammar (voice/context.py), when there was one."""


class Recognizer(Protocol):
    """A speech recogniser fed one utterance at a time."""

    name: str
    """Shown to the person, e.g. "PocketSphinx (domain grammar)"."""

    def expect(self, context: Context | None) -> None:
        """What the next utterances answer (None: a free description)."""

    def start(self) -> None:
        """Begin an utterance."""

    def feed(self, pcm: bytes) -> None:
        """16-bit mono PCM at SAMPLE_RATE."""

    def finish(self) -> Transcript:
        """End the utterance and return what was heard."""

    def complete(self) -> bool:
        """The utterance so far is a whole answer of the expected context ("no"): it may end sooner."""


def transcribe(recognizer: Recognizer, frames: Iterable[bytes]) -> Transcript:
    """Run one whole utterance through a recogniser."""
    recognizer.start()
    for frame in frames:
        recognizer.feed(frame)
    return recognizer.finish()


def choose_recognizer(engine: str | None, vocabulary: list[str], sentences: list[str], model: str | None = None,
                      vosk_mode: str = "grammar", answer_words: frozenset[str] = frozenset(),
                      remember: Path | None = None) -> Recognizer:
    """The requested engine, or Vosk when a model is found, else PocketSphinx (which keeps its cepstral means in
    `remember` from one session to the next). Raises SpeechError."""
    from .models import resolve_model

    if engine not in (None, "vosk", "pocketsphinx"):
        raise SpeechError(f"unknown speech engine {engine!r} (use vosk or pocketsphinx)")
    model_path: Path | None = None
    if engine in (None, "vosk"):
        model_path = resolve_model(model)
        if model_path is None and engine == "vosk":
            raise SpeechError("no Vosk model found: run `voice-triage model download`, or pass --model PATH")
    if model_path is not None:
        from .vosk_asr import VoskRecognizer

        return VoskRecognizer(model_path, vocabulary, mode=vosk_mode)
    from .sphinx import SphinxRecognizer

    return SphinxRecognizer(vocabulary, sentences, answer_words, remember)
