"""Properties of the understanding, checked on generated input (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_triage.facts import LEVELS

NEUTRAL = ["The weather is nice today.", "I had toast for breakfast.", "My phone is on the table.",
           "We went to the shops on Saturday.", "I work in an office.", "My cat is called Tom."]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def red_flag_phrases(knowledge):
    """Every lexicon phrase of a red-flag sign, as written (stop words included)."""
    signs = {f for f in knowledge.rules.red_flag_facts if knowledge.language.lexicons.get(f)
             and knowledge.language.lexicons[f].kind == "flag"}
    return sorted({(p.fact, p.text) for p in knowledge.language.phrases if p.fact in signs and p.text})


@SETTINGS
@given(data=st.data(), negation=st.sampled_from(["no", "not", "I don't have", "there is no", "never any"]))
def test_a_negated_red_flag_phrase_never_fires(brain, red_flag_phrases, data, negation):
    fact, text = data.draw(st.sampled_from(red_flag_phrases))
    facts: dict = {}
    brain.read(facts, f"{negation} {text}")
    assert facts.get(fact) is not True, f"{negation} {text!r} set {fact}"


@SETTINGS
@given(data=st.data(), extra=st.sampled_from(NEUTRAL), before=st.booleans())
def test_an_unrelated_sentence_never_lowers_the_level(brain, data, extra, before):
    import evalsets

    text = data.draw(st.sampled_from([d["text"] for d in evalsets.descriptions()]))
    alone = brain.assess_text(text).level
    joined = brain.assess_text(f"{extra} {text}" if before else f"{text}. {extra}").level
    assert LEVELS.index(joined) >= LEVELS.index(alone), (text, extra)


@SETTINGS
@given(text=st.text(max_size=3000))
def test_no_input_raises(brain, text):
    from voice_triage.dialogue import Dialogue

    brain.assess_text(text)
    brain.replies.read(text)
    dialogue = Dialogue(brain)
    dialogue.start()
    dialogue.hear(text)
    dialogue.hear(text)
    dialogue.finish()


def test_a_megabyte_of_anything_is_answered(brain):
    for text in ["a" * 1_000_000, "\U0001F9B6 " * 250_000, "no " * 300_000, "\x00\ufffd" * 400_000]:
        assessment = brain.assess_text(text)
        assert assessment.level in LEVELS
        assert brain.replies.read(text).kind in ("yes", "no", "unsure", "repeat", "explain", "unclear")
