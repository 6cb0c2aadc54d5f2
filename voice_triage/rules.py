"""The rule book (rules/triage.yaml): loading, validation with file:line, and conditions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .data import DataError, LineDict, display_path, line_of, load_yaml
from .facts import LEVELS, UNSURE, Facts
from .language import Language

EXPECTS = ("yes_no", "free", "choice")
QUESTION_ONLY_FACTS = ("duration_days", "patient")
"""Facts that no lexicon fills directly."""


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
        return frozenset(f for flag in self.red_flags for f in _facts_in(flag.fires_when))


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


def holds(cond: dict, facts: Facts, context: dict | None = None) -> bool:
    """Whether every key of the condition holds for these facts."""
    return compile_condition(cond)(facts, context or {})


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
    return _facts_in(cond)


def _facts_in(cond: Any) -> set[str]:
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
                    found |= _facts_in(c)
            elif key == "not":
                found |= _facts_in(arg)
    return found


# -- loading -------------------------------------------------------------------------


class _Reader:
    """Builds the rule book from YAML, collecting every error with its line."""

    def __init__(self, doc: LineDict, where: str, language: Language) -> None:
        self.doc, self.where, self.language = doc, where, language
        self.errors: list[DataError] = []
        self.citations: dict[str, str] = dict(doc.get("sources_cited") or {})
        self.facts = set(language.lexicons) | set(QUESTION_ONLY_FACTS)
        for flag in doc.get("red_flags") or []:
            for q in _as_list(flag.get("question")):
                if isinstance(q, dict) and isinstance(q.get("fact"), str):
                    self.facts.add(q["fact"])

    def error(self, node: Any, message: str, key: Any = None) -> None:
        self.errors.append(DataError(self.where, line_of(node, key), message))

    def only(self, node: Any, allowed: str) -> None:
        """Report keys this kind of entry doesn't have (a typo would otherwise be ignored)."""
        if isinstance(node, dict):
            for key in node:
                if key not in allowed.split():
                    self.error(node, f"unknown key `{key}` (expected one of: {allowed})", key)

    def need(self, node: Any, key: str, kind: type, what: str) -> Any:
        value = node.get(key) if isinstance(node, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            self.error(node, f"`{key}` is required ({what})", key if isinstance(node, dict) and key in node else None)
            return kind()
        return value

    def level(self, node: Any, key: str) -> str:
        value = node.get(key)
        if value not in LEVELS:
            self.error(node, f"`{key}` must be one of {', '.join(LEVELS)} (got {value!r})", key)
            return LEVELS[-1]
        return value

    def cites(self, node: Any, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        keys = [k for k in (node.get("source"), node.get("also")) if k] or list(default)
        if not keys:
            self.error(node, "every rule must name its `source`")
        for key in keys:
            if key not in self.citations:
                self.error(node, f"source `{key}` is not listed in sources_cited", "source")
        section = node.get("section")
        return tuple(f"{self.citations.get(k, k)}" + (f', section "{section}"' if section and k == "article" else "")
                     for k in keys)

    def condition(self, cond: Any, node: Any, key: str, context_allowed: bool = False) -> dict:
        if not isinstance(cond, dict) or not cond:
            self.error(node, f"`{key}` must be a condition (a mapping)", key)
            return {}
        regions = {p.value for p in self.language.phrases if p.fact == "regions"}
        for name, arg in cond.items():
            if name in FACT_LIST_KEYS:
                for fact in arg if isinstance(arg, list) else [None]:
                    if fact not in self.facts:
                        self.error(cond, f"`{name}` names unknown fact {fact!r}", name)
            elif name in ("is", "is_not") + LIST_KEYS:
                if not isinstance(arg, dict):
                    self.error(cond, f"`{name}` must map facts to values", name)
                    continue
                for fact, values in arg.items():
                    lexicon = self.language.lexicons.get(fact)
                    if lexicon is None:
                        self.error(arg, f"unknown fact {fact!r}", fact)
                        continue
                    allowed = set(lexicon.values)
                    for value in values if isinstance(values, list) else [values]:
                        if value not in allowed and not (fact == "regions" and value in regions):
                            self.error(arg, f"{value!r} is not a value of `{fact}`", fact)
            elif name in ("duration_over", "duration_at_most"):
                if not isinstance(arg, int) or isinstance(arg, bool):
                    self.error(cond, f"`{name}` takes a number of days", name)
            elif name in ("any", "all"):
                for sub in arg if isinstance(arg, list) else [None]:
                    self.condition(sub, cond, name, context_allowed)
            elif name == "not":
                self.condition(arg, cond, name, context_allowed)
            elif name in CONTEXT_KEYS and context_allowed:
                if name == "source_listed":
                    ids = {s.get("id") for s in self.doc.get("sources") or []}
                    for source in arg:
                        if source not in ids:
                            self.error(cond, f"unknown source id {source!r}", name)
            else:
                self.error(cond, f"unknown condition `{name}`", name)
        return _plain(cond)

    def question(self, node: Any, red_flag: str | None = None) -> Question:
        self.only(node, "fact text expect choices answers hypotheses covers always_if_unknown")
        expect = node.get("expect", "yes_no")
        if expect not in EXPECTS:
            self.error(node, f"`expect` must be one of {', '.join(EXPECTS)}", "expect")
        fact = self.need(node, "fact", str, "the fact the answer sets")
        if fact not in self.facts:
            self.error(node, f"unknown fact {fact!r}", "fact")
        for covered in node.get("covers") or []:
            if covered not in self.facts:
                self.error(node, f"`covers` names unknown fact {covered!r}", "covers")
        hypotheses = tuple(node.get("hypotheses") or ())
        if not hypotheses:
            hypotheses = (True, False) if expect == "yes_no" else tuple(node.get("choices") or ())
        return Question(fact, self.need(node, "text", str, "the words of the question"), expect,
                        tuple(node.get("choices") or ()), dict(node.get("answers") or {}), hypotheses,
                        tuple(node.get("covers") or ()), bool(node.get("always_if_unknown")), red_flag)

    def read(self) -> RuleBook:
        doc = self.doc
        level_say = {}
        for level in LEVELS:
            say = (doc.get("levels") or {}).get(level)
            if not isinstance(say, dict) or not isinstance(say.get("say"), str):
                self.error(doc.get("levels", doc), f"levels.{level}.say is missing", level)
            else:
                level_say[level] = say["say"]
        red_flags = []
        for node in doc.get("red_flags") or []:
            self.only(node, "id name level source also fires_when escalate_when escalate_to question")
            flag_id = self.need(node, "id", str, "a red-flag id")
            questions = tuple(self.question(q, flag_id) for q in _as_list(node.get("question")))
            red_flags.append(RedFlag(
                flag_id, self.need(node, "name", str, "plain-words name"), self.level(node, "level"),
                self.condition(node.get("fires_when"), node, "fires_when"), self.cites(node), questions,
                self.condition(node["escalate_when"], node, "escalate_when") if "escalate_when" in node else None,
                self.level(node, "escalate_to") if "escalate_to" in node else None))
        lr = doc.get("level_rules") or {}
        for n in lr.get("rules") or []:
            self.only(n, "id level source also section why when fallback")
        level_rules = [LevelRule(self.need(n, "id", str, "rule id"), self.level(n, "level"),
                                 self.condition(n.get("when"), n, "when"), self.need(n, "why", str, "reason"),
                                 self.cites(n), bool(n.get("fallback"))) for n in lr.get("rules") or []]
        sources = []
        for node in doc.get("sources") or []:
            self.only(node, "id name source also section min_score evidence")
            for e in node.get("evidence") or []:
                self.only(e, "when weight says source also section")
            cites = self.cites(node)
            evidence = tuple(Evidence(self.condition(e.get("when"), e, "when"), int(self.need(e, "weight", int, "a number")),
                                      self.need(e, "says", str, "the reason"),
                                      self.cites(e, default=(node.get("source"),)) if "source" in e or "section" in e else cites)
                             for e in node.get("evidence") or [])
            sources.append(SourceRule(self.need(node, "id", str, "source id"), self.need(node, "name", str, "name"),
                                      int(node.get("min_score", 1)), evidence, cites))
        questions = [self.question(n) for n in doc.get("questions") or []]
        for n in doc.get("advice") or []:
            self.only(n, "id source also section when text")
        advice = [Advice(self.need(n, "id", str, "advice id"), self.condition(n.get("when"), n, "when", True),
                         tuple(_as_list(n.get("text"))), self.cites(n)) for n in doc.get("advice") or []]
        self._unique([f.id for f in red_flags], "red flag")
        self._unique([s.id for s in sources], "source")
        self._unique([q.fact for q in questions + [q for f in red_flags for q in f.questions]], "question fact")
        safety = doc.get("safety_net") or {}
        return RuleBook(self.citations, level_say, red_flags, lr.get("default", "consultation"), level_rules, sources,
                        questions, advice, self.need(safety, "text", str, "the safety-net advice"),
                        self.need(doc, "disclaimer", str, "the disclaimer"))

    def _unique(self, ids: list[str], what: str) -> None:
        seen = set()
        for item in ids:
            if item in seen:
                self.error(self.doc, f"duplicate {what} {item!r}")
            seen.add(item)


def _as_list(value: Any) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _plain(value: Any) -> Any:
    """Drop the line-number wrappers, so the rule book pickles small."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_rulebook(path: Path, root: Path, language: Language) -> RuleBook:
    """Read and validate rules/triage.yaml; raises DataErrors listing every problem."""
    from .data import DataErrors

    where = display_path(path, root)
    doc = load_yaml(path, root)
    if not isinstance(doc, LineDict):
        raise DataError(where, 1, "expected a mapping")
    reader = _Reader(doc, where, language)
    book = reader.read()
    if reader.errors:
        raise DataErrors(reader.errors)
    return book
