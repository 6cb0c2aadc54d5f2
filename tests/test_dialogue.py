"""Whole conversations through the real `voice-triage --text --jsonl` process."""

from __future__ import annotations

import json

import pytest

from conftest import converse, load_fixture, run_cli

SCENARIOS = load_fixture("scenarios.yaml")["scenarios"]


def check_expectations(talk, expect: dict) -> None:
    final = talk.final
    if "level" in expect:
        assert final["level"] == expect["level"], (final["level"], final["level_reasons"], talk.said)
    if "red_flags" in expect:
        assert sorted(final["red_flags"]) == sorted(expect["red_flags"]), (final["red_flags"], talk.said)
    if "top" in expect:
        assert final["sources"] and final["sources"][0]["id"] == expect["top"], ([s["id"] for s in final["sources"]], talk.said)
    for key, value in expect.get("facts", {}).items():
        actual = final["facts"].get(key)
        assert (sorted(actual) if isinstance(actual, list) else actual) == value, (key, actual)
    if "advice_has" in expect:
        assert any(expect["advice_has"] in a for a in final["advice"]), final["advice"]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(cache_env, scenario):
    talk = converse(cache_env, scenario["turns"], scenario.get("answers"), scenario.get("default", "no"))
    assert talk.returncode == 0, talk.stderr
    assert talk.events[-1] == {"type": "end"}
    assert "Traceback" not in talk.stderr
    check_expectations(talk, scenario.get("expect", {}))
    asked = " | ".join(talk.asks)
    for phrase in scenario.get("asks_include", []):
        assert phrase in asked, f"never asked about {phrase!r}: {talk.asks}"
    for phrase in scenario.get("asks_exclude", []):
        assert phrase not in asked, f"asked {phrase!r} although it was known"
    for phrase, count in scenario.get("asks_count", {}).items():
        assert sum(phrase in a for a in talk.asks) == count, talk.asks
    said = " | ".join(talk.says)
    for phrase in scenario.get("says_include", []):
        assert phrase in said, said


def test_session_opens_with_disclaimer_then_a_question(cache_env):
    talk = converse(cache_env, [], default=None)
    assert talk.events[0]["type"] == "say" and "not a doctor" in talk.events[0]["text"]
    assert talk.events[1]["type"] == "ask" and talk.events[1]["expect"] == "free"
    assert talk.events[-1] == {"type": "end"} and talk.returncode == 0


RED_FLAG_DESCRIPTIONS = {
    "stroke": "tingling in my foot and my face is drooping",
    "limb_ischemia": "my foot is numb and it's gone cold and blue",
    "cauda_equina": "numb top of my foot and I can't control my bladder",
    "trauma": "my foot went numb after I fell off my bike",
    "progressive_weakness": "the outside of my leg is numb and my foot keeps dragging",
    "infection_or_cancer": "tingling in my leg and I've had a fever for days",
}


@pytest.mark.parametrize("flag", sorted(RED_FLAG_DESCRIPTIONS))
def test_red_flag_volunteered_at_the_start_escalates_at_once(cache_env, knowledge, flag):
    talk = converse(cache_env, [RED_FLAG_DESCRIPTIONS[flag]], default="no")
    assert flag in talk.results[0]["red_flags"]
    level = talk.results[0]["level"]
    if level in ("emergency", "emergency_ambulance"):
        first_result = next(i for i, e in enumerate(talk.events) if e["type"] == "result")
        assert not [e for e in talk.events[first_result:] if e["type"] == "ask"], "no more questions in an emergency"
    else:
        screening = {q.text for q in knowledge.rules.screening}
        follow_ups = [a for a in talk.asks[1:] if a not in screening and "summary" not in a]
        assert not follow_ups, f"after a red flag only warning-sign questions remain: {follow_ups}"


SCREENING = ["drooping of the face", "cold, pale", "genitals", "controlling your pee", "after a fall",
             "new weakness", "fever, a history of cancer"]
EXPECTED = ["stroke", "limb_ischemia", "cauda_equina", "cauda_equina", "trauma", "progressive_weakness",
            "infection_or_cancer"]


@pytest.mark.parametrize("phrase,flag", list(zip(SCREENING, EXPECTED)))
def test_red_flag_answered_yes_mid_dialogue(cache_env, phrase, flag):
    talk = converse(cache_env, ["tingling on the outside of my lower leg"], {phrase: "yes"}, default="no")
    assert flag in talk.final["red_flags"]
    assert talk.returncode == 0


def test_red_flag_said_in_a_later_answer(cache_env):
    talk = converse(cache_env, ["tingling on the top of my foot", "no, but I've wet myself twice today"], default="no")
    assert "cauda_equina" in talk.final["red_flags"] and talk.final["level"] == "emergency"


@pytest.mark.parametrize("answer", ["bad back", "back pain", "sore back"])
def test_a_back_named_in_an_answer_is_not_the_command_back(cache_env, answer):
    """"back" alone goes back; "bad back" at the back pain question is an answer (it was taken for "go back")."""
    talk = converse(cache_env, ["tingling on the outside of my lower leg"], {"back pain": answer}, default="no")
    assert talk.final["facts"]["back_pain"] == "current", talk.asks
    assert not any(s.startswith("Let's go back") for s in talk.says), talk.says


def test_summary_offer_lists_every_red_flag_question(cache_env, knowledge):
    talk = converse(cache_env, ["tingling on the top of my left foot after kneeling, no back pain, 3 days"],
                    {"summary": "yes"}, default="no")
    summary = next(s for s in talk.says if s.startswith("# "))
    for question in knowledge.rules.screening:
        assert f"| {question.text} | no |" in summary
    assert "Patient-reported" in summary


def test_save_summary_writes_markdown_and_json(cache_env, tmp_path):
    target = tmp_path / "visit.md"
    talk = converse(cache_env, ["pins and needles on the top of my foot"], default=None,
                    extra_args=("--save-summary", str(target)))
    assert talk.returncode == 0
    markdown = target.read_text(encoding="utf-8")
    assert "pins and needles on the top of my foot" in markdown and "not asked" in markdown
    data = json.loads(target.with_suffix(".json").read_text(encoding="utf-8"))
    assert data["facts"]["regions"] == ["top_of_foot"] and data["level"]


def test_plain_text_mode_is_readable(cache_env):
    result = run_cli(["--text"], cache_env, stdin="numb top of my foot\nno\n".encode())
    out = result.stdout.decode()
    assert result.returncode == 0 and "\x1b[" not in out
    lines = out.splitlines()
    assert "not a doctor" in lines[0]
    assert lines[1].startswith("Please tell me")
    assert "(yes / no / not sure) > " in out
    assert "How urgent:" in out and out.rstrip().endswith("Goodbye.")
