"""Finding and reading the data files (intents/, rules/), with file:line errors."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            raise DataError("", key_node.start_mark.line + 1,
                            f"key {key_node.value!r} must be plain text (quote it: YAML reads it as {type(key).__name__})")
        if key in result:
            raise DataError("", key_node.start_mark.line + 1, f"duplicate key {key!r}")
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, root: Path) -> Any:
    """Read one YAML file; any problem becomes a DataError with its line."""
    shown = display_path(path, root)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(shown, 0, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise DataError(shown, 0, f"can't read: {exc.strerror}") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except DataError as exc:
        raise DataError(shown, exc.line, exc.message) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise DataError(shown, line, f"YAML syntax: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise DataError(shown, 0, f"YAML: {exc}") from None


def line_of(node: Any, key: Any = None, index: int | None = None) -> int:
    """Best-known line of a mapping key, a list item, or the node itself."""
    if key is not None and isinstance(node, LineDict):
        return node.key_lines.get(key, node.line)
    if index is not None and isinstance(node, LineList) and index < len(node.item_lines):
        return node.item_lines[index]
    return getattr(node, "line", 0)
