"""Reading YAML while remembering the line of every key and item (for file:line errors).

Imported only when the data is compiled: a cached start never loads PyYAML.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .data import DataError, LineDict, LineList, display_path


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


