"""Dialogue intents (yes, no, go back, stop...) by exact and fuzzy match to intents/dialogue.yaml."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .language import Language
from .normalize import MAX_CHARS, tokenize

ANSWERS = ("Affirm", "Deny", "Unsure", "CorrectToNo", "CorrectToYes")
"""Intents that may start a longer answer ("no, but my back hurts")."""
FUZZY_CUTOFF = 82.0
"""Below this a fuzzy match is no match: better to ask again than to guess."""
MIN_FUZZY_CHARS = 6
"""Very short input must match exactly: "top" is not "stop"."""
MAX_FUZZY_WORDS = 8
"""Longer input is a description, not a command."""
MAX_PREFIX_WORDS = 5


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
        self._exact: dict[str, str] = {}
        for name, sentence in language.sentences:
            self._exact.setdefault(sentence, name)
        self._choices = list(self._exact)

    def recognize(self, text: str) -> IntentMatch | None:
        """The intent of the utterance, or None."""
        words, _ = self._repair(tokenize(text[:MAX_CHARS]))
        if not words:
            return None
        joined = " ".join(words)
        name = self._exact.get(joined)
        if name:
            return IntentMatch(name, 1.0, True)
        for size in range(min(MAX_PREFIX_WORDS, len(words) - 1), 0, -1):
            name = self._exact.get(" ".join(words[:size]))
            if name in ANSWERS:
                return IntentMatch(name, 0.9, False)
        if len(joined) < MIN_FUZZY_CHARS or len(words) > MAX_FUZZY_WORDS:
            return None
        best = process.extractOne(joined, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            return None
        return IntentMatch(self._exact[best[0]], best[1] / 100.0, True)
