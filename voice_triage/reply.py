"""A short reply to a question, read for what it commits to: yes, no, not sure, a request, or unclear.

The words are data (intents/answers.yaml). A reply is cut into the longest phrases of those
groups; each phrase is evidence. Evidence both ways, or none, is *unclear*, never a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from .language import Replies
from .question_echo import AskedQuestion, about_someone_else, in_question, prepare, read_echo, used_in_question

ANSWER_KINDS = ("yes", "no", "unsure")
"""The readings that answer a question (the others ask for it again, or are unclear)."""
POLAR = {"yes": (1, False), "hedged_yes": (1, True), "degree": (1, True), "likely": (1, True), "no": (-1, False), "hedged_no": (-1, True)}
LONG_REPLY = 4
"""A reply with more unknown words than this is a statement; only evidence at its start counts
("No, they hold it on a Saturday" is a no; "They hold it on the, no, they hold it..." is not)."""
QUESTION_STARTS = frozenset("what which why how where when who whose is are do does did can could should would "
                            "will was were have has".split())
"""A reply that starts with one of these and says more is a question back ("is that the bladder")."""
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_CLAUSE_BREAK = re.compile(r"[,;:?.!]")


@dataclass(frozen=True)
class Reply:
    """What a short reply commits to."""

    kind: str
    """`yes`, `no`, `unsure`, `repeat` (say it again), `explain` (what does it mean) or `unclear`."""
    hedged: bool = False
    """A yes or no with a hedge ("probably not", "I think so")."""
    conflict: bool = False
    """Evidence both ways ("yes... no"): unclear for that reason."""

    @property
    def answers(self) -> bool:
        """It answers the question (as opposed to a request or nothing clear)."""
        return self.kind in ANSWER_KINDS


UNCLEAR = Reply("unclear")


def reply_tokens(text: str) -> list[str]:
    """Lower-case words; hyphens split ("uh-huh" -> "uh huh"), curly apostrophes straightened."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("\u2018", "'")
    return _TOKEN.findall(text.replace("-", " ").replace("_", " "))


class ReplyReader:
    """Reads replies with the groups of intents/answers.yaml."""

    def __init__(self, replies: Replies, known: frozenset[str]) -> None:
        self.replies = replies
        self._known = known | replies.vocabulary
        self._after_echo = {(w,) for w in replies.after_echo}
        self._by_length = sorted({len(p) for p in replies.phrases}, reverse=True)
        self._cache: dict[str, str] = {}

    @property
    def policy(self) -> dict[str, str]:
        """What each reading does to the open question (intents/answers.yaml `policy`)."""
        return self.replies.policy

    def read(self, text: str, question: str | None = None) -> Reply:
        """The reply's reading; a question back is a request, never an answer. With the words of a
        yes/no `question`, an answer that repeats them is read too ("Is it numb?" "It is numb.")."""
        tokens = [self._repair(t) for t in reply_tokens(text)]
        spans = [s for s in self._spans(tokens) if s[0] != "filler"]
        # a restart ("I, I didn't go"): a lone word said again at the start of the next phrase
        spans = [s for k, s in enumerate(spans) if not (s[0] == "word" and k + 1 < len(spans) and spans[k + 1][1][0] == s[1][0])]
        if not spans:
            return UNCLEAR
        groups = [group for group, _ in spans]
        if "explain" in groups:
            return Reply("explain")
        has_words = "word" in groups
        asks = "?" in text or (has_words and spans[0][1][0] in QUESTION_STARTS)
        if asks:
            return Reply("explain" if has_words else "repeat")
        echo_words = self.replies.question_echo
        asked = prepare([reply_tokens(part) for part in _CLAUSE_BREAK.split(question)], echo_words) \
            if question and echo_words is not None else None
        evidence = self._evidence(spans, asked)
        if not evidence and asked is not None:
            said = [w for _, words in spans for w in words]
            echo = read_echo(asked, said, echo_words)
            evidence = [(1 if echo == "yes" else -1, False)] if echo else []
        if not evidence:
            return Reply("repeat") if "repeat" in groups else UNCLEAR
        signs = {sign for sign, _ in evidence}
        hedged = any(h for _, h in evidence)
        if 1 in signs and -1 in signs:
            return Reply("unclear", conflict=True)
        if 0 in signs:
            return Reply("yes", hedged=True) if 1 in signs else Reply("unsure")
        return Reply("yes" if 1 in signs else "no", hedged=hedged)

    # -- reading ----------------------------------------------------------------------

    def _spans(self, tokens: list[str]) -> list[tuple[str, tuple[str, ...]]]:
        """Longest phrases first, left to right; an unknown word is its own span ("word")."""
        spans, i = [], 0
        while i < len(tokens):
            for size in self._by_length:
                group = self.replies.phrases.get(tuple(tokens[i:i + size])) if i + size <= len(tokens) else None
                if group is not None:
                    spans.append((group, tuple(tokens[i:i + size])))
                    i += size
                    break
            else:
                spans.append(("word", (tokens[i],)))
                i += 1
        return spans

    def _evidence(self, spans: list[tuple[str, tuple[str, ...]]],
                  asked: AskedQuestion | None = None) -> list[tuple[int, bool]]:
        """(sign, hedged) per piece of evidence: 1 yes, -1 no, 0 not sure. `asked`: the question, if known."""
        read_up_to = 4 if sum(group == "word" for group, _ in spans) > LONG_REPLY else len(spans)
        evidence: list[tuple[int, bool]] = []
        skip: set[int] = set()
        opens_statement = in_statement = False
        echo = self.replies.question_echo
        for i, (group, words) in enumerate(spans[:read_up_to]):
            following = spans[i + 1][0] if i + 1 < len(spans) else None
            if i in skip:
                continue
            if in_statement and not ((group in POLAR or group.startswith("echo_")) and self._echo_ends(spans[i + 1:])):
                continue  # "I have some friends with children, not that many": about its own words
            if group.startswith("echo_") and following in ("word", "partial") and not self._echo_ends(spans[i + 1:]):
                in_statement = True  # "I have some friends with children": what follows is about them
            if group == "likely" and following == "negator":  # "probably wouldn't"
                evidence.append((-1, True))
                skip.add(i + 1)
            elif group == "likely" and following == "word":
                pass  # "I probably ought to", "we probably have three months": a statement, not a yes
            elif group == "degree" and following == "word" and echo and asked \
                    and not in_question(spans[i + 1][1][0], asked, echo):
                in_statement = True  # "kind of hilly" to "Is it flat?": describes "hilly", no yes
            elif group in POLAR:
                evidence.append(POLAR[group])
            elif group == "unsure":
                evidence.append((0, False))
            elif group == "partial" and self._echo_ends(spans[i + 1:]):
                evidence.append((1, True))  # "Uh, some."
            elif group in ("opening_yes", "opening_no") and i == 0:
                evidence.append((1 if group == "opening_yes" else -1, True))  # "I try to", "I used to"
            elif group in ("echo_yes", "echo_no", "echo_cannot") and self._echo_ends(spans[i + 1:]):
                evidence.append((1 if group == "echo_yes" else -1, False))
            elif group == "echo_no" and i == 0 and words[0] in self.replies.statement_subjects \
                    and not (echo and asked and about_someone_else(asked, echo)):
                opens_statement = True  # "I haven't been there in years": a hedged no, if nothing else is said
            elif group == "negator" and following in ("yes", "hedged_yes", "likely"):
                evidence.append((-1, True))  # "not really", "not sure-ly": a soft no
                skip.add(i + 1)
            elif group == "negator" and following != "word":
                evidence.append((-1, False))  # a bare "not"
            elif group == "negator" and i == 0 and spans[i + 1][1][0].endswith("ing"):
                in_statement = True  # "not feeling when I need to go", "not being a drug user": a phrase, not a no
            elif group == "negator" and i == 0:
                evidence.append((-1, True))  # "not lately", "not very much": a no with a qualification
            elif group == "negator" and following == "word" and echo and asked and used_in_question(spans[i + 1][1][0], asked, echo):
                evidence.append((-1, True))  # "a bit, not cold" to "Is it cold?": the question's word negated
            # else: "sometimes, not all the time": the negator is about its own words, not the question
        return evidence or ([(-1, True)] if opens_statement else [])

    def _echo_ends(self, rest: list[tuple[str, tuple[str, ...]]]) -> bool:
        """ "I have" answers; "I have two boys" is a statement that needs its question."""
        return all(group in POLAR or words in self._after_echo for group, words in rest)

    def _repair(self, word: str) -> str:
        """A slip in a reply word ("yse", "nooo"); real words are left alone."""
        if word in self.replies.vocabulary or word.isdigit():
            return word
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        squeezed = re.sub(r"(.)\1+", r"\1", word)  # "nooo", "yesss", "yass": drawn out, not misspelt
        if squeezed in self.replies.vocabulary:
            repaired = squeezed
        elif word in self._known:
            repaired = word
        elif len(word) >= 3:
            near = {w for w in self.replies.vocabulary if len(w) >= 2 and OSA.distance(word, w) <= 1}
            repaired = near.pop() if len(near) == 1 else word
        else:
            repaired = word
        if len(self._cache) < 10_000:
            self._cache[word] = repaired
        return repaired
