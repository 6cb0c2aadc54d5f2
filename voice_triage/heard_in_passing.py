"""Facts heard in passing: what a spoken turn said about something other than the question it answered.

A long spoken turn is where the recogniser errs most ("... on the top of this both these diabetic" gave
`side: both`). Such a value is fine for ranking sources, but an emergency must not rest on it: "yes he has
back pain" with that "both" sent a person with one tingling leg to the emergency department. So before the
session ends on an emergency, each fact heard in passing that the emergency needs is asked by its own question
("Is it in your left leg, your right leg, or both?"), or that a question `covers` (both legs, for the side). The
places too: "calves" and "knee" misheard in "my feet both tingle in the toes" made both legs of both feet. No clear
answer keeps the value heard, the cautious reading.

The other way round, a care level must not be lowered by a fact heard in passing either: "for six weeks" heard "for
two weeks" gave self care instead of a consultation, and "How long have you had it?" was never asked. So before the
summary, a fact heard in passing whose value lowers the level is asked by its own question too, and so is one where
another answer would be an emergency ("right" heard in "numbness rising from both feet": both sides make the
spreading numbness an emergency). There, no clear answer leaves the fact unknown, the cautious reading. Pure, no I/O.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .facts import LEVELS, UNSURE, Facts
from .rules import Question
from .triage import Triage

CHECK_EARLIER = "Let me check one thing you said earlier, because it matters here."
"""Said before a fact heard in passing is asked by its own question."""


def hold_back_signs(triage: Triage, facts: Facts, before: Facts, probe: Facts) -> None:
    """A red flag that fires on signs with values ("both" sides with back pain, from "feet" misheard for "numb")
    must not fire from a misheard turn either. Then what else the turn gave (`probe`) is held back too, for its own
    questions ("Is it in your left leg, your right leg, or both?"); the places it named are kept unless they alone
    make the flag fire."""
    def firing(state: Facts) -> set[str]:
        return {flag for flag, _, _ in triage.red_flags(state)}

    def fires_new() -> bool:
        return bool(firing(facts) - firing(before))

    def restore(fact: str) -> None:
        if fact in before:
            facts[fact] = before[fact]
        else:
            facts.pop(fact, None)

    if not fires_new():
        return
    for fact in probe:
        if fact != "regions" and facts.get(fact) != before.get(fact):
            restore(fact)
    if fires_new():
        restore("regions")


def reopen_denied_signs(rules, before: Facts, facts: Facts, question: Question | None) -> set[str]:
    """A warning sign a spoken turn denied in passing ("took a tumble" heard "don't have tumbled": no injury) is not
    taken as its answer: the sign goes back to unknown, so its own question is still put. A negation is as easily
    misheard as the sign itself, and its question is what settles it. Returns the signs reopened."""
    answered = {question.fact, *question.covers} if question is not None else set()
    signs = {fact for flag in rules.red_flags for q in flag.questions for fact in (q.fact, *q.covers)}
    reopened = {fact for fact in signs - answered if facts.get(fact) is False and before.get(fact) is None}
    for fact in reopened:
        del facts[fact]
    return reopened


@dataclass
class HeardInPassing:
    """The facts spoken turns gave in passing, and those held back until their own question is answered."""

    facts: set[str] = field(default_factory=set)
    """Facts a spoken turn set while another question was open (a description's side)."""
    held: dict[str, Any] = field(default_factory=dict)
    """Facts taken out of the dialogue's facts until `asking` is answered, with the values heard."""
    asking: Question | None = None
    """The question that checks the held facts."""
    keep_unclear: bool = True
    """Whether the held facts come back when `asking` gets no clear answer (an emergency's signs do; a value that
    lowered the level doesn't)."""

    def note(self, before: Facts, after: Facts, question: Question | None, asked: dict[str, str]) -> None:
        """One spoken turn took `before` to `after` with `question` open."""
        own = question.fact if question is not None else None
        self.facts |= {fact for fact, value in after.items() if value is not None and before.get(fact) != value}
        if own in asked:  # answered by its own question: no longer in passing
            self.facts.discard(own)

    def to_confirm(self, triage: Triage, facts: Facts, asked: dict[str, str]) -> Question | None:
        """The question to put before going on, if an emergency rests on facts heard in passing (then those
        facts are held back from `facts` until their questions are answered); else None."""
        self.release(facts, asked)
        if not triage.ends_session(facts):
            return None
        return self._hold(triage, facts, asked, lambda without, _: not triage.ends_session(without),
                          keep_unclear=True)

    def to_check_level(self, triage: Triage, facts: Facts, asked: dict[str, str]) -> Question | None:
        """The question to put before the summary, if a fact heard in passing lowers the care level (it is held
        back until answered); else None."""
        self.release(facts, asked)
        level = LEVELS.index(triage.outcome(facts)[0])

        def lowered(without: Facts, question: Question) -> bool:  # unknown is higher, or another answer an emergency
            return LEVELS.index(triage.outcome(without)[0]) > level \
                or any(triage.ends_session({**without, question.fact: value}) for value in question.hypotheses)
        return self._hold(triage, facts, asked, lowered, keep_unclear=False)

    def _hold(self, triage: Triage, facts: Facts, asked: dict[str, str], matters, keep_unclear: bool):
        """Holds back the facts heard in passing of the first question whose facts `matters` (tried on the facts
        without them, and the question), quick questions first; returns that question, or None."""
        for question in sorted(triage.rules.questions, key=lambda q: q.expect == "free"):
            doubtful = [fact for fact in (question.fact, *question.covers) if fact in self.facts
                        and facts.get(fact) is not None]
            if question.fact in asked or not doubtful:
                continue
            if matters({k: v for k, v in facts.items() if k not in doubtful}, question):
                self.asking, self.keep_unclear = question, keep_unclear
                self.held = {fact: facts.pop(fact) for fact in doubtful}
                return question
        return None

    def release(self, facts: Facts, asked: dict[str, str]) -> None:
        """Puts the held facts back, unless their question was answered: a value given to the question wins, and
        a fact it covers (both legs, for the side) goes, as the answer says what the person meant. No clear
        answer, or none yet, keeps the value heard, if it is the cautious reading (`keep_unclear`)."""
        question, self.asking = self.asking, None
        answered = question is not None and question.fact in asked and facts.get(question.fact) not in (None, UNSURE)
        for fact, heard in self.held.items():
            if not answered and self.keep_unclear:
                facts[fact] = copy.deepcopy(heard)
            if question is not None and question.fact in asked:
                self.facts.discard(fact)
        self.held.clear()
