"""The command line of CONTRACT.md, including bad input: clear answers, right exit codes, no tracebacks."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import ROOT, run_cli

LEVELS = {"emergency_ambulance", "emergency", "consultation_24", "consultation", "self_care"}


def assert_clean(result, code: int = 0) -> None:
    stderr = result.stderr.decode(errors="replace")
    assert result.returncode == code, (result.returncode, stderr[-500:])
    assert "Traceback" not in stderr and "Traceback" not in result.stdout.decode(errors="replace")


def test_assess_json_follows_the_contract(cache_env):
    result = run_cli(["assess", "--json", "pins and needles on the outside of my leg and top of my foot, "
                      "my back hurt years ago"], cache_env)
    assert_clean(result)
    data = json.loads(result.stdout)
    assert data["level"] in LEVELS
    assert set(data) >= {"level", "red_flags", "sources", "facts", "advice", "questions"}
    assert data["sources"][0]["id"] == "l5_nerve_root"
    assert set(data["sources"][0]) >= {"id", "name", "why", "against"}
    assert data["facts"]["back_pain"] == "past" and data["facts"]["regions"] == ["outer_lower_leg", "top_of_foot"]
    assert "transcript" not in data


def test_assess_prose_says_the_level_first(cache_env):
    result = run_cli(["assess", "my foot is cold and blue"], cache_env)
    assert_clean(result)
    assert result.stdout.decode().startswith("How urgent: This could be an emergency. Call an ambulance")


def test_assess_jsonl_batch_keeps_order_and_blank_lines(cache_env):
    lines = ["tingling in my big toe", "", "my face is drooping", "   ", "\xff\xfe not utf8"]
    stdin = b"\n".join(line.encode("latin-1") for line in lines) + b"\n"
    result = run_cli(["assess", "--jsonl"], cache_env, stdin)
    assert_clean(result)
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert out[0]["facts"]["regions"] == ["big_toe"]
    assert out[1]["message"] and out[1]["level"] in LEVELS
    assert out[2]["red_flags"] == ["stroke"]


BAD_INPUTS = {
    "empty": "",
    "whitespace": "   \t  ",
    "emoji": "\U0001F9B6\U0001F4A5\U0001F622",
    "another language": "me duele mucho la pierna izquierda",
    "punctuation": "?!?!...,,,",
    "megabyte": "tingling in my big toe " + "x" * 1_000_000,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_assess_bad_text_gets_a_clear_answer(cache_env, name):
    result = run_cli(["assess", "--json"], cache_env, BAD_INPUTS[name].encode())
    assert_clean(result)
    data = json.loads(result.stdout)
    assert data["level"] in LEVELS
    if name != "megabyte":
        assert data["message"] and data["questions"]
    else:
        assert "first" in data["message"] and data["facts"]["regions"] == ["big_toe"]


def test_assess_invalid_utf8_bytes(cache_env):
    result = run_cli(["assess", "--json"], cache_env, b"\xc3\x28\xa0\xa1 numb heel \x00\xff")
    assert_clean(result)
    assert json.loads(result.stdout)["facts"]["regions"] == ["heel"]


@pytest.mark.parametrize("stdin", [b"", b"\n\n\n", b"\x00\x01\x02\xff\n", ("x" * 1_000_000 + "\n").encode(),
                                   "\U0001F9B6\n".encode()], ids=["eof", "blank lines", "binary", "1MB line", "emoji"])
def test_session_survives_bad_input(cache_env, stdin):
    result = run_cli(["--text", "--jsonl"], cache_env, stdin)
    assert_clean(result)
    events = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert events[-1] == {"type": "end"}


def test_unknown_flag_is_one_line_and_nonzero(cache_env):
    result = run_cli(["--no-such-flag"], cache_env)
    assert_clean(result, code=2)
    assert len(result.stderr.decode().strip().splitlines()) == 1


def test_missing_audio_file_is_one_line_and_nonzero(cache_env, tmp_path):
    result = run_cli(["assess", "--json", "--audio", str(tmp_path / "nothing.wav")], cache_env)
    assert_clean(result, code=2)
    assert "nothing.wav" in result.stderr.decode() and len(result.stderr.decode().strip().splitlines()) == 1


def test_unwritable_summary_path_is_one_line_and_nonzero(cache_env, tmp_path):
    result = run_cli(["--text", "--save-summary", str(tmp_path / "no" / "such" / "dir" / "s.md")], cache_env)
    assert_clean(result, code=2)
    assert "summary" in result.stderr.decode()


def test_default_mode_says_why_it_is_typed(cache_env):
    result = run_cli([], cache_env, b"")
    assert_clean(result)
    assert "typed" in result.stderr.decode()


@pytest.fixture
def broken_data(tmp_path, cache_env):
    """A copy of the data with one file broken; returns (env, break function)."""
    shutil.copytree(ROOT / "intents", tmp_path / "intents")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    env = dict(cache_env, VOICE_TRIAGE_DATA=str(tmp_path))
    return tmp_path, env


def _break(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_broken_intents_file_names_file_and_line(broken_data):
    root, env = broken_data
    _break(root / "intents" / "lexicon" / "regions.yaml", "  knee:\n", "  knee: [unclosed\n")
    result = run_cli(["assess", "--json", "numb heel"], env)
    assert_clean(result, code=2)
    message = result.stderr.decode()
    assert "intents/lexicon/regions.yaml:" in message and "YAML" in message
    assert len(message.strip().splitlines()) == 1


def test_broken_session_data_is_reported_not_crashed(broken_data):
    root, env = broken_data
    _break(root / "intents" / "dialogue.yaml", "Help:", "Help: [")
    result = run_cli(["--text", "--jsonl"], env, b"hello\n")
    assert_clean(result, code=2)
    assert "intents/dialogue.yaml:" in result.stderr.decode()


def test_check_passes_on_the_real_data(cache_env):
    result = run_cli(["check"], cache_env)
    assert_clean(result)
    assert result.stdout.decode().startswith("ok:")


@pytest.mark.parametrize("path,old,new,expected", [
    ("rules/triage.yaml", "level: emergency_ambulance", "level: call_someone", "must be one of"),
    ("rules/triage.yaml", "any_true: [trauma, screen_trauma]", "any_true: [traumaa, screen_trauma]", "unknown fact 'traumaa'"),
    ("rules/triage.yaml", "    source: rcem_ischaemia\n", "    source: my_uncle\n", "not listed in sources_cited"),
    ("rules/triage.yaml", "any_in: {regions: [whole_foot]}", "any_in: {regions: [elbow]}", "'elbow' is not a value of `regions`"),
    ("intents/lexicon/side.yaml", '    - "left"\n', "    - left: [\n", "YAML"),
    ("intents/cues.yaml", '    - "no"\n', "    - no\n", "is not text"),
    ("intents/lexicon/conditions.yaml", "type: flag", "type: maybe", "`type` must be one of"),
    ("intents/lexicon/onset.yaml", '"(gradually|gradual', '"(gradually|gradual]', "bad sentence template"),
    ("rules/triage.yaml", "      fallback: true", "      fallbak: true", "unknown key `fallbak`"),
    ("rules/triage.yaml", "      plain: \"Has your face", "      plan: \"Has your face", "unknown key `plan`"),
    ("intents/answers.yaml", '"(uh uh|huh uh|', '"(uh huh|huh uh|', "is in both `yes` and `no`"),
    ("intents/answers.yaml", "  hedged_no_on_warning_sign: confirm", "  hedged_no_on_warning_sign: yes", "must be one of"),
    ("intents/concepts.yaml", '  pale: "(pale|', '  pale: "(pale]|', "bad sentence template"),
    ("intents/answers.yaml", "  degree_words: [very,", "  degree_wrds: [very,", "is missing `degree_words`"),
    ("intents/answers.yaml", "    cant: can not\n", "    cant: [can, not]\n", "must map each short form"),
    ("intents/lexicon/red_flags.yaml", "overlaps: [spreading]", "overlaps: [spreeding]", "unknown fact `spreeding`"),
    ("intents/said.yaml", '"i have {sensations} in the', '"i have {sensation} in the', "{sensation} is no fact"),
    ("intents/said.yaml", '"i\'m diabetic"', '"I\'m diabetic"', "a frame is a sentence in lower case"),
])
def test_check_reports_file_and_line(broken_data, path, old, new, expected):
    root, env = broken_data
    _break(root / path, old, new)
    result = run_cli(["check"], env)
    assert_clean(result, code=1)
    out = result.stdout.decode()
    assert expected in out, out
    line = next(l for l in out.splitlines() if expected in l)
    file, number, _ = line.split(":", 2)
    assert file == path and int(number) > 0, line
