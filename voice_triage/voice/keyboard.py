"""Typing while the assistant listens: a line typed at the keyboard answers the open question.

A person who can't make themselves understood aloud is told they can type instead; they should not
have to start again. Lines are read on a thread, so listening never waits for the keyboard.
"""

from __future__ import annotations

import os
import queue
import threading
from typing import BinaryIO

from ..channels.text import MAX_LINE_BYTES

_END = object()


class Keyboard:
    """Lines typed on a stream, collected as they come."""

    def __init__(self, stream: BinaryIO) -> None:
        self._lines: queue.Queue = queue.Queue()
        self.closed = False
        """Whether the stream has ended (no more lines will come)."""
        # the file descriptor, not the buffered stream: a thread blocked inside a buffered read holds its
        # lock, and Python aborts at exit ("could not acquire lock for <stdin>")
        threading.Thread(target=self._read, args=(stream.fileno(),), name="keyboard", daemon=True).start()

    def _read(self, fd: int) -> None:
        pending = b""
        try:
            while chunk := os.read(fd, 4096):
                *lines, pending = (pending + chunk).split(b"\n")
                pending = pending[:MAX_LINE_BYTES]  # an over-long line is cut, never kept whole
                for raw in lines:
                    line = raw[:MAX_LINE_BYTES].decode("utf-8", errors="replace").replace("\x00", "").strip()
                    if line:
                        self._lines.put(line)
        except OSError:  # the terminal went away
            pass
        self._lines.put(_END)

    def typed(self) -> bool:
        """Whether a line is waiting."""
        return not self._lines.empty()

    def line(self, wait: bool) -> str | None:
        """The next typed line; None if there is none (yet, when not waiting) or the stream has ended."""
        if self.closed:
            return None
        try:
            line = self._lines.get(block=wait)
        except queue.Empty:
            return None
        if line is _END:
            self.closed = True
            return None
        return line
