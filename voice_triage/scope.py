"""How far a cue reaches beyond its phrase: lists, questions and hypotheses, and words that refer back.

Pure functions over the mentions that understand.py found; the words they use are in intents/cues.yaml.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from .language import Cues

if TYPE_CHECKING:
    from .understand import Mention

Spans = dict[str, list[tuple[int, int]]]


def refer_back(tokens: list[str], cues: Cues) -> list[str]:
    """ "numb, mostly the top of it": "it" after "of" is the body part named last."""
    out = list(tokens)
    for i in range(1, len(out)):
        if out[i] in cues.refer_back_words and out[i - 1] in cues.refer_back_after:
            named = next((out[j] for j in range(i - 2, -1, -1) if out[j] in cues.refer_back_to), None)
            if named:
                out[i] = named
    return out


def _end(mention: Mention) -> int:
    return mention.start + len(mention.text.split())


def _lists(mentions: list[Mention], tokens: list[str], clause_of: list[int], soft: set[int],
           cues: Cues, kind: Callable[[str], str]) -> list[list[int]]:
    """Mentions joined only by "and", "or", commas and stop words: "no fever, chills or sweats". `kind`: a fact's
    lexicon kind (a place list, a yes/no flag)."""
    order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
    stops = {t[0] for t in cues.terminators if len(t) == 1}
    groups: list[list[int]] = []
    for i in order:
        if groups:
            previous, current = mentions[groups[-1][-1]], mentions[i]
            gap = range(_end(previous), current.start)
            breaks = [k for k in range(_end(previous) - 1, current.start) if clause_of[k] != clause_of[k + 1]]
            joiners = [tokens[k] for k in gap if tokens[k] in cues.list_words]
            joined = (
                all(tokens[k] in cues.list_words or (tokens[k] in cues.stop_words and tokens[k] not in stops)
                    for k in gap)
                and all(clause_of[k] in soft for k in breaks)
                and bool(joiners or breaks)
                # "and" lists one kind of thing ("bowel and bladder"): "no fever and my bladder is leaking" is no list
                and (current.fact == previous.fact or any(w != "and" for w in joiners) or bool(breaks))
                # a comma alone lists things of one kind: "nothing below the knee, tight jeans" names a place, then
                # a cause, and the "nothing" is the place's only
                and (bool(joiners) or kind(current.fact) == kind(previous.fact)))
            if joined or current.start < _end(previous):
                groups[-1].append(i)
                continue
        groups.append([i])
    return [g for g in groups if len(g) > 1]


def spread_negation(mentions: list[Mention], tokens: list[str], clause_of: list[int], soft: set[int],
                    cues: Cues, spans: Spans, kind: Callable[[str], str]) -> list[Mention]:
    """A negation at either end of a closed list covers the whole list.

    "no fever, chills or weight loss" negates all three; "bowel and bladder both fine" both.
    "no fever and my bladder is leaking" is no list: "is leaking" follows the bladder.
    """
    out = list(mentions)
    for group in _lists(mentions, tokens, clause_of, soft, cues, kind):
        first, last = mentions[group[0]], mentions[group[-1]]
        after = _end(last)
        rest = [tokens[k] for k in range(after, len(tokens)) if clause_of[k] == clause_of[after - 1]]
        closed = all(w in cues.stop_words or w in cues.list_words for w in rest)
        negated_before = first.polarity == "negated" and closed
        negated_after = last.polarity == "negated" and any(
            after <= s <= after + 3 and clause_of[s] == clause_of[after - 1] for s, _ in spans["negation_after"])
        if negated_before or negated_after:
            for i in group:
                if out[i].polarity == "affirmed":
                    out[i] = replace(out[i], polarity="negated")
    return out


def mark_hypothetical(mentions: list[Mention], clause_of: list[int], questions: set[int], cues: Cues,
                      spans: Spans) -> list[Mention]:
    """A diagnosis asked about or reported as someone's idea is not a fact: "could it be diabetes?",
    "my physio thinks it's sciatica". Symptoms said in a question still count."""
    out = []
    for mention in mentions:
        clause = clause_of[mention.start]
        hypothetical = clause in questions or any(
            s < mention.start and clause_of[s] == clause for s, _ in spans["hypothetical"])
        if mention.fact in cues.hypothetical_facts and hypothetical and mention.polarity == "affirmed":
            mention = replace(mention, polarity="unsure")
        out.append(mention)
    return out


def named_person(tokens: list[str], spans: Spans, cues: Cues) -> str | None:
    """ "My husband is confused and his leg went numb": the person the pronouns refer to."""
    for s, e in spans["other"]:
        if e - s == 1 and s > 0 and tokens[s - 1] in cues.other_determiners:
            return tokens[s]
    return None
