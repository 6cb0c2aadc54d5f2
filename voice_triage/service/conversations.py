"""Conversations held one turn at a time (a voice assistant's agent): no I/O but the saved summaries.

Each turn arrives alone, so the dialogues live here, keyed by the caller's conversation id,
expire when idle, and are bounded in number. Replies are written for the ear: the lines a voice
session would speak, ending with the question, and the final assessment in brief.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..brain import Brain
from ..dialogue import Dialogue
from ..events import Ask, End, Event, Result, Say
from ..session import summary_paths

WAKE_WORD_HINT = "Say the wake word, then your answer."
BRIEF_LINES = 2
"""Lines of the final assessment spoken (the care level and why); the rest is in the saved summary."""
SAVED = "I've saved the full assessment and a summary you can show a doctor."
NOT_SAVED = "The summary is long to read aloud: type voice-triage --text to see it on screen."
SHARED = "shared"
"""The conversation of a client that sends no context."""


@dataclass
class Conversation:
    """One person's dialogue, between turns."""

    dialogue: Dialogue
    """The conversation itself."""
    last_turn: float
    """When it was last spoken to (monotonic seconds)."""
    hinted: set[str] = field(default_factory=set)
    """Questions already asked with the wake-word hint."""


class Conversations:
    """Every live conversation; expired and surplus ones are saved and forgotten."""

    def __init__(self, brain: Brain, idle_seconds: float = 600, most: int = 100,
                 save_to: Path | None = None, clock=time.monotonic) -> None:
        self.brain = brain
        self.idle_seconds = idle_seconds
        self.most = most
        self.save_to = save_to
        self.clock = clock
        self.live: dict[str, Conversation] = {}
        self.ended: dict[str, float] = {}
        """Conversations that expired or were pushed out, by key (bounded)."""

    def turn(self, key: str | None, text: str) -> tuple[bool, str]:
        """(handled, reply) for one utterance. Not handled: a first utterance that isn't about the leg or foot."""
        self.expire()
        key = key or SHARED
        conversation = self.live.get(key)
        opening: list[Event] = []
        if conversation is None:
            if not self._about_symptoms(text):
                if self.ended.pop(key, None) is not None:  # it was ours, and it timed out
                    return True, ("Our earlier conversation has ended, so let's start again. Please tell me what "
                                  "you are feeling, and where in your leg or foot. " + WAKE_WORD_HINT)
                return False, ("I can only help with numbness or tingling in the leg or foot. "
                               "Describe what you feel, for example: my foot has been tingling for a week.")
            conversation = Conversation(Dialogue(self.brain), self.clock())
            opening = [e for e in conversation.dialogue.start() if isinstance(e, Say)]  # the disclaimer
            self._make_room()
            self.live[key] = conversation
        conversation.last_turn = self.clock()
        events = opening + conversation.dialogue.hear(text)
        reply = self._for_the_ear(conversation, events)
        if conversation.dialogue.done:
            self.close(key)
        return True, reply

    def expire(self) -> None:
        """Forget conversations idle for longer than idle_seconds (saving their summaries)."""
        now = self.clock()
        for key in [k for k, c in self.live.items() if now - c.last_turn > self.idle_seconds]:
            self.close(key)

    def close(self, key: str) -> None:
        conversation = self.live.pop(key, None)
        if conversation is not None and not conversation.dialogue.done:
            self.ended[key] = self.clock()  # remembered a while, to explain a fresh start politely
            while len(self.ended) > self.most * 10:
                self.ended.pop(next(iter(self.ended)))
        if conversation is not None and self.save_to is not None and conversation.dialogue.said:
            self._save(key, conversation.dialogue)

    # -- helpers ----------------------------------------------------------------------

    def _about_symptoms(self, text: str) -> bool:
        probe: dict = {}
        _, changed = self.brain.read(probe, text)
        return bool(changed)

    def _make_room(self) -> None:
        while len(self.live) >= self.most:
            oldest = min(self.live, key=lambda k: self.live[k].last_turn)
            self.close(oldest)

    def _for_the_ear(self, conversation: Conversation, events: list[Event]) -> str:
        """The lines a voice session would speak; after a result only its first BRIEF_LINES (level and why)."""
        lines: list[str] = []
        after_result = None  # Say lines left to keep of the assessment just given
        for event in events:
            if isinstance(event, Result):
                after_result = BRIEF_LINES
            elif isinstance(event, Say):
                if "\n" in event.text:  # the clinician summary: for reading, not for the ear
                    lines.append(SAVED if self.save_to is not None else NOT_SAVED)
                elif after_result is None or after_result > 0:
                    lines.append(event.text)
                    after_result = None if after_result is None else after_result - 1
            elif isinstance(event, Ask):
                after_result = None
                lines.append(event.text)
                if event.text not in conversation.hinted:
                    conversation.hinted.add(event.text)
                    lines.append(WAKE_WORD_HINT)
            elif isinstance(event, End):
                after_result = None
        return " ".join(lines)

    def _save(self, key: str, dialogue: Dialogue) -> None:
        assert self.save_to is not None
        self.save_to.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_-]", "_", key)[:80] or SHARED
        markdown, data = summary_paths(self.save_to / f"{name}.md")
        markdown.write_text(dialogue.summary(), encoding="utf-8")
        data.write_text(json.dumps(dialogue.assessment().to_dict(), indent=2) + "\n", encoding="utf-8")

