"""Text to tokens: lower case, contractions, and fuzzy repair of misheard or mistyped words."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
CLAUSE_BREAK = re.compile(r"([.,;:!?()\n]+|\s[-–—]\s)")
REPLACED_CONFIDENCE = 0.95
"""A listed mishearing is very likely what was meant, but not certainly."""
MAX_CHARS = 2000
"""Longer input is cut: nobody describes a tingling foot in more words than this."""

# "it's", "he's" carry meaning for the context cues; other "'s" is a possessive or "is".
_KEEP_APOSTROPHE_S = {"it's", "he's", "she's", "that's", "what's", "there's", "let's", "who's"}


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens; curly quotes count as apostrophes."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return TOKEN.findall(text)


def clauses(text: str) -> list[tuple[str, str]]:
    """Split at punctuation: context cues don't reach across a clause. Each clause with the
    punctuation that ends it ("," a soft break inside a list; "?" a question)."""
    text = unicodedata.normalize("NFKC", text)
    parts = CLAUSE_BREAK.split(text)
    out = []
    for i in range(0, len(parts), 2):
        if parts[i].strip():
            out.append((parts[i], parts[i + 1].strip() if i + 1 < len(parts) else ""))
    return out


def strip_possessive(token: str) -> str:
    """'back's' -> 'back' for matching; "it's" stays."""
    if token.endswith("'s") and token not in _KEEP_APOSTROPHE_S:
        return token[:-2]
    return token


def fuzzy_cutoff(word: str) -> float | None:
    """Similarity (1 - edits/length, a swap counting as one edit) needed to repair a word.

    About one slip per five letters: "tinglin", "neeldes", "weekness" are repaired, while
    "starting" is not turned into "sitting". Words of three letters or fewer are left alone.
    """
    if len(word) <= 3:
        return None
    if len(word) == 4:
        return 0.74  # one slip in four letters (0.75), with room for rounding
    return 0.79  # one slip in five letters (0.8), with room for rounding


@dataclass
class WordRepairer:
    """Maps an unknown word to the closest domain word (rapidfuzz), caching each answer."""

    vocabulary: list[str]
    """Every word the language data uses."""
    keep: frozenset[str]
    """Real words that must not be 'repaired' into domain words."""
    replacements: dict[tuple[str, ...], tuple[str, ...]]
    """Known mishearings, word sequences to word sequences."""
    _known: frozenset[str] = field(init=False)
    _cache: dict[str, tuple[str, float]] = field(init=False, default_factory=dict)
    _replacement_sizes: dict[str, list[int]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._known = frozenset(self.vocabulary) | self.keep
        for heard in self.replacements:  # by first word, longest first
            self._replacement_sizes.setdefault(heard[0], []).append(len(heard))
        for sizes in self._replacement_sizes.values():
            sizes.sort(reverse=True)

    def repair(self, word: str) -> tuple[str, float]:
        """The word as meant, with a confidence from 0 to 1."""
        if word in self._known or strip_possessive(word) in self._known or word.isdigit():
            return word, 1.0
        cutoff = fuzzy_cutoff(word)
        if cutoff is None:
            return word, 1.0
        cached = self._cache.get(word)
        if cached is None:
            best = process.extract(word, self.vocabulary, scorer=OSA.normalized_similarity,
                                   score_cutoff=cutoff, limit=2)
            if best and (len(best) == 1 or best[1][1] < best[0][1]):
                cached = (best[0][0], best[0][1])
            else:
                cached = (word, 1.0)  # no near word, or two equally near ("boht": both or boot?): a guess
            if len(self._cache) < 50_000:
                self._cache[word] = cached
        return cached

    def apply(self, tokens: list[str]) -> tuple[list[str], list[float]]:
        """Replace known mishearings, then repair each remaining word."""
        out: list[str] = []
        confidence: list[float] = []
        i = 0
        while i < len(tokens):
            for size in self._replacement_sizes.get(tokens[i], ()):
                replacement = self.replacements.get(tuple(tokens[i:i + size]))
                if replacement is not None:
                    out.extend(replacement)
                    confidence.extend([REPLACED_CONFIDENCE] * len(replacement))
                    i += size
                    break
            else:
                word, score = self.repair(tokens[i])
                out.append(word)
                confidence.append(score)
                i += 1
        return out, confidence
