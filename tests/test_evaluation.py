"""Scores on the labelled sets of tests/fixtures/eval/ (written before the understanding was built).

The development part was tuned on, so it must stay (almost) perfect; the held-out part was only
scored. The thresholds sit at or just under what was measured (see the closing note of issue 6),
so a regression fails here. `python scripts/accuracy.py --misses` lists what is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import accuracy  # noqa: E402
import evalsets  # noqa: E402


def test_the_sets_are_big_enough_and_split():
    answers = evalsets.answers()
    assert len(answers) >= 400 and 0.2 < len(evalsets.answers("heldout")) / len(answers) < 0.45
    flags = evalsets.red_flags()
    for flag in ("cauda_equina", "stroke", "limb_ischemia", "trauma", "progressive_weakness", "infection_or_cancer"):
        assert sum(1 for f, fires, _ in flags if f == flag and fires) >= 25, flag
        assert sum(1 for f, fires, _ in flags if f == flag and not fires) >= 20, flag
    assert len(evalsets.descriptions()) >= 60


def test_no_duplicates_within_a_set():
    texts = [(c, t.lower()) for c, _, t in evalsets.answers()]
    assert len(texts) == len(set(texts))
    texts = [t.lower() for *_, t in evalsets.red_flags()] + [d["text"].lower() for d in evalsets.descriptions()]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("part,overall,per_class", [("dev", 0.98, 0.92), ("heldout", 0.97, 0.9)])
def test_short_answers(brain, part, overall, per_class):
    score = accuracy.score_answers(brain, part)
    assert not score["flips"], f"a yes read as no or the other way: {score['flips']}"
    assert score["right"] / score["total"] >= overall, score["misses"]
    for label, (right, total) in score["by_class"].items():
        assert right / total >= per_class, (label, score["misses"])


@pytest.mark.parametrize("part,false_allowed", [("dev", 0), ("heldout", 2)])
def test_red_flags_are_caught_and_negations_do_not_fire(brain, part, false_allowed):
    # held-out: the two known false flags are a wake-up numb foot read as a sudden one-sided
    # numbness (kept: CLINICAL.md treats it as a possible stroke) and "prices have fallen".
    score = accuracy.score_red_flags(brain, part)
    assert score["caught"] == score["positives"], score["misses"]
    assert score["false"] <= false_allowed, score["misses"]


@pytest.mark.parametrize("part", ["dev", "heldout"])
def test_whole_descriptions(brain, part):
    score = accuracy.score_descriptions(brain, part)
    assert score["level"] / score["total"] >= 0.95, score["misses"]
    assert score["top"] / score["tops"] >= 0.9, score["misses"]
