"""intents/said.yaml: sentence frames around the lexicons' phrases ("i have {sensations} in my {regions}"),
filled in as sentences for the open speech model's bigrams. Understanding never reads them."""

from __future__ import annotations

import re
from pathlib import Path

from ..data import DataError, LineList, display_path, line_of
from ..yamlfile import load_yaml

SLOT = re.compile(r"\{(\w+)\}")
DURATION = "duration"
"""A slot that is not a lexicon fact: a length of time ("three weeks")."""
PERSON = "person"
"""The other slot that is not a lexicon fact: someone the description may be about (intents/cues.yaml `other`)."""
PER_FRAME = 40
"""Sentences made from one frame (as lm.PER_VALUE keeps from one value of a lexicon)."""
THIRD_PERSON = {"he": "his", "his": "his", "he's": "his", "she": "her", "her": "her", "she's": "her"}
"""A frame about someone else ("he has {sensations} on the {regions}") puts its phrases' "my" in their person:
"the outside of his leg", not "... of my leg"."""
DETERMINERS = frozenset({"my", "the", "his", "her"})
"""Words of which a frame and its phrase keep one where both gave one ("the my calf": "my calf")."""


def load_frames(path: Path, root: Path, facts: set[str]) -> list[str]:
    """The frames of said.yaml; DataError (file and line) for a slot that names no fact, or a broken entry."""
    doc = load_yaml(path, root)
    where = display_path(path, root)
    frames = doc.get("frames") if isinstance(doc, dict) else None
    if not isinstance(frames, LineList):
        raise DataError(where, 1, "expected `frames:`, a list of sentences")
    for i, frame in enumerate(frames):
        line = line_of(frames, index=i)
        if not isinstance(frame, str) or not frame.strip() or frame != frame.lower():
            raise DataError(where, line, f"a frame is a sentence in lower case, not {frame!r}")
        unknown = [slot for slot in SLOT.findall(frame) if slot not in facts | {DURATION, PERSON}]
        if unknown:
            raise DataError(where, line,
                            f"{{{unknown[0]}}} is no fact of intents/lexicon/ (nor {{{DURATION}}}, {{{PERSON}}})")
    return list(frames)


def frame_words(frames: list[str]) -> set[str]:
    """The words the frames add around their slots ("keeps", "going")."""
    return {word for frame in frames for word in SLOT.sub(" ", frame).split()}


def fill(frames: list[str], choices: dict[str, list[str]]) -> list[str]:
    """Each frame as up to PER_FRAME sentences; each slot takes its choices in order (lm.slot_choices puts
    their values in turn), the slots of one frame out of step ("{regions} and the {regions}": two places)."""
    sentences = []
    for frame in frames:
        slots = SLOT.findall(frame)
        if not all(choices.get(slot) for slot in slots):  # a fact with no phrases: nothing to say
            continue
        count = min(PER_FRAME, max((len(choices[slot]) for slot in slots), default=1))
        person = next((THIRD_PERSON[w] for w in SLOT.sub(" ", frame).split() if w in THIRD_PERSON), "my")
        for n in range(count):
            filled = frame
            for k, slot in enumerate(slots):
                said = choices[slot]
                phrase = " ".join(person if w == "my" else w for w in said[(n + k * 7) % len(said)].split())
                filled = filled.replace("{" + slot + "}", phrase, 1)
            sentences.append(_tidy(filled))
    return sentences


def _tidy(sentence: str) -> str:
    """One determiner where the frame and the phrase both gave one ("my my left foot", "the my calf", "the his")."""
    words = sentence.split()
    kept = [w for i, w in enumerate(words) if not (w in DETERMINERS and i + 1 < len(words)
                                                   and words[i + 1] in DETERMINERS)]
    return " ".join(kept)
