"""Clinical vignettes, said as people say them: level, top source and red flags (one-shot assess)."""

from __future__ import annotations

import pytest

from conftest import load_fixture

VIGNETTES = load_fixture("vignettes.yaml")["vignettes"]


@pytest.mark.parametrize("case", VIGNETTES, ids=[v["text"][:50] for v in VIGNETTES])
def test_vignette(brain, case):
    assessment = brain.assess_text(case["text"])
    assert assessment.level == case["level"], f"{case['text']!r}: {assessment.level} ({assessment.level_reasons})"
    if "top" in case:
        top = assessment.sources[0].id if assessment.sources else None
        if case["top"] is None:
            assert top is None or assessment.red_flags, f"expected no source, got {top}"
        else:
            assert top == case["top"], f"{case['text']!r}: top {top}, all {[s.id for s in assessment.sources]}"
    assert set(assessment.red_flags) >= set(case.get("red_flags", [])), assessment.red_flags
    if not case.get("red_flags"):
        assert not assessment.red_flags, f"unexpected red flags {assessment.red_flags}"


def test_vague_description_asks_questions(brain):
    assessment = brain.assess_text("tingling in my foot")
    assert assessment.questions and "Where exactly" in assessment.questions[0]
    assert assessment.sources == []
