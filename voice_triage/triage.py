"""Facts -> Assessment: red flags first, then the care level, the ranked sources and advice."""

from __future__ import annotations

from dataclasses import dataclass

from .assessment import Assessment, SourceFinding
from .facts import LEVELS, Facts, contract_view
from .rules import Question, RuleBook, compile_condition, facts_in

_NO_CONTEXT: dict = {}


@dataclass
class _State:
    """Which rules hold for one set of facts."""

    flags: list[str | None]
    """Per red flag: the level it fired at, or None."""
    levels: list[bool]
    """Per level rule: whether it applies."""
    evidence: list[list[bool]]
    """Per source, per evidence item: whether it holds."""


class Triage:
    """Applies one rule book to facts. Conditions are compiled once, at start."""

    def __init__(self, rules: RuleBook, region_order: tuple[str, ...], region_names: dict[str, str] | None = None) -> None:
        self.rules = rules
        self.region_order = region_order
        self.region_names = region_names or {}
        self._flags = [(f, compile_condition(f.fires_when),
                        compile_condition(f.escalate_when) if f.escalate_when else None) for f in rules.red_flags]
        self._levels = [(r, compile_condition(r.when)) for r in rules.level_rules]
        self._sources = [(s, [(e, compile_condition(e.when)) for e in s.evidence]) for s in rules.sources]
        self._advice = [(a, compile_condition(a.when)) for a in rules.advice]
        # what each rule reads, so a "what if" re-evaluates only what the fact can change
        self._flag_reads = [facts_in(f.fires_when) | facts_in(f.escalate_when or {}) for f in rules.red_flags]
        self._level_reads = [facts_in(r.when) for r in rules.level_rules]
        evidence_reads = [[facts_in(e.when) for e in s.evidence] for s in rules.sources]
        source_reads = [set().union(*reads) if reads else set() for reads in evidence_reads]
        every_fact = set().union(*self._flag_reads, *self._level_reads, *source_reads)
        self._dependents = {fact: ([i for i, r in enumerate(self._flag_reads) if fact in r],
                                   [i for i, r in enumerate(self._level_reads) if fact in r],
                                   [(i, [j for j, r in enumerate(reads) if fact in r])
                                    for i, reads in enumerate(evidence_reads) if fact in source_reads[i]])
                            for fact in every_fact}
        self._weights = [[e.weight for e in s.evidence] for s in rules.sources]
        self._level_rank = [LEVELS.index(r.level) for r in rules.level_rules]

    # -- evaluation ----------------------------------------------------------------------

    def _flag(self, index: int, facts: Facts) -> str | None:
        flag, fires, escalate = self._flags[index]
        if not fires(facts, _NO_CONTEXT):
            return None
        if escalate is not None and escalate(facts, _NO_CONTEXT):
            return flag.escalate_to or flag.level
        return flag.level

    def _state(self, facts: Facts) -> _State:
        return _State([self._flag(i, facts) for i in range(len(self._flags))],
                      [test(facts, _NO_CONTEXT) for _, test in self._levels],
                      [[test(facts, _NO_CONTEXT) for _, test in items] for _, items in self._sources])

    def _score(self, index: int, holds: list[bool]) -> tuple[int, bool]:
        """A source's score and whether any evidence speaks for it."""
        score, positive = 0, False
        for held, weight in zip(holds, self._weights[index]):
            if held:
                score += weight
                positive = positive or weight > 0
        return score, positive

    def _level(self, state: _State) -> tuple[str, list[str], list[str]]:
        level, reasons, applied = self.rules.default_level, [], []
        for (flag, _, _), fired in zip(self._flags, state.flags):
            if fired is None:
                continue
            applied.append(f"red_flag:{flag.id}")
            if LEVELS.index(fired) > LEVELS.index(level):
                level, reasons = fired, []
            if fired == level:
                reasons.append(flag.name)
        for (rule, _), holds in zip(self._levels, state.levels):
            if not holds:
                continue
            applied.append(f"level:{rule.id}")
            if LEVELS.index(rule.level) > LEVELS.index(level):
                level, reasons = rule.level, []
            if rule.level == level:
                reasons.append(rule.why)
        fallbacks = {r.why for r in self.rules.level_rules if r.fallback}
        if any(reason not in fallbacks for reason in reasons):
            reasons = [reason for reason in reasons if reason not in fallbacks]
        return level, reasons, applied

    def _ranked(self, state: _State, facts: Facts) -> list[SourceFinding]:
        found = []
        for order, ((source, items), holds) in enumerate(zip(self._sources, state.evidence)):
            score, why, against = 0, [], []
            for (evidence, _), held in zip(items, holds):
                if held:
                    score += evidence.weight
                    (why if evidence.weight > 0 else against).append(self._said(evidence, facts))
            if why and score >= source.min_score:
                found.append((-score, order, SourceFinding(source.id, source.name, why, against, score)))
        return [finding for *_, finding in sorted(found, key=lambda item: item[:2])]

    def _said(self, evidence, facts: Facts) -> str:
        """The reason, with `{reported}` filled by the regions this person named ("the big toe and the top of the foot")."""
        if "{reported}" not in evidence.says:
            return evidence.says
        pattern = evidence.when.get("any_in", {}).get("regions", [])
        named = [self.region_names.get(r, r.replace("_", " ")) for r in self.region_order
                 if r in pattern and r in (facts.get("regions") or [])]
        listed = " and ".join(named) if len(named) < 3 else ", ".join(named[:-1]) + " and " + named[-1]
        return evidence.says.replace("{reported}", listed)

    def _outcome(self, flags: list[str | None], levels: list[bool],
                 scores: list[tuple[int, bool]]) -> tuple[str, tuple[str, ...]]:
        """Level and top two source ids, without building any text (the planner calls this often)."""
        rank = LEVELS.index(self.rules.default_level)
        for fired in flags:
            if fired is not None:
                rank = max(rank, LEVELS.index(fired))
        for holds, level_rank in zip(levels, self._level_rank):
            if holds:
                rank = max(rank, level_rank)
        ranked = sorted((-score, order) for order, (score, positive) in enumerate(scores)
                        if positive and score >= self.rules.sources[order].min_score)
        return LEVELS[rank], tuple(self.rules.sources[order].id for _, order in ranked[:2])

    def _what_if(self, base: _State, scores: list[tuple[int, bool]], facts: Facts, fact: str):
        """The outcome for facts that differ from `base`'s only in `fact`: re-runs only the rules that read it."""
        flags, levels, new_scores = base.flags, base.levels, scores
        if self._dependents[fact][0]:
            flags = list(flags)
            for i in self._dependents[fact][0]:
                flags[i] = self._flag(i, facts)
        if self._dependents[fact][1]:
            levels = list(levels)
            for i in self._dependents[fact][1]:
                levels[i] = self._levels[i][1](facts, _NO_CONTEXT)
        if self._dependents[fact][2]:
            new_scores = list(scores)
            for i, items in self._dependents[fact][2]:
                holds = list(base.evidence[i])
                for j in items:
                    holds[j] = self._sources[i][1][j][1](facts, _NO_CONTEXT)
                new_scores[i] = self._score(i, holds)
        return self._outcome(flags, levels, new_scores)

    # -- public --------------------------------------------------------------------------

    def red_flags(self, facts: Facts) -> list[tuple[str, str, str]]:
        """Every red flag that fires, as (id, level, name)."""
        return [(flag.id, level, flag.name) for (flag, _, _), level in
                zip(self._flags, (self._flag(i, facts) for i in range(len(self._flags)))) if level]

    def ends_session(self, facts: Facts) -> bool:
        """A red flag at the emergency level or above fires: the dialogue stops asking."""
        return any(LEVELS.index(level) >= LEVELS.index("emergency") for _, level, _ in self.red_flags(facts))

    def outcome(self, facts: Facts) -> tuple[str, tuple[str, ...]]:
        """Just the level and the top two sources: what a question could change."""
        state = self._state(facts)
        return self._outcome(state.flags, state.levels, [self._score(i, h) for i, h in enumerate(state.evidence)])

    def assess(self, facts: Facts, asked: frozenset[str] = frozenset(), message: str | None = None) -> Assessment:
        """The full assessment of these facts."""
        state = self._state(facts)
        level, reasons, applied = self._level(state)
        sources = self._ranked(state, facts)
        red_ids = [flag.id for (flag, _, _), fired in zip(self._flags, state.flags) if fired]
        context = {"sources": [s.id for s in sources], "red_flags": red_ids, "level": level}
        urgent = LEVELS.index(level) >= LEVELS.index("emergency")
        advice = [self.rules.level_say[level]] if urgent else []
        for item, test in self._advice:
            if not urgent and test(facts, context):
                advice.extend(item.text)
                applied.append(f"advice:{item.id}")
        applied += [f"source:{s.id}" for s in sources]
        questions = [] if urgent else [q.text for q in self.open_questions(facts, asked, state)]
        return Assessment(level, red_ids, sources, contract_view(facts, self.region_order), advice, questions,
                          self.rules.level_say[level], reasons, applied, self.rules.safety_net,
                          self.rules.disclaimer, message)

    def open_questions(self, facts: Facts, asked: frozenset[str] = frozenset(),
                       state: _State | None = None) -> list[Question]:
        """What is still worth asking, in order: location, red flags, then what could change the outcome."""
        out: list[Question] = []
        follow_ups = [q for q in self.rules.questions if q.fact not in asked and facts.get(q.fact) is None]
        out += [q for q in follow_ups if q.always_if_unknown and not facts.get(q.fact)]
        for question in self.rules.screening:
            if question.fact in asked or facts.get(question.fact) is not None:
                continue
            if question.covers and all(facts.get(f) is False for f in question.covers):
                continue
            out.append(question)
        base = state or self._state(facts)
        scores = [self._score(i, holds) for i, holds in enumerate(base.evidence)]
        current = self._outcome(base.flags, base.levels, scores)
        for question in follow_ups:
            if question.always_if_unknown or question.fact not in self._dependents:
                continue
            for hypothesis in question.hypotheses:
                what_if = {**facts, question.fact: hypothesis}
                if self._what_if(base, scores, what_if, question.fact) != current:
                    out.append(question)
                    break
        return out
