"""Facts -> Assessment: red flags first, then the care level, the ranked sources and advice."""

from __future__ import annotations

from dataclasses import dataclass

from .assessment import Assessment, SourceFinding
from .facts import LEVELS, Facts, contract_view
from .rules import Question, RuleBook, holds


@dataclass
class Triage:
    """Applies one rule book to facts."""

    rules: RuleBook
    """The knowledge base."""
    region_order: tuple[str, ...]
    """Region ids in body order (hip to toes), for tidy output."""

    def red_flags(self, facts: Facts) -> list[tuple[str, str, str]]:
        """Every red flag that fires, as (id, level, name)."""
        fired = []
        for flag in self.rules.red_flags:
            if holds(flag.fires_when, facts):
                level = flag.level
                if flag.escalate_when and holds(flag.escalate_when, facts):
                    level = flag.escalate_to or level
                fired.append((flag.id, level, flag.name))
        return fired

    def level(self, facts: Facts, fired: list[tuple[str, str, str]]) -> tuple[str, list[str], list[str]]:
        """The care level, the reasons for it, and every rule that applied."""
        level, reasons, applied = self.rules.default_level, [], []
        for flag_id, flag_level, name in fired:
            applied.append(f"red_flag:{flag_id}")
            if LEVELS.index(flag_level) > LEVELS.index(level):
                level, reasons = flag_level, []
            if flag_level == level:
                reasons.append(name)
        for rule in self.rules.level_rules:
            if holds(rule.when, facts):
                applied.append(f"level:{rule.id}")
                if LEVELS.index(rule.level) > LEVELS.index(level):
                    level, reasons = rule.level, []
                if rule.level == level:
                    reasons.append(rule.why)
        return level, reasons, applied

    def sources(self, facts: Facts) -> list[SourceFinding]:
        """Sources at or above their minimum score, most likely first."""
        found = []
        for order, source in enumerate(self.rules.sources):
            score, why, against = 0, [], []
            for evidence in source.evidence:
                if holds(evidence.when, facts):
                    score += evidence.weight
                    (why if evidence.weight > 0 else against).append(evidence.says)
            if why and score >= source.min_score:
                found.append((-score, order, SourceFinding(source.id, source.name, why, against, score)))
        return [finding for *_, finding in sorted(found, key=lambda item: item[:2])]

    def outcome(self, facts: Facts) -> tuple[str, tuple[str, ...]]:
        """Just the level and the top two sources: what a question could change."""
        level, _, _ = self.level(facts, self.red_flags(facts))
        return level, tuple(s.id for s in self.sources(facts)[:2])

    def assess(self, facts: Facts, asked: frozenset[str] = frozenset(), message: str | None = None) -> Assessment:
        """The full assessment of these facts."""
        fired = self.red_flags(facts)
        level, reasons, applied = self.level(facts, fired)
        sources = self.sources(facts)
        red_ids = [flag_id for flag_id, _, _ in fired]
        context = {"sources": [s.id for s in sources], "red_flags": red_ids, "level": level}
        urgent = LEVELS.index(level) >= LEVELS.index("emergency")
        advice = [self.rules.level_say[level]] if urgent else []
        for item in self.rules.advice:
            if not urgent and holds(item.when, facts, context):
                advice.extend(item.text)
                applied.append(f"advice:{item.id}")
        applied += [f"source:{s.id}" for s in sources]
        questions = [q.text for q in self.open_questions(facts, asked)] if not fired or not urgent else []
        return Assessment(level, red_ids, sources, contract_view(facts, self.region_order), advice, questions,
                          self.rules.level_say[level], reasons, applied, self.rules.safety_net,
                          self.rules.disclaimer, message)

    def open_questions(self, facts: Facts, asked: frozenset[str] = frozenset()) -> list[Question]:
        """What is still worth asking, in order: location, red flags, then what could change the outcome."""
        out: list[Question] = []
        follow_ups = [q for q in self.rules.questions if q.fact not in asked and facts.get(q.fact) is None]
        for question in follow_ups:
            if question.always_if_unknown and not facts.get(question.fact):
                out.append(question)
        for question in self.rules.screening:
            if question.fact in asked or facts.get(question.fact) is not None:
                continue
            if question.covers and all(facts.get(f) is False for f in question.covers):
                continue
            out.append(question)
        current = self.outcome(facts)
        for question in follow_ups:
            if question.always_if_unknown:
                continue
            if any(self.outcome({**facts, question.fact: h}) != current for h in question.hypotheses):
                out.append(question)
        return out
