"""Keyboard channel: plain lines, suited to screen readers and braille displays."""

from __future__ import annotations

import os
from typing import BinaryIO, TextIO

from ..events import Ask, End, Event, Result, Say

MAX_LINE_BYTES = 1_000_000
"""A longer line is read in part; the rest is discarded."""


def read_line(stream: BinaryIO) -> str | None:
    """One line of input as text (bad bytes replaced), or None at end of input."""
    raw = stream.readline(MAX_LINE_BYTES)
    if not raw:
        return None
    if not raw.endswith(b"\n"):
        while (rest := stream.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
            pass  # drop the rest of an over-long line
    return raw.decode("utf-8", errors="replace").replace("\x00", "").strip()


class TextChannel:
    """Prints each line; asks with a clear prompt; colour only on a terminal without NO_COLOR."""

    confidence = None
    """Typed text is taken as it is."""

    def __init__(self, stdin: BinaryIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout
        self.bold = stdout.isatty() and "NO_COLOR" not in os.environ

    def show(self, event: Event) -> None:
        if isinstance(event, Say):
            text = event.text
            if self.bold and text.startswith("How urgent:"):
                text = f"\033[1m{text}\033[0m"
            self.stdout.write(text + "\n")
        elif isinstance(event, Ask):
            options = {"yes_no": "yes / no / not sure", "choice": " / ".join(event.choices)}.get(event.expect)
            prompt = f"({options}) > " if options else "> "
            self.stdout.write(f"{event.text}\n{prompt}")
        elif isinstance(event, End):
            self.stdout.write("Goodbye.\n")
        elif isinstance(event, Result):
            pass  # its lines arrive as Say events
        self.stdout.flush()

    def read(self) -> str | None:
        line = read_line(self.stdin)
        if line is None:
            self.stdout.write("\n")
        return line
