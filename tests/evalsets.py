"""The labelled evaluation sets of tests/fixtures/eval/, split by a fixed rule into development and held-out."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

EVAL = Path(__file__).resolve().parent / "fixtures" / "eval"


def held_out(text: str) -> bool:
    """The fixed split: about a third of the items, chosen by a hash of their text."""
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest(), 16) % 3 == 0


def load(name: str):
    with (EVAL / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def answers(part: str | None = None) -> list[tuple[str, str, str]]:
    """(context, label, text) for every short answer; part is "dev", "heldout" or None for all."""
    out = []
    for context, labels in load("answers.yaml").items():
        for label, texts in labels.items():
            out += [(context, label, text) for text in texts]
    return _part(out, part, lambda item: item[2])


def red_flags(part: str | None = None) -> list[tuple[str, bool, str]]:
    """(red flag id, should fire, text)."""
    out = []
    for flag, groups in load("red_flags.yaml").items():
        out += [(flag, True, text) for text in groups["fires"]]
        out += [(flag, False, text) for text in groups["negated"]]
    return _part(out, part, lambda item: item[2])


def descriptions(part: str | None = None) -> list[dict]:
    """{text, levels, top (source ids, any of which may come first), red_flags?}."""
    return _part(load("descriptions.yaml"), part, lambda item: item["text"])


def spoken_answers(part: str | None = None) -> list[tuple[str, str, str]]:
    """(context, label, text) for every short spoken answer (spoken_answers.yaml)."""
    out = []
    for context, labels in load("spoken_answers.yaml").items():
        for label, texts in labels.items():
            out += [(context, str(label), text) for text in texts]
    return _part(out, part, lambda item: item[2])


def _part(items: list, part: str | None, text_of) -> list:
    if part is None:
        return items
    want = part == "heldout"
    return [item for item in items if held_out(text_of(item)) == want]
