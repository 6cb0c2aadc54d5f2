"""Every rule in rules/triage.yaml, on both sides of its boundary (tests/fixtures/rules.yaml)."""

from __future__ import annotations

import pytest

from conftest import load_fixture

CASES = load_fixture("rules.yaml")


def _params(section: str):
    return [pytest.param(rule_id, case, id=f"{rule_id}-{n}")
            for rule_id, cases in CASES[section].items() for n, case in enumerate(cases)]


def test_every_rule_has_a_case(knowledge):
    rules = knowledge.rules
    assert set(CASES["red_flags"]) == {f.id for f in rules.red_flags}
    assert set(CASES["level_rules"]) == {r.id for r in rules.level_rules}
    assert set(CASES["sources"]) == {s.id for s in rules.sources}
    assert set(CASES["advice"]) == {a.id for a in rules.advice}


def test_every_rule_names_its_source(knowledge):
    rules = knowledge.rules
    items = [*rules.red_flags, *rules.level_rules, *rules.sources, *rules.advice]
    items += [e for s in rules.sources for e in s.evidence]
    for item in items:
        assert item.cites and all(c.strip() for c in item.cites), f"{item} cites nothing"
    article = [s for s in rules.sources if s.id in ("l5_nerve_root", "sciatic_nerve", "hip_muscles", "fibular_nerve",
                                                      "diabetic_neuropathy")]
    assert all("section" in c for s in article for c in s.cites), "article sources must name their section"


@pytest.mark.parametrize("rule_id,case", _params("red_flags"))
def test_red_flag(brain, rule_id, case):
    fired = brain.triage.assess(dict(case["fires"]))
    assert rule_id in fired.red_flags
    assert fired.level == case.get("level", next(f.level for f in brain.rules.red_flags if f.id == rule_id)) \
        or fired.level in ("emergency", "emergency_ambulance")
    if "level" in case:
        assert fired.level == case["level"]
    assert rule_id not in brain.triage.assess(dict(case["not"])).red_flags


@pytest.mark.parametrize("rule_id,case", _params("level_rules"))
def test_level_rule(brain, rule_id, case):
    rule = next(r for r in brain.rules.level_rules if r.id == rule_id)
    fired = brain.triage.assess(dict(case["fires"]))
    assert f"level:{rule_id}" in fired.rules_fired
    assert fired.level == rule.level or fired.level in ("consultation_24", "emergency", "emergency_ambulance")
    assert f"level:{rule_id}" not in brain.triage.assess(dict(case["not"])).rules_fired


@pytest.mark.parametrize("rule_id,case", _params("sources"))
def test_source(brain, rule_id, case):
    listed = [s.id for s in brain.triage.assess(dict(case["fires"])).sources]
    assert rule_id in listed
    if case.get("top"):
        assert listed[0] == rule_id, f"{rule_id} should rank first, got {listed}"
    assert rule_id not in [s.id for s in brain.triage.assess(dict(case["not"])).sources]


@pytest.mark.parametrize("rule_id,case", _params("advice"))
def test_advice(brain, rule_id, case):
    assert f"advice:{rule_id}" in brain.triage.assess(dict(case["fires"])).rules_fired
    assert f"advice:{rule_id}" not in brain.triage.assess(dict(case["not"])).rules_fired


def test_the_exercise_has_the_three_steps_of_the_article(brain):
    advice = brain.triage.assess({"regions": ["outer_lower_leg"], "compression": True, "back_pain": "none"}).advice
    steps = [a for a in advice if a.startswith("Step ")]
    assert len(steps) == 3
    assert "cross one ankle over the opposite knee" in steps[0]
    assert "stop if it hurts" in " ".join(advice)


def test_no_exercise_with_any_red_flag(brain):
    for flag in brain.rules.red_flags:
        for question in flag.questions:
            facts = {"regions": ["outer_lower_leg"], "compression": True, "back_pain": "none", question.fact: True}
            assessment = brain.triage.assess(facts)
            assert assessment.red_flags
            assert not any(a.startswith("Step ") for a in assessment.advice), flag.id


def test_red_flag_unsure_is_at_least_consultation_24(brain):
    for question in brain.rules.screening:
        assessment = brain.triage.assess({"duration_days": 2, question.fact: "unsure"})
        assert assessment.level in ("consultation_24", "emergency", "emergency_ambulance"), question.fact


def test_questions_only_when_they_could_change_the_outcome(brain):
    facts = {"regions": ["outer_lower_leg", "top_of_foot"], "back_pain": "current", "side": "right"}
    for question in brain.triage.open_questions(facts):
        if question.red_flag or question.always_if_unknown:
            continue
        outcomes = {brain.triage.outcome({**facts, question.fact: h}) for h in question.hypotheses}
        assert len(outcomes) > 1, f"{question.fact} cannot change the outcome"
    asked = {q.fact for q in brain.triage.open_questions(facts)}
    assert not asked & {"regions", "back_pain", "side"}, "never ask for a fact already known"
