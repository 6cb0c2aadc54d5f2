"""Read and validate rules/triage.yaml into a RuleBook; every problem is reported as file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .data import DataError, DataErrors, LineDict, display_path, line_of
from .facts import LEVELS
from .language import Language
from .rules import (CONTEXT_KEYS, FACT_LIST_KEYS, LIST_KEYS, Advice, Evidence, LevelRule, Question, RedFlag, RuleBook,
                    SourceRule)
from .yamlfile import load_yaml

EXPECTS = ("yes_no", "free", "choice")
QUESTION_ONLY_FACTS = ("duration_days", "patient")
"""Facts that no lexicon fills directly."""


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
        self.only(node, "fact text expect choices answers hypotheses covers always_if_unknown prime plain explain")
        if red_flag is not None:
            for key in ("plain", "explain"):
                self.need(node, key, str, "a warning-sign question needs it: " + (
                    "the question in plainer words" if key == "plain" else "what its words mean"))
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
                        tuple(node.get("covers") or ()), bool(node.get("always_if_unknown")), red_flag,
                        str(node.get("prime") or ""), str(node.get("plain") or ""), str(node.get("explain") or ""))

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
                if "{reported}" in str(e.get("says", "")) and not (e.get("when") or {}).get("any_in", {}).get("regions"):
                    self.error(e, "`{reported}` needs `when: {any_in: {regions: [...]}}` to say which regions", "says")
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
    where = display_path(path, root)
    doc = load_yaml(path, root)
    if not isinstance(doc, LineDict):
        raise DataError(where, 1, "expected a mapping")
    reader = _Reader(doc, where, language)
    book = reader.read()
    if reader.errors:
        raise DataErrors(reader.errors)
    return book
