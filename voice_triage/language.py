"""The language data of intents/ once compiled: phrases per fact, dialogue sentences, context cues."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .normalize import WordRepairer, strip_possessive, tokenize
from .question_echo import EchoWords

ANYONE = "someone else"
"""Who the patient is when a proxy pattern names no one ("he has...")."""


class Phrase(NamedTuple):
    """One way of saying a fact. (A named tuple: tens of thousands load fast from the cache.)"""

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


@dataclass(frozen=True, eq=False)
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
    """Its phrases hide nothing of other facts inside them (places, sides, how far it spreads)."""
    file: str = ""
    """Where it is defined."""
    names: dict[str, str] = field(default_factory=dict)
    """How each value is said back to the person ("the top of the foot")."""


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
    hypothetical: tuple[tuple[str, ...], ...] = ()
    """'could it be', 'thinks': a diagnosis after these is a question or an idea, not a fact."""
    hypothetical_facts: frozenset[str] = frozenset()
    """The facts (diagnoses) that `hypothetical` and a question mark make uncertain."""
    list_words: frozenset[str] = frozenset()
    """'and', 'or': words that join the items of a list ("no fever, chills or sweats")."""
    refer_back_words: frozenset[str] = frozenset()
    """'it', 'them': words that refer back to a body part ("the top of it")."""
    refer_back_after: frozenset[str] = frozenset()
    """Only after these ('of')."""
    refer_back_to: frozenset[str] = frozenset()
    """The body parts they may refer to."""
    keep_form: frozenset[str] = frozenset()
    """Verb forms matched as written, not through their lemma ("tripped": one event)."""
    spoken_subjects: frozenset[str] = frozenset()
    """Said as "my <word> is ..." around a lexicon phrase ("my speech is slurred"): frames for the speech model."""


@dataclass(frozen=True)
class Replies:
    """How replies to a question are read (intents/answers.yaml)."""

    phrases: dict[tuple[str, ...], str]
    """Every expanded phrase, as words, with its group (`yes`, `hedged_no`, `repeat`...)."""
    after_echo: frozenset[str]
    """Words that may follow an echo answer ("I have, yes")."""
    policy: dict[str, str]
    """What each reading does to the open question (see the file)."""
    vocabulary: frozenset[str] = frozenset()
    """Every word of the phrases, for repairing slips."""
    statement_subjects: frozenset[str] = frozenset()
    """Subjects whose negative echo may open a statement that answers ("I haven't been there")."""
    question_echo: EchoWords | None = None
    """How an answer that repeats the question's words is read (voice_triage/question_echo.py)."""
    sound_alike: frozenset[tuple[str, ...]] = frozenset()
    """Yes and no forms that sound almost alike aloud ("uh huh", "uh uh"): confirmed when heard in speech."""


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
    replies: Replies | None = None
    """How replies to a question are read."""
    lemmas: dict[str, str] = field(default_factory=dict)
    """Verb forms of the lexicon's words to their lemma ("wiping" -> "wipe"), from lemminflect."""
    trie: dict = field(default_factory=dict)
    """The phrases by word (matching keys), built once when the data is compiled; "" holds the phrases ending there."""

    def key(self, word: str) -> str:
        """The form a word is matched by: its lemma when it is an unambiguous verb form."""
        return self.lemmas.get(word, word)


def content_tokens(text: str, stop_words: frozenset[str]) -> tuple[str, ...]:
    """Tokens that carry meaning; a phrase made only of stop words keeps them all."""
    tokens = [strip_possessive(t) for t in tokenize(text)]
    content = tuple(t for t in tokens if t not in stop_words)
    return content or tuple(tokens)


class Meaning(NamedTuple):
    """What a matched phrase says: a fact and its value."""

    fact: str
    """Fact id."""
    value: Any
    """Its value."""


def build_trie(phrases: list[Phrase], key) -> dict:
    """Phrases by their words' matching keys; a node's "" entry lists the meanings of the phrases that end there."""
    trie: dict = {}
    shared: dict[tuple, Meaning] = {}  # one object per meaning: the cache stores it once
    for phrase in phrases:
        node = trie
        for token in phrase.tokens:
            node = node.setdefault(key(token), {})
        meaning = shared.setdefault((phrase.fact, phrase.value), Meaning(phrase.fact, phrase.value))
        ends = node.setdefault("", [])
        if meaning not in ends:  # "leak", "leaks": one
            ends.append(meaning)
    return trie
