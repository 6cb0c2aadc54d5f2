"""The rule book (rules/triage.yaml) once loaded, and its conditions compiled to closures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .facts import UNSURE, Facts



@dataclass(frozen=True)
class Question:
    """Something the assistant may ask."""

    fact: str
    """The fact the answer sets."""
    text: str
    """The words of the question."""
    expect: str
    """`yes_no`, `free` or `choice`."""
    choices: tuple[str, ...] = ()
    """For `choice`: the possible values."""
    answers: dict[str, str] = field(default_factory=dict)
    """What a plain yes or no means for a choice question."""
    hypotheses: tuple[Any, ...] = ()
    """Answers the planner tries, to see if the question matters."""
    covers: tuple[str, ...] = ()
    """Red-flag signs the question asks about; skipped when all are known to be absent."""
    always_if_unknown: bool = False
    """Ask whenever the fact is unknown (the location)."""
    red_flag: str | None = None
    """The red flag this question screens for."""
    prime: str = ""
    """Words to read before a short answer that doesn't name its topic ("only years ago")."""
    plain: str = ""
    """The question again in plainer words: for the second try and "just to be sure"."""
    explain: str = ""
    """What the question's words mean, for "what does that mean?" and help."""


@dataclass(frozen=True)
class RedFlag:
    """A warning sign that sets the care level on its own and stops the questions."""

    id: str
    """Contract id, e.g. `cauda_equina`."""
    name: str
    """Plain-words name."""
    level: str
    """Care level when it fires."""
    fires_when: dict
    """Condition."""
    cites: tuple[str, ...]
    """Sources."""
    questions: tuple[Question, ...]
    """The screening questions."""
    escalate_when: dict | None = None
    """Condition for the higher level."""
    escalate_to: str | None = None
    """That level."""


@dataclass(frozen=True)
class LevelRule:
    """A rule that raises the care level when no red flag fires."""

    id: str
    """Rule id."""
    level: str
    """The level it raises to."""
    when: dict
    """Condition."""
    why: str
    """The reason, as told to the person."""
    cites: tuple[str, ...]
    """Sources."""
    fallback: bool = False
    """Its reason is given only when no other rule reached the same level."""


@dataclass(frozen=True)
class Evidence:
    """One reason for or against a source."""

    when: dict
    """Condition."""
    weight: int
    """Positive: for; negative: against."""
    says: str
    """The reason, as told to the person."""
    cites: tuple[str, ...]
    """Sources."""


@dataclass(frozen=True)
class SourceRule:
    """A possible source of the symptoms."""

    id: str
    """Contract id, e.g. `l5_nerve_root`."""
    name: str
    """Plain-words name."""
    min_score: int
    """Listed only at or above this score."""
    evidence: tuple[Evidence, ...]
    """Reasons for and against."""
    cites: tuple[str, ...]
    """Sources."""


@dataclass(frozen=True)
class Advice:
    """Advice said when its condition holds."""

    id: str
    """Advice id."""
    when: dict
    """Condition (may use source_listed, red_flags, level_in)."""
    text: tuple[str, ...]
    """What to say, one line each."""
    cites: tuple[str, ...]
    """Sources."""


@dataclass
class RuleBook:
    """All of rules/triage.yaml."""

    citations: dict[str, str]
    """Citation key -> reference."""
    level_say: dict[str, str]
    """Care level -> what the person is told to do."""
    red_flags: list[RedFlag]
    """Checked first."""
    default_level: str
    """Level when no rule applies."""
    level_rules: list[LevelRule]
    """Other reasons to raise the level."""
    sources: list[SourceRule]
    """Possible sources, in the article's order."""
    questions: list[Question]
    """Follow-up questions."""
    advice: list[Advice]
    """Advice items."""
    safety_net: str
    """Always said: when to get help at once."""
    disclaimer: str
    """Always said: not a diagnosis."""

    @property
    def screening(self) -> list[Question]:
        """Every red-flag question, in order."""
        return [q for flag in self.red_flags for q in flag.questions]

    @property
    def red_flag_facts(self) -> frozenset[str]:
        """Facts that can fire a red flag; once true they stay true."""
        return frozenset(f for flag in self.red_flags for f in facts_in(flag.fires_when))


# -- conditions ----------------------------------------------------------------------

LIST_KEYS = ("any_in", "only_in", "none_in")
FACT_LIST_KEYS = ("all_true", "any_true", "not_true", "all_false", "any_unsure", "unknown")
CONTEXT_KEYS = ("source_listed", "red_flags", "level_in")


Test = Callable[[Facts, dict], bool]
"""A compiled condition: (facts, context) -> holds."""


def compile_condition(cond: dict) -> Test:
    """Turn a validated condition into a closure (fast: the planner runs rules many times per turn)."""
    tests = [_compile_one(key, arg) for key, arg in cond.items()]
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda facts, context: first(facts, context) and second(facts, context)
    return lambda facts, context: all(test(facts, context) for test in tests)


def _values(value: Any) -> tuple:
    return tuple(value) if isinstance(value, list) else (value,)


def _compile_one(key: str, arg: Any) -> Test:
    # Flag facts hold True, False, "unsure" or None, so `True in values` is an exact test.
    if key == "all_true":
        return lambda f, c: all(v is True for v in map(f.get, arg))
    if key == "any_true":
        return lambda f, c: True in map(f.get, arg)
    if key == "not_true":
        return lambda f, c: True not in map(f.get, arg)
    if key == "all_false":
        return lambda f, c: all(v is False for v in map(f.get, arg))
    if key == "any_unsure":
        return lambda f, c: UNSURE in map(f.get, arg)
    if key == "unknown":
        return lambda f, c: all(v is None for v in map(f.get, arg))
    if key in ("is", "is_not"):
        pairs = [(fact, _values(v)) for fact, v in arg.items()]
        if len(pairs) == 1:
            fact, allowed = pairs[0]
            if key == "is":
                return lambda f, c: f.get(fact) in allowed
            return lambda f, c: f.get(fact) not in allowed
        if key == "is":
            return lambda f, c: all(f.get(fact) in allowed for fact, allowed in pairs)
        return lambda f, c: not any(f.get(fact) in allowed for fact, allowed in pairs)
    if key in LIST_KEYS:
        if len(arg) != 1:
            tests = [_compile_one(key, {fact: values}) for fact, values in arg.items()]
            return lambda f, c: all(t(f, c) for t in tests)
        ((fact, values),) = arg.items()
        allowed = frozenset(values)
        if key == "any_in":
            return lambda f, c: not allowed.isdisjoint(f.get(fact) or ())
        if key == "only_in":
            return lambda f, c: bool(f.get(fact)) and allowed.issuperset(f[fact])
        return lambda f, c: bool(f.get(fact)) and allowed.isdisjoint(f[fact])
    if key == "duration_over":
        return lambda f, c: f.get("duration_days") is not None and f["duration_days"] > arg
    if key == "duration_at_most":
        return lambda f, c: f.get("duration_days") is not None and f["duration_days"] <= arg
    if key in ("any", "all"):
        parts = [compile_condition(sub) for sub in arg]
        if key == "any":
            return lambda f, c: any(p(f, c) for p in parts)
        return lambda f, c: all(p(f, c) for p in parts)
    if key == "not":
        inner = compile_condition(arg)
        return lambda f, c: not inner(f, c)
    if key == "source_listed":
        return lambda f, c: any(s in c.get("sources", ()) for s in arg)
    if key == "red_flags":
        return lambda f, c: bool(c.get("red_flags")) == (arg == "any")
    if key == "level_in":
        return lambda f, c: c.get("level") in arg
    raise KeyError(key)  # validation makes this unreachable


def facts_in(cond: Any) -> set[str]:
    """Every fact a condition reads."""
    found: set[str] = set()
    if isinstance(cond, dict):
        for key, arg in cond.items():
            if key in FACT_LIST_KEYS:
                found |= set(arg)
            elif key in ("is", "is_not") + LIST_KEYS:
                found |= set(arg)
            elif key in ("duration_over", "duration_at_most"):
                found.add("duration_days")
            elif key in ("any", "all"):
                for c in arg:
                    found |= facts_in(c)
            elif key == "not":
                found |= facts_in(arg)
    return found
