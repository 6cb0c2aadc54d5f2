"""The language data of intents/ once compiled: phrases per fact, dialogue sentences, context cues."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .normalize import WordRepairer, strip_possessive, tokenize

ANYONE = "someone else"
"""Who the patient is when a proxy pattern names no one ("he has...")."""


@dataclass(frozen=True)
class Phrase:
    """One way of saying a fact."""

    tokens: tuple[str, ...]
    """Content words, stop words removed."""
    fact: str
    """The fact it sets, e.g. `regions`."""
    value: Any
    """The value it sets, e.g. `top_of_foot` (True for a yes/no fact)."""
    where: str = ""
    """`file:line` of the template it came from."""
    text: str = ""
    """The whole expanded sentence, stop words included (for speech grammars)."""


@dataclass(frozen=True)
class Lexicon:
    """How mentions of one fact are read."""

    fact: str
    """Fact id, e.g. `back_pain`."""
    kind: str
    """`list` (several values), `choice` (one value) or `flag` (yes/no)."""
    values: tuple[Any, ...]
    """The values its phrases can set."""
    negated: Any = None
    """Value of a negated mention (choice facts); flags become False, lists record absence."""
    historical: Any = None
    """Value of a past-tense mention (choice facts)."""
    history_counts: bool = False
    """A past-tense mention still makes a flag true (e.g. a history of cancer)."""
    overlaps: bool = False
    """May overlap longer phrases of other facts (locations, sides)."""
    file: str = ""
    """Where it is defined."""


@dataclass(frozen=True)
class Cues:
    """NegEx/ConText cue phrases, as token tuples."""

    window: int
    """How many words a cue reaches."""
    negation_before: tuple[tuple[str, ...], ...]
    """'no numbness'."""
    negation_after: tuple[tuple[str, ...], ...]
    """'my back is fine'."""
    history_before: tuple[tuple[str, ...], ...]
    """'used to have back pain'."""
    history_after: tuple[tuple[str, ...], ...]
    """'back pain years ago'."""
    uncertainty: tuple[tuple[str, ...], ...]
    """'not sure if ...'."""
    other: tuple[tuple[str, ...], ...]
    """Words for other people."""
    proxy: tuple[tuple[tuple[str, ...], str], ...]
    """Patterns saying the patient is someone else, with that person's word."""
    proxy_pronouns: frozenset[str]
    """he, she, his... (the patient, in a proxy conversation)."""
    other_determiners: frozenset[str]
    """'my', 'her'...: a one-word person cue needs one of these before it."""
    reporting: frozenset[str]
    """'says', 'noticed': after a person's word, they report, they don't experience."""
    terminators: tuple[tuple[str, ...], ...]
    """Words that end a cue's reach."""
    stop_words: frozenset[str]
    """Dropped before matching."""
    transparent_words: frozenset[str]
    """May sit inside a phrase without breaking it."""


@dataclass
class Language:
    """Everything understanding needs from intents/."""

    phrases: list[Phrase]
    """Every expanded lexicon phrase."""
    lexicons: dict[str, Lexicon]
    """Per fact id."""
    intents: dict[str, list[str]]
    """Dialogue intent name -> its expanded sentences (normalised)."""
    cues: Cues
    """Context cues."""
    repairer: WordRepairer
    """Fuzzy word repair over the whole vocabulary."""
    sentences: list[tuple[str, str]] = field(default_factory=list)
    """(intent, sentence) pairs, for the fuzzy matcher."""
    fillers: frozenset[str] = frozenset()
    """Words with no intent ("can we go back"), dropped before intent matching."""


def content_tokens(text: str, stop_words: frozenset[str]) -> tuple[str, ...]:
    """Tokens that carry meaning; a phrase made only of stop words keeps them all."""
    tokens = [strip_possessive(t) for t in tokenize(text)]
    content = tuple(t for t in tokens if t not in stop_words)
    return content or tuple(tokens)
