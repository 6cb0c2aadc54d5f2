"""Dialogue intents: one YAML fixture per intent (tests/fixtures/intents/)."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, load_fixture

FILES = sorted((FIXTURES / "intents").glob("*.yaml"))
CASES = [(path.stem, sentence) for path in FILES for sentence in load_fixture("intents", path.name)["sentences"]]


def test_one_fixture_per_intent_and_names_match(knowledge):
    named = {}
    for path in FILES:
        intent = load_fixture("intents", path.name)["intent"]
        assert intent == path.stem or (intent == "none" and path.stem == "NoIntent"), f"{path.name} says {intent}"
        named[intent] = path
    assert set(named) - {"none"} == set(knowledge.language.intents), "every intent needs a fixture, and only those"


def test_no_duplicate_sentences():
    seen: dict[str, str] = {}
    for stem, sentence in CASES:
        key = sentence.lower().strip(" .!?")
        assert key not in seen, f"{sentence!r} is in both {seen[key]} and {stem}"
        seen[key] = stem


@pytest.mark.parametrize("intent,sentence", CASES)
def test_sentence_is_recognised(brain, intent, sentence):
    match = brain.intents.recognize(sentence)
    if intent == "NoIntent":
        assert match is None or not match.whole or match.name in ("Affirm", "Deny", "Unsure"), (
            f"{sentence!r} was taken for the command {match}")
        return
    assert match is not None and match.name == intent, f"{sentence!r}: expected {intent}, got {match}"
