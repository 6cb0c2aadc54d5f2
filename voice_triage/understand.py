"""Utterance -> fact mentions with confidence, polarity, time and experiencer (ConText-style)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import scope
from .duration import UNIT_DAYS, parse_duration
from .language import ANYONE, Language, Meaning
from .normalize import MAX_CHARS, clauses, strip_possessive, tokenize

_END = ""
MAX_SKIPS = 2
_SYMPTOM_FACTS = frozenset({"regions", "sensations", "onset"})
_OTHER_TOPICS = frozenset({"back_pain", "diabetes", "cancer_history", "weight_loss"})
"""A duration said of these is theirs, not the symptom's ("my back's been bad for years")."""
_TIME_WORDS = frozenset({"started", "start", "starts", "began", "begun", "came", "since", "ago", "for", "noticed",
                         "happened", "been", "had", "lasted", "going"})
"""A clause about nothing we know gives the duration only when it speaks of time passing."""
CUE_GROUPS = ("negation_before", "negation_after", "history_before", "history_after", "uncertainty", "other",
              "terminators", "hypothetical")
"""Transparent words allowed inside one phrase ("top of my right foot")."""


@dataclass(frozen=True)
class Mention:
    """One fact as said, before it is resolved."""

    fact: str
    """Fact id."""
    value: Any
    """The value the phrase names."""
    polarity: str
    """`affirmed`, `negated` or `unsure`."""
    historical: bool
    """Said of the past ("used to", "years ago")."""
    experiencer: str
    """`patient`, or the other person's word ("mum")."""
    confidence: float
    """0..1: 1 for an exact match, lower when words were repaired."""
    text: str
    """The words as heard."""
    start: int = 0
    """Index of its first word in Understanding.tokens."""


@dataclass
class Understanding:
    """Everything found in one utterance."""

    mentions: list[Mention]
    """Fact mentions, in order."""
    duration_days: int | None
    """How long the symptoms have lasted, when said."""
    proxy: str | None
    """Set when the person describes someone else ("dad")."""
    tokens: list[str]
    """The repaired words."""
    truncated: bool = False
    """The input was longer than MAX_CHARS and was cut."""


class Understander:
    """Finds facts in text using the compiled language data."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.cues = language.cues
        self._trie = language.trie
        # every cue of every group, by first word, longest first: one pass finds them all
        self._cue_index: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
        for group in CUE_GROUPS:
            for cue in getattr(self.cues, group):
                self._cue_index.setdefault(cue[0], []).append((group, cue))
        for entries in self._cue_index.values():
            entries.sort(key=lambda entry: -len(entry[1]))
        self._transparent = self.cues.transparent_words | {language.key(w) for w in self.cues.transparent_words}
        # "my foot isn't cold": a negation skipped inside a phrase still negates it
        self._inner_negations = frozenset(c for c in self.cues.negation_before if len(c) == 1)
        self._proxy: dict[tuple[str, ...], str] = {}
        for pattern, person in self.cues.proxy:
            self._proxy.setdefault(pattern, person)
        self._proxy_lengths = sorted({len(p) for p in self._proxy}, reverse=True)

    def understand(self, text: str, proxy: str | None = None) -> Understanding:
        """Read one utterance. `proxy` carries over who the patient is from earlier turns."""
        truncated = len(text) > MAX_CHARS
        text = text[:MAX_CHARS]
        tokens: list[str] = []
        confidence: list[float] = []
        clause_of: list[int] = []
        soft: set[int] = set()  # clauses that end in a comma: a list may go on
        questions: set[int] = set()
        for number, (clause, mark) in enumerate(clauses(text)):
            words, scores = self.language.repairer.apply(tokenize(clause))
            tokens += words
            confidence += scores
            clause_of += [number] * len(words)
            if mark == ",":
                soft.add(number)
            if "?" in mark:
                questions.add(number)
        tokens = scope.refer_back(tokens, self.cues)
        cue_spans = self._find_cues(tokens)
        found = self._find_proxy(tokens)
        if found == ANYONE:  # "my son fell... his foot": the pronoun is the person named
            found = scope.named_person(tokens, cue_spans, self.cues) or found
        if found and (found != ANYONE or not proxy):  # "he has..." keeps the "dad" named earlier
            proxy = found
        segment_of = self._segments(tokens, clause_of, cue_spans["terminators"])
        mentions = [self._contextualise(phrase, start, end, skipped, tokens, confidence, segment_of, cue_spans, proxy)
                    for phrase, start, end, skipped in self._match(tokens)]
        mentions = scope.spread_negation(mentions, tokens, clause_of, soft, self.cues, cue_spans,
                                         lambda fact: self.language.lexicons[fact].kind)
        mentions = scope.mark_hypothetical(mentions, clause_of, questions, self.cues, cue_spans)
        duration = self._duration(tokens, clause_of, segment_of, mentions)
        return Understanding(mentions, duration, proxy, tokens, truncated)

    # -- matching -------------------------------------------------------------------

    def _match(self, tokens: list[str]) -> list[tuple[Meaning, int, int, tuple[str, ...]]]:
        """Every phrase found, as (phrase, first token, end token, skipped words); shorter shadows removed."""
        stop, transparent = self.cues.stop_words, self._transparent
        key = self.language.key
        content = [(i, key(strip_possessive(t))) for i, t in enumerate(tokens) if strip_possessive(t) not in stop]
        found: list[tuple[Meaning, int, int, int, tuple[str, ...]]] = []  # + content length, skipped
        for k, (_, word) in enumerate(content):
            first = self._trie.get(word)
            if first is None:
                continue
            stack: list[tuple[dict, int, tuple[str, ...], bool]] = [(first, k + 1, (), False)]
            while stack:
                node, j, skipped, just_skipped = stack.pop()
                if not just_skipped:  # a phrase never ends on a skipped word
                    for phrase in node.get(_END, ()):
                        found.append((phrase, content[k][0], content[j - 1][0] + 1, j - k, skipped))
                if j < len(content):
                    child = node.get(content[j][1])
                    if child is not None:
                        stack.append((child, j + 1, skipped, False))
                    if content[j][1] in transparent and len(skipped) < MAX_SKIPS:
                        stack.append((node, j + 1, skipped + (content[j][1],), True))
        # A longer phrase hides the shorter ones inside it ("fallen asleep" is not a fall),
        # except that places, sides and spreading (overlaps) hide nothing of other facts.
        lexicons = self.language.lexicons
        kept = []
        for phrase, start, end, size, skipped in found:
            shadowed = any(
                s <= start and end <= e and n > size
                and (other.fact == phrase.fact or not lexicons[other.fact].overlaps)
                for other, s, e, n, _ in found)
            if not shadowed and all(k[:3] != (phrase, start, end) for k in kept):
                kept.append((phrase, start, end, skipped))
        kept.sort(key=lambda item: item[1])
        return kept

    def _find_cues(self, tokens: list[str]) -> dict[str, list[tuple[int, int]]]:
        """Where each group's cues occur, as (start, end) token spans (the longest cue per group and place)."""
        spans: dict[str, list[tuple[int, int]]] = {group: [] for group in CUE_GROUPS}
        for i, token in enumerate(tokens):
            done: set[str] = set()
            for group, cue in self._cue_index.get(token, ()):
                if group not in done and tuple(tokens[i:i + len(cue)]) == cue:
                    if group == "negation_after" and i and (tokens[i - 1],) in self._inner_negations:
                        continue  # "not normal" says the opposite of "normal"
                    spans[group].append((i, i + len(cue)))
                    done.add(group)
        return spans

    def _find_proxy(self, tokens: list[str]) -> str | None:
        for i in range(len(tokens)):
            for size in self._proxy_lengths:
                person = self._proxy.get(tuple(tokens[i:i + size]))
                if person is not None:
                    return person
        return None

    def _segments(self, tokens: list[str], clause_of: list[int], terminators: list[tuple[int, int]]) -> list[int]:
        """Number each token's stretch of text: a new one at each clause or terminator."""
        starts = {start for start, _ in terminators}
        segment, out = 0, []
        for i in range(len(tokens)):
            if i in starts or (i and clause_of[i] != clause_of[i - 1]):
                segment += 1
            out.append(segment)
        return out

    # -- context ----------------------------------------------------------------------

    def _contextualise(self, phrase: Meaning, start: int, end: int, skipped: tuple[str, ...],
                       tokens: list[str], confidence: list[float],
                       segment_of: list[int], cue_spans: dict[str, list[tuple[int, int]]], proxy: str | None) -> Mention:
        window, segment = self.cues.window, segment_of[start]

        def before(group: str) -> bool:  # a cue may run into the phrase: "no one side of my body"
            return any(s < start and start - e <= window and segment_of[s] == segment and segment_of[e - 1] == segment
                       for s, e in cue_spans[group])

        def after(group: str) -> bool:
            return any(s >= end and s - end <= window and segment_of[s] == segment for s, _ in cue_spans[group])

        if before("uncertainty") or after("uncertainty"):
            polarity = "unsure"
        elif before("negation_before") or after("negation_after") or any((w,) in self._inner_negations for w in skipped):
            polarity = "negated"
        else:
            polarity = "affirmed"
        historical = before("history_before") or after("history_after")
        experiencer = "patient"
        for s, e in cue_spans["other"]:
            person = " ".join(tokens[s:e])
            reports = e < len(tokens) and tokens[e] in self.cues.reporting
            named = e - s > 1 or (s > 0 and tokens[s - 1] in self.cues.other_determiners)
            if segment_of[s] == segment and person != proxy and not reports and named:
                experiencer = person
                break
        return Mention(phrase.fact, phrase.value, polarity, historical, experiencer,
                       min(confidence[start:end]), " ".join(tokens[start:end]), start)

    def _duration(self, tokens: list[str], clause_of: list[int], segment_of: list[int],
                  mentions: list[Mention]) -> int | None:
        """The symptom's duration. One said of back pain or a condition ("bad for years") is skipped, and
        one said next to what the person feels or did ("since I sat cross-legged 4 days ago") beats one
        said in a clause about nothing we know ("the weather is nice today")."""
        fallback = None
        first = 0
        while first < len(tokens):
            last = first
            while last < len(tokens) and clause_of[last] == clause_of[first]:
                last += 1
            start = first
            while (parsed := parse_duration(tokens[start:last])) is not None:
                segment = segment_of[start + parsed[1]]
                about = {m.fact for m in mentions if segment_of[m.start] == segment}
                if about & _SYMPTOM_FACTS or (about and not about <= _OTHER_TOPICS):
                    return parsed[0]
                length = any(t in UNIT_DAYS for t in tokens[start:last])  # "3 weeks", not just "today"
                if not about and fallback is None and (length or _TIME_WORDS.intersection(tokens[first:last])):
                    fallback = parsed[0]  # "It started today." but not "The weather is nice today."
                start += parsed[1] + 1
            first = last
        return fallback
