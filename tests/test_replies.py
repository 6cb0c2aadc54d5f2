"""Replies to a question: one YAML fixture per reading (tests/fixtures/replies/), and the policy of
intents/answers.yaml as the real dialogue applies it."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, load_fixture

FILES = sorted((FIXTURES / "replies").glob("*.yaml"))
CASES = [(path.stem, sentence) for path in FILES for sentence in load_fixture("replies", path.name)["sentences"]]
READINGS = {"yes", "hedged_yes", "no", "hedged_no", "unsure", "repeat", "explain", "unclear"}


def reading(brain, text: str) -> str:
    reply = brain.replies.read(text)
    return ("hedged_" if reply.hedged else "") + reply.kind


def test_one_fixture_per_reading_and_names_match():
    names = {load_fixture("replies", path.name)["reading"]: path.stem for path in FILES}
    assert all(stem == name for name, stem in names.items()), names
    assert set(names) == READINGS


def test_no_duplicate_sentences():
    seen: dict[str, str] = {}
    for stem, sentence in CASES:
        key = sentence.lower().strip(" .!")  # "no?" asks again; "no" answers
        assert key not in seen, f"{sentence!r} is in both {seen[key]} and {stem}"
        seen[key] = stem


@pytest.mark.parametrize("expected,sentence", CASES)
def test_reply_is_read(brain, expected, sentence):
    assert reading(brain, sentence) == expected, sentence


# -- the policy, through the real dialogue ------------------------------------------------

def at_warning_question(brain):
    """A dialogue whose open question is the limb-ischaemia warning sign."""
    from voice_triage.dialogue import Dialogue

    dialogue = Dialogue(brain)
    dialogue.start()
    dialogue.hear("tingling on the top of my foot")
    question = brain.rules.red_flags[1].questions[0]
    dialogue._ask(question)
    return dialogue, question


def asks(events) -> list[str]:
    return [e.text for e in events if type(e).__name__ == "Ask"]


def test_hedged_no_on_a_warning_sign_is_confirmed_in_plainer_words(brain):
    dialogue, question = at_warning_question(brain)
    events = dialogue.hear("probably not")
    assert dialogue.facts.get(question.fact) is None
    assert asks(events) == ["Just to be sure: " + question.plain]
    dialogue.hear("no")
    assert dialogue.facts[question.fact] is False


def test_a_second_hedged_no_counts_as_not_sure(brain):
    dialogue, question = at_warning_question(brain)
    dialogue.hear("I don't think so")
    dialogue.hear("not that I know of")
    assert dialogue.facts[question.fact] == "unsure"
    assert dialogue.assessment().level in ("consultation_24", "emergency", "emergency_ambulance")


def test_hedged_yes_counts_as_yes(brain):
    dialogue, question = at_warning_question(brain)
    dialogue.hear("I reckon so")
    assert dialogue.facts[question.fact] is True
    assert dialogue.done and dialogue.assessment().level == "emergency_ambulance"


@pytest.mark.parametrize("text", ["what does that mean?", "huh?", "is that like my toes being blue?", "sorry?"])
def test_a_question_back_is_never_an_answer(brain, text):
    dialogue, question = at_warning_question(brain)
    events = dialogue.hear(text)
    assert dialogue.facts.get(question.fact) is None or dialogue.facts.get("pale_blue_limb")
    assert asks(events), "the question is put again"


def test_what_does_that_mean_gets_the_explanation_then_plainer_words(brain):
    dialogue, question = at_warning_question(brain)
    events = dialogue.hear("what does that mean?")
    assert question.explain in [getattr(e, "text", "") for e in events]
    assert asks(events) == [question.plain]


@pytest.mark.parametrize("text", ["yes and no", "yes... no", "hmm", "banana"])
def test_unclear_three_times_on_a_warning_sign_is_not_sure(brain, text):
    dialogue, question = at_warning_question(brain)
    put = 1
    for _ in range(5):
        if dialogue.pending is not question:
            break
        events = dialogue.hear(text)
        put += len([a for a in asks(events) if a in (question.text, question.plain)])
    assert dialogue.facts[question.fact] == "unsure"
    assert put <= 3, "no question is put more than three times"


def test_no_answer_is_flipped_on_the_issue_examples(brain):
    """The replies that were once read the wrong way round (issue 6)."""
    for text in ["absolutely not", "probably not", "huh-uh", "uh-uh", "I'd say not", "I doubt it", "Basically, no."]:
        assert brain.replies.read(text).kind == "no", text
    for text in ["huh?", "yes and no", "I don't get it", "don't follow you"]:
        assert brain.replies.read(text).kind not in ("yes", "no"), text
    for text in ["mm-hm", "I reckon so", "sort of", "Unfortunately, yes."]:
        assert brain.replies.read(text).kind == "yes", text


@pytest.mark.parametrize("text", ["I haven't been able to hold it in", "I can't feel the paper when I wipe",
                                  "I don't know what's going on with my bladder"])
def test_a_negative_statement_on_a_warning_sign_is_never_taken_as_no(brain, text):
    """ "I haven't been able to..." opens with a no-echo but may describe the symptom itself."""
    from voice_triage.dialogue import Dialogue

    dialogue = Dialogue(brain)
    dialogue.start()
    dialogue.hear("tingling on the top of my foot")
    question = next(q for flag in brain.rules.red_flags for q in flag.questions if q.fact == "screen_bladder_bowel")
    dialogue._ask(question)
    dialogue.hear(text)
    assert dialogue.facts.get(question.fact) is not False, text


# -- an answer that repeats the question's words (tests/fixtures/question_echo.yaml) ----------------

ECHOES = load_fixture("question_echo.yaml")["cases"]


def question_words(brain, case: dict) -> str:
    if "question" in case:
        return case["question"]
    question = next(q for flag in brain.rules.red_flags for q in flag.questions if q.fact == case["fact"])
    return f"{question.text} {question.plain or ''}"


def test_question_echo_fixture_has_no_duplicates_and_names_real_questions(brain):
    seen = [(case.get("fact") or case["question"], case["answer"].lower()) for case in ECHOES]
    assert len(seen) == len(set(seen))
    facts = {q.fact for flag in brain.rules.red_flags for q in flag.questions}
    assert all(case.get("fact", next(iter(facts))) in facts for case in ECHOES)
    assert {case["reading"] for case in ECHOES} <= {"yes", "no", "unclear"}


@pytest.mark.parametrize("case", ECHOES, ids=lambda c: c["answer"])
def test_an_answer_repeating_the_question_is_read_with_it(brain, case):
    reply = brain.replies.read(case["answer"], question_words(brain, case))
    assert reply.kind == case["reading"], reply


@pytest.mark.parametrize("case", [c for c in ECHOES if c["reading"] != "unclear"], ids=lambda c: c["answer"])
def test_without_its_question_an_echo_is_no_answer(brain, case):
    """The reading comes from the question: alone, the same words are asked again."""
    assert brain.replies.read(case["answer"]).kind not in ("yes", "no") or \
        brain.replies.read(case["answer"]).kind == case["reading"]


def test_the_dialogue_reads_an_echo_of_its_own_warning_question(brain):
    from voice_triage.dialogue import Dialogue

    dialogue = Dialogue(brain)
    dialogue.start()
    dialogue.hear("tingling on the top of my foot")
    question = next(q for flag in brain.rules.red_flags for q in flag.questions if q.fact == "screen_infection_cancer")
    dialogue._ask(question)
    dialogue.hear("weight loss, yeah")
    assert dialogue.facts.get("screen_infection_cancer") is True
    dialogue._ask(question)
    dialogue.hear("I lost weight by trying")
    assert dialogue.facts.get("screen_infection_cancer") is not False


@pytest.mark.parametrize("case", [c for c in ECHOES if c["reading"] == "yes"], ids=lambda c: c["answer"])
def test_a_not_anywhere_in_an_echo_never_leaves_it_a_yes(brain, case):
    words = case["answer"].split()
    for at in range(len(words) + 1):
        negated = " ".join(words[:at] + ["not"] + words[at:])
        assert brain.replies.read(negated, question_words(brain, case)).kind != "yes", negated


def test_answers_to_the_assistants_own_questions_need_no_lemmatizer_at_run_time(cache_env):
    """Its word forms are compiled with the data: lemminflect (0.4 s, 50 MB) is left unloaded."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from voice_triage.brain import Brain\n"
        "from voice_triage.knowledge import load_knowledge\n"
        "from voice_triage.dialogue import Dialogue\n"
        "brain = Brain(load_knowledge())\n"
        "d = Dialogue(brain); d.start(); d.hear('tingling on the top of my foot')\n"
        "q = next(q for q in brain.rules.screening if q.fact == 'screen_infection_cancer')\n"
        "d._ask(q); d.hear('weight loss')\n"
        "assert d.facts.get('screen_infection_cancer') is True, d.facts\n"
        "print(any(m.startswith('lemminflect') for m in sys.modules))\n"
    )
    compiled = "from voice_triage.knowledge import load_knowledge; load_knowledge()"  # a cache miss uses lemminflect
    subprocess.run([sys.executable, "-c", compiled], env=cache_env, check=True, timeout=300)
    result = subprocess.run([sys.executable, "-c", code], env=cache_env, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().strip() == "False"
