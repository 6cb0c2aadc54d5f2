"""Ways to hold the conversation: each shows events and reads the person's turns."""

from __future__ import annotations

from typing import Protocol

from ..events import Event


class Channel(Protocol):
    """Moves text in and out; the dialogue does the rest."""

    confidence: float | None
    """How sure the channel is of the last turn it read (a recogniser's confidence); None for typed text."""

    def show(self, event: Event) -> None:
        """Present one event (speak it, print it, or write it as JSON)."""

    def read(self) -> str | None:
        """The person's next turn, or None when input has ended."""
