"""A small bigram language model (ARPA) built from intents/, to bias a recogniser to the domain, and its dictionary.

A bag-of-words grammar over the whole vocabulary makes PocketSphinx's grammar search stall;
an n-gram model scales, and still lets any known word follow any other (through backoff).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Iterable, Sequence

from .said import DURATION, PERSON, fill

DISCOUNT = 0.5
"""Absolute discount taken from each seen bigram, given to unseen ones by backoff."""


def _log10(p: float) -> float:
    return math.log10(max(p, 1e-99))


def build_arpa(sentences: Iterable[str], vocabulary: set[str]) -> str:
    """An ARPA bigram model over `vocabulary`; words outside it split a sentence."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        run: list[str] = []
        for word in sentence.split() + [""]:
            if word in vocabulary:
                run.append(word)
                continue
            if run:
                words = ["<s>", *run, "</s>"]
                unigrams.update(words)
                bigrams.update(zip(words, words[1:]))
            run = []
    words = sorted(vocabulary | {"<s>", "</s>"})
    total = sum(unigrams.values()) + len(words)  # add-one for unigrams, so every word can be said
    p_uni = {w: (unigrams[w] + 1) / total for w in words}
    followers: dict[str, list[str]] = {}
    for (first, second) in bigrams:
        followers.setdefault(first, []).append(second)
    lines_bi = []
    backoff: dict[str, float] = {}
    for first, seconds in sorted(followers.items()):
        count = sum(bigrams[(first, s)] for s in seconds)
        kept = 0.0
        for second in sorted(seconds):
            p = (bigrams[(first, second)] - DISCOUNT) / count
            kept += p
            lines_bi.append(f"{_log10(p):.4f} {first} {second}")
        left = 1 - kept
        unseen = 1 - sum(p_uni[s] for s in seconds)
        backoff[first] = left / unseen if unseen > 0 else 1e-99
    lines_uni = []
    for word in words:
        prob = -99.0 if word == "<s>" else _log10(p_uni[word])
        lines_uni.append(f"{prob:.4f} {word} {_log10(backoff.get(word, 1.0)):.4f}")
    return "\n".join(["", "\\data\\", f"ngram 1={len(lines_uni)}", f"ngram 2={len(lines_bi)}", "",
                      "\\1-grams:", *lines_uni, "", "\\2-grams:", *lines_bi, "", "\\end\\", ""])


PER_VALUE = 40
"""Sentences kept from one value of a lexicon: a concept template ("<saddle_area> <numb>") expands to
thousands, which would drown the commands and answers in the model's counts."""


def domain_sentences(language, phrases, frames: Sequence[str] = ()) -> list[str]:
    """Everything the language data can say: lexicon phrases, dialogue sentences, replies, cue phrases, and the
    `frames` of intents/said.yaml filled with the lexicon phrases (voice/said.py)."""
    by_value: dict[tuple[str, str], list[str]] = {}
    for phrase in phrases:
        if phrase.text:
            by_value.setdefault((phrase.fact, repr(phrase.value)), []).append(phrase.text)
    sentences = []
    for texts in by_value.values():
        step = max(1, len(texts) // PER_VALUE)
        sentences += texts[::step]
    sentences += spoken_frames(sentences, language.cues.spoken_subjects)
    sentences += other_people(language.cues)
    sentences += [s for _, s in language.sentences]
    if language.replies:
        sentences += [" ".join(words) for words in language.replies.phrases if len(words) <= 2]
    cues = language.cues
    for group in (cues.negation_before, cues.negation_after, cues.history_before, cues.history_after,
                  cues.uncertainty, cues.other):
        sentences += [" ".join(c) for c in group]
    people = {PERSON: [" ".join(person) for person in cues.other]}
    return sentences + duration_sentences() + fill(list(frames), slot_choices(phrases) | people)


def slot_choices(phrases) -> dict[str, list[str]]:
    """Each fact's phrases for the frames' slots, its values taking turns ("top of foot", "heel", "big toe"...), and
    within a value its templates ("numb", "dead", "no feeling"...): the outside of the leg alone has most of the region
    phrases, and "my outside" came to outweigh "numb outside"; one template's variants ("gone to sleep", "goes to
    sleep", "fell asleep"...) put "to sleep" in the sentences 57 times, and the room heard "his leg" as "to sleep"."""
    by_template: dict[str, dict[str, dict[str, dict[str, None]]]] = {}
    for phrase in phrases:
        if phrase.text:
            values = by_template.setdefault(phrase.fact, {})
            values.setdefault(repr(phrase.value), {}).setdefault(phrase.where, {})[phrase.text] = None
    choices = {fact: _in_turn(_in_turn(list(texts) for texts in templates.values()) for templates in values.values())
               for fact, values in by_template.items()}
    return choices | {DURATION: durations_said()}


def _in_turn(lists) -> list[str]:
    """The lists' first items, then their second items..."""
    return [item for turn in itertools.zip_longest(*lists) for item in turn if item is not None]


def spoken_frames(lexicon_sentences: list[str], subjects: frozenset[str]) -> list[str]:
    """Lexicon phrases as they are said: "speech slurred" as "my speech is slurred". The lexicon drops the stop
    words, so without these the bigrams never saw "is slurred", and "my speech is slurred" was heard "... floor"."""
    return [f"my {words[0]} is {' '.join(words[1:])}" for words in (s.split() for s in lexicon_sentences)
            if len(words) >= 2 and words[0] in subjects]


def other_people(cues) -> list[str]:
    """Descriptions of someone else as they begin ("it's my dad", "he has", "his leg"): each proxy pattern once,
    the people taking turns, and "my" before each person. The bigrams had seen neither "his leg" nor "my dad", and
    "the outside of his leg" was heard "of this leg"; all 406 expansions would outweigh the rest in the counts."""
    by_pattern: dict[tuple, list[str]] = {}
    for tokens, person in cues.proxy:
        pattern = tuple(t.replace(person, "{}") for t in tokens)
        by_pattern.setdefault(pattern, []).append(" ".join(tokens))
    turns = [said[i % len(said)] for i, said in enumerate(by_pattern.values())]
    return turns + [f"my {' '.join(person)}" for person in cues.other]


def durations_said() -> list[str]:
    """Lengths of time as said: "a week", "three months", "a couple of days"."""
    from ..duration import UNIT_DAYS

    singular = [u for u in UNIT_DAYS if not u.endswith("s")]
    plural = [u for u in UNIT_DAYS if u.endswith("s")]
    said = [f"{'an' if u == 'hour' else 'a'} {u}" for u in singular] + plural
    return said + [f"{count} {u}" for count in ("two", "three", "four", "a few", "a couple of") for u in plural]


def duration_sentences() -> list[str]:
    """How long, as a description says it ("for a week", "about three months ago"). Without them the
    bigrams knew "weak" better than "a week", and "numb ... for a week" was heard as "for weak"."""
    said = durations_said()
    return [f"{lead} {d}" for lead in ("for", "about", "for about") for d in said] + [f"{d} ago" for d in said]


def read_dictionary(path: str, wanted: set[str]) -> dict[str, list[str]]:
    """Pronunciations of the wanted words in a CMU-style dictionary (variants "word(2)" included)."""
    entries: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            head = line.split(" ", 1)[0]
            if head.split("(", 1)[0] in wanted:
                entries.setdefault(head.split("(", 1)[0], []).append(line.rstrip("\n"))
    return entries
