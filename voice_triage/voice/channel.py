"""The voice channel: the same dialogue, with speech in and speech out (and the text on screen)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Protocol, TextIO

from ..channels.jsonl import event_json
from ..channels.text import read_line
from ..events import Ask, End, Event, Say
from .asr import Recognizer, SpeechError, Transcript, transcribe
from .audio import AudioError, read_wav, wav_chunks
from .endpoint import Endpointing
from .context import Context
from .readings import choose
from .keyboard import Keyboard
from .tts import PrintedSpeaker, Speaker

MAX_SILENT_TURNS = 3
"""After this many listens with nothing said, the session ends (with its result)."""
MAX_SPEECH_FAILURES = 3
"""Replies that can't be spoken in a row before the assistant stops trying to speak."""


class Listener(Protocol):
    """Where spoken turns come from."""

    name: str
    """Shown to the person."""

    def listen(self, recognizer: Recognizer, timing: Endpointing, on_open: Callable[[], None] | None = None,
               interrupted: Callable[[], bool] | None = None) -> tuple[Transcript | None, float | None]:
        """One utterance, or (None, None) if nothing was said in time; `on_open` once audio flows;
        stop at once when `interrupted()` turns true."""


@dataclass
class RecordedTurns:
    """Scripted voice input: one WAV file per turn (tests, demos, benchmarks)."""

    files: list[Path]
    """The turns, in order."""
    name: str = "recorded turns"

    def listen(self, recognizer: Recognizer, timing: Endpointing, on_open: Callable[[], None] | None = None,
               interrupted: Callable[[], bool] | None = None) -> tuple[Transcript | None, float | None]:
        if not self.files:
            raise EOFError
        if on_open is not None:
            on_open()
        return transcribe(recognizer, wav_chunks(read_wav(self.files.pop(0)))), None


@dataclass
class VoiceChannel:
    """Speaks every event, listens for every answer, and shows both sides."""

    listener: Listener
    """The microphone, or recorded turns."""
    recognizer: Recognizer
    """The speech engine."""
    speaker: Speaker
    """The voice."""
    screen: TextIO = sys.stdout
    """Where the conversation is shown (or JSON lines are written)."""
    jsonl: bool = False
    """Write session events as JSON lines, with `heard` events."""
    timing: Endpointing = field(default_factory=Endpointing)
    """Endpointing settings."""
    listen_for: Callable[[Ask], Context | None] | None = None
    """The recognition context of a question (voice/context.py); None: always the open model."""
    matters: Callable[[str, str], bool] | None = None
    """Whether the open reading heard something (a warning sign) that the question's reading did not."""
    answers: Callable[[Ask, str], str | None] | None = None
    """What a reading answers to the question, or None (two readings that answer alike agree)."""
    command: Callable[[str], str | None] | None = None
    """The dialogue command a reading is ("GoBack"), or None."""
    keyboard: BinaryIO | None = None
    """Typed input to fall back on if the microphone fails."""
    type_while_listening: bool = False
    """Also take a line typed at the keyboard as the answer while listening (a person at a terminal)."""
    confidence: float | None = None
    """The recogniser's confidence in the last turn read (None when it was typed)."""
    _context: Context | None = None
    _ask: Ask | None = None
    _typing: bool = False
    _speech_failures: int = 0
    _broken_speaker: Speaker | None = None
    _keys: Keyboard | None = None

    def show(self, event: Event) -> None:
        if self.jsonl:
            self._write(event_json(event))
        elif isinstance(event, (Say, Ask)):
            self.screen.write(f"Assistant: {event.text}\n")
        elif isinstance(event, End):
            self.screen.write("Goodbye.\n")
        self.screen.flush()
        if isinstance(event, Ask) and self.listen_for is not None:
            self._context = self.listen_for(event)
            self._ask = event
            self.recognizer.expect(self._context)
        if isinstance(event, (Say, Ask)):
            self._say(event.text)

    def read(self) -> str | None:
        if self._typing:
            return self._type()
        keys = self._keyboard() if self.type_while_listening else None
        silent = 0
        while silent < MAX_SILENT_TURNS:
            try:
                transcript, _ = self.listener.listen(self.recognizer, self.timing, self._listening,
                                                     keys.typed if keys is not None else None)
            except EOFError:
                return None
            except AudioError as exc:
                return self._fall_back_to_typing(str(exc))
            if keys is not None and keys.typed():
                if (line := keys.line(wait=False)) is not None:
                    self.confidence = None  # typed: taken as it is
                    return line
                continue  # the keyboard closed; listening goes on
            if transcript is None or not transcript.text:
                silent += 1
                if silent < MAX_SILENT_TURNS:
                    self._tell("I didn't hear anything. Please answer when you're ready.")
                continue
            if self.matters is not None and self._context is not None:
                ask, answers = self._ask, self.answers
                transcript = choose(transcript.in_context, transcript, self._context, self.matters,
                                    (lambda text: answers(ask, text)) if answers and ask else None, self.command)
            self._heard(transcript)
            self.confidence = transcript.confidence  # the dialogue checks what it is unsure of
            return transcript.text
        return None

    # -- helpers ---------------------------------------------------------------------

    def _listening(self) -> None:
        """In JSON lines mode, say when the microphone is open (others can speak into it then)."""
        if self.jsonl:
            self._write({"type": "listening"})

    def _tell(self, text: str, ask: bool = False) -> None:
        self.show(Ask(text, "yes_no") if ask else Say(text))

    def _heard(self, transcript: Transcript) -> None:
        if self.jsonl:
            self._write({"type": "heard", "text": transcript.text, "confidence": round(transcript.confidence, 3)})
        else:
            self.screen.write(f"You: {transcript.text}\n")
        self.screen.flush()

    def _say(self, text: str) -> None:
        """Speak; a failed reply is shown only, and after a few failures in a row speech stops."""
        try:
            self.speaker.speak(text)
            self._speech_failures = 0
        except SpeechError as exc:
            self._speech_failures += 1
            if self._speech_failures < MAX_SPEECH_FAILURES:
                sys.stderr.write(f"voice-triage: this reply could not be spoken ({exc}); it is shown instead.\n")
                return
            sys.stderr.write(f"voice-triage: speech failed again ({exc}); replies will only be shown.\n")
            self._broken_speaker = self.speaker  # keep it alive: its driver may still call back
            self.speaker = PrintedSpeaker()

    def _fall_back_to_typing(self, reason: str) -> str | None:
        sys.stderr.write(f"voice-triage: {reason}. Let's continue by typing.\n")
        self._typing = True
        if self.keyboard is None:
            return None
        if not self.jsonl:
            self.screen.write("Type your answer and press Enter.\n> ")
            self.screen.flush()
        return self._type()

    def _type(self) -> str | None:
        self.confidence = None
        if self._keys is not None:
            return self._keys.line(wait=True)
        return read_line(self.keyboard) if self.keyboard is not None else None

    def _keyboard(self) -> Keyboard | None:
        """The keyboard read while listening (started once, so no typed line is lost between turns)."""
        if self._keys is None and self.keyboard is not None:
            self._keys = Keyboard(self.keyboard)
        return self._keys

    def _write(self, data: dict) -> None:
        self.screen.write(json.dumps(data, ensure_ascii=False) + "\n")
        self.screen.flush()
