"""Facts from free text: one YAML fixture per lexicon (tests/fixtures/facts/), typos included."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, ROOT, load_fixture

FILES = sorted((FIXTURES / "facts").glob("*.yaml"))
EXTRA = {"context", "duration"}  # fixtures that cut across lexicons
CASES = [(path.stem, case["text"], case["facts"]) for path in FILES
         for case in load_fixture("facts", path.name)["cases"]]


def matches(expected, actual) -> bool:
    if expected is None:
        return actual in (None, [])
    if isinstance(expected, list) and len(expected) == 2 and all(isinstance(v, int) for v in expected):
        return actual is not None and expected[0] <= actual <= expected[1]  # a range of days
    if isinstance(expected, list):
        return sorted(actual or []) == sorted(expected)
    return actual == expected


def test_one_fixture_per_lexicon_file():
    lexicons = {p.stem for p in (ROOT / "intents" / "lexicon").glob("*.yaml")}
    fixtures = {p.stem for p in FILES}
    assert fixtures - EXTRA == lexicons, "each lexicon file needs a fixture of the same name"
    for path in FILES:
        assert load_fixture("facts", path.name)["lexicon"] == path.stem


def test_no_duplicate_texts():
    seen = set()
    for stem, text, _ in CASES:
        assert (stem, text.lower()) not in seen, f"duplicate case {text!r} in {stem}.yaml"
        seen.add((stem, text.lower()))


@pytest.mark.parametrize("lexicon,text,expected", CASES, ids=[f"{c[0]}:{c[1][:40]}" for c in CASES])
def test_facts_are_understood(brain, lexicon, text, expected):
    facts: dict = {}
    brain.read(facts, text)
    wrong = {key: facts.get(key) for key, value in expected.items() if not matches(value, facts.get(key))}
    assert not wrong, f"{text!r}: expected {expected}, got {wrong} (all facts: {facts})"
