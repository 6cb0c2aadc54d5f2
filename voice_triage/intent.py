"""Dialogue intents (yes, no, go back, stop...) by exact and fuzzy match to intents/dialogue.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .language import Language
from .normalize import MAX_CHARS, tokenize

ANSWERS = ("CorrectToNo", "CorrectToYes")
"""Intents that may start a longer answer ("I meant no, it's my right leg")."""
FUZZY_CUTOFF = 82.0
"""Below this a fuzzy match is no match: better to ask again than to guess."""
MIN_FUZZY_CHARS = 6
"""Shorter input is matched word by word, one typing slip at most ("noo", "hepl")."""
MAX_FUZZY_WORDS = 8
"""Longer input is a description, not a command."""
MAX_PREFIX_WORDS = 5
MAX_COMMAND_WORDS = 4
"""A command may sit inside an utterance this short ("let me go back a step")."""
CORE_CONFIDENCE = 0.99
"""A match once filler words are dropped: a steering command still, but a request is read by the reply reader."""
NEVER_GUESSED = frozenset({"Stop", "StartOver"})
"""Commands that lose the conversation are taken only when said exactly, never from a fuzzy match."""
NEGATIONS = frozenset({"no", "not", "don't", "dont", "never", "nothing"})
"""Words that turn a command around: "I don't want to stop" is not "stop"."""


@dataclass(frozen=True)
class IntentMatch:
    """A recognised dialogue intent."""

    name: str
    """Intent name from intents/dialogue.yaml."""
    confidence: float
    """1.0 exact, lower for fuzzy or leading-word matches."""
    whole: bool
    """The whole utterance is the intent (not just its first words)."""


class IntentRecognizer:
    """Matches what was said to the dialogue intents."""

    def __init__(self, language: Language) -> None:
        self._repair = language.repairer.apply
        self._known = frozenset(language.repairer.vocabulary) | language.repairer.keep
        self._exact: dict[str, str] = {}
        for name, sentence in language.sentences:
            self._exact.setdefault(sentence, name)
        self._fillers = language.fillers
        self._said_whole = {tuple(sentence.split()) for _, sentence in language.sentences}
        for name, sentence in language.sentences:  # the same sentences without filler words
            core = " ".join(w for w in sentence.split() if w not in self._fillers)
            if core and name not in ANSWERS:  # "actually no" without its filler is just "no", an answer
                self._exact.setdefault(core, name)
        self._choices = list(self._exact)
        self._guessable = [s for s, name in self._exact.items() if name not in NEVER_GUESSED]
        self._commands = sorted({(tuple(s.split()), n) for s, n in self._exact.items() if n not in ANSWERS},
                                key=lambda item: -len(item[0]))
        self._single_words = [s for s in self._choices if " " not in s and len(s) >= 2]

    def recognize(self, text: str) -> IntentMatch | None:
        """The intent of the utterance, or None."""
        raw = tokenize(text[:MAX_CHARS])
        words, scores = self._repair(raw)
        if not words:
            return None
        core = " ".join(w for w in words if w not in self._fillers)
        name = self._exact.get(" ".join(raw))
        if name:
            return IntentMatch(name, 1.0, True)
        name = self._exact.get(" ".join(words))
        if name:  # a repaired word ("yass" -> "pass") makes it a guess
            return IntentMatch(name, min(scores), True)
        name = self._exact.get(core)
        if name:  # without its filler words ("can we go back"): all but certain
            return IntentMatch(name, min(scores + [CORE_CONFIDENCE]), True)
        for size in range(min(MAX_PREFIX_WORDS, len(words) - 1), 0, -1):
            name = self._exact.get(" ".join(words[:size]))
            if name in ANSWERS:
                return IntentMatch(name, 0.9, False)
        inside = self._command_inside(core.split())
        if inside:
            return inside
        joined = " ".join(raw)
        if len(raw) == 1 and len(joined) < MIN_FUZZY_CHARS:
            return self._one_slip(joined)
        if len(joined) < MIN_FUZZY_CHARS or len(raw) > MAX_FUZZY_WORDS:
            return None
        best = process.extractOne(joined, self._guessable, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            return None
        return IntentMatch(self._exact[best[0]], best[1] / 100.0, True)

    def _command_inside(self, core: list[str]) -> IntentMatch | None:
        """A command phrase that is most of a short utterance: "next one", "go back a step".

        Not "it hurts when I stop walking": the command must be at least half of what is left.
        """
        if not core or len(core) > MAX_COMMAND_WORDS or NEGATIONS.intersection(core):
            return None
        for words, name in self._commands:
            if name in NEVER_GUESSED and words not in self._said_whole:
                continue  # "all two" is not "that's all" without its "that's"
            size = len(words)
            if 2 * size >= len(core) and any(tuple(core[i:i + size]) == words for i in range(len(core) - size + 1)):
                return IntentMatch(name, 0.8, True)
        return None

    def _one_slip(self, word: str) -> IntentMatch | None:
        """A short unknown word one edit from exactly one intent's word: "noo", "yse", "hepl"."""
        if word in self._known or len(word) < 3:
            return None  # "top" is a word of its own, not a slip for "stop"
        names = {self._exact[w] for w in self._single_words if OSA.distance(word, w) <= 1} - NEVER_GUESSED
        if len(names) != 1:
            return None
        return IntentMatch(names.pop(), 0.8, True)
