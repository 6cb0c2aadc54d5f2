"""Where the data files are (intents/, rules/), and errors that point at file:line."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT_ENV = "VOICE_TRIAGE_DATA"


@dataclass(frozen=True)
class DataError(Exception):
    """A problem in a data file, reported as `file:line: message`."""

    path: str
    """The file, relative to the data root when possible."""
    line: int
    """1-based line number (0 when unknown)."""
    message: str
    """What is wrong, in plain words."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class DataErrors(Exception):
    """Several DataErrors found while loading; `check` prints them all."""

    def __init__(self, errors: list[DataError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


def data_root() -> Path:
    """The folder holding intents/ and rules/: $VOICE_TRIAGE_DATA or the source checkout."""
    override = os.environ.get(ROOT_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent


def data_files(root: Path) -> list[Path]:
    """Every data file the assistant reads, in a stable order."""
    files = sorted((root / "intents").rglob("*.yaml")) + sorted((root / "rules").rglob("*.yaml"))
    return files


def display_path(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class LineDict(dict):
    """A YAML mapping that remembers the line of each key."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A YAML sequence that remembers the line of each item."""

    line: int = 0
    item_lines: list


def line_of(node: Any, key: Any = None, index: int | None = None) -> int:
    """Best-known line of a mapping key, a list item, or the node itself."""
    if key is not None and isinstance(node, LineDict):
        return node.key_lines.get(key, node.line)
    if index is not None and isinstance(node, LineList) and index < len(node.item_lines):
        return node.item_lines[index]
    return getattr(node, "line", 0)
