"""Machine-readable channel: one JSON event per line (CONTRACT.md, Session events)."""

from __future__ import annotations

import json
from typing import BinaryIO, TextIO

from ..events import Ask, End, Event, Result, Say
from .text import read_line


def event_json(event: Event) -> dict:
    """The contract's JSON form of an event."""
    if isinstance(event, Say):
        return {"type": "say", "text": event.text}
    if isinstance(event, Ask):
        out = {"type": "ask", "text": event.text, "expect": event.expect}
        if event.choices:
            out["choices"] = list(event.choices)
        return out
    if isinstance(event, Result):
        return {"type": "result", "assessment": event.assessment.to_dict()}
    if isinstance(event, End):
        return {"type": "end"}
    raise TypeError(event)


class JsonlChannel:
    """Writes events as JSON lines; reads one plain line per question."""

    confidence = None
    """Typed text is taken as it is."""

    def __init__(self, stdin: BinaryIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout

    def show(self, event: Event) -> None:
        self.stdout.write(json.dumps(event_json(event), ensure_ascii=False) + "\n")
        self.stdout.flush()

    def read(self) -> str | None:
        return read_line(self.stdin)
