"""Speech recognition for real: recorded (synthesised) speech -> PocketSphinx -> facts and intents."""

from __future__ import annotations

import wave

import pytest

from conftest import FIXTURES, load_fixture
from test_facts import matches

SPEECH = FIXTURES / "speech"
UTTERANCES = load_fixture("speech", "speech.yaml")["utterances"]
# Share of each family that must come out right; measured numbers are in scripts/bench.
TARGETS = {"locations": 0.75, "yes_no": 1.0, "red_flags": 0.85, "commands": 0.75, "held_out": 0.8}


@pytest.fixture(scope="module")
def sphinx(brain):
    from voice_triage.voice.start import recognizer_for

    return recognizer_for(brain, "pocketsphinx")


def understood(brain, recognizer, item) -> tuple[bool, str]:
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks

    text = transcribe(recognizer, wav_chunks(read_wav(SPEECH / item["file"]))).text
    return heard_right(brain, item, text), text


def heard_right(brain, item, text: str) -> bool:
    """Whether the transcript of a spoken fixture means what the fixture says (also used by scripts/bench)."""
    if "facts" in item:
        facts: dict = {}
        brain.read(facts, text)
        return all(matches(v, facts.get(k)) for k, v in item["facts"].items())
    readings = {"Affirm": "yes", "Deny": "no", "Unsure": "unsure"}  # answers are read by voice_triage.reply
    if item["intent"] in readings:
        return brain.replies.read(text).kind == readings[item["intent"]]
    match = brain.intents.recognize(text)
    return match is not None and match.name == item["intent"]


def test_every_fixture_is_16khz_mono_and_listed():
    listed = {item["file"] for item in UTTERANCES}
    assert listed == {p.name for p in SPEECH.glob("*.wav")}
    for name in listed:
        with wave.open(str(SPEECH / name)) as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)


@pytest.mark.parametrize("family", sorted(TARGETS))
def test_spoken_family(brain, sphinx, family, record_property):
    items = [item for item in UTTERANCES if item["family"] == family]
    results = [(item, *understood(brain, sphinx, item)) for item in items]
    share = sum(ok for _, ok, _ in results) / len(results)
    record_property("accuracy", share)
    print(f"{family}: {share:.0%} of {len(results)}")
    misses = [(item["text"], heard) for item, ok, heard in results if not ok]
    assert share >= TARGETS[family], misses


def test_assess_audio_adds_the_transcript(cache_env):
    import json

    from conftest import run_cli

    result = run_cli(["assess", "--json", "--asr", "pocketsphinx", "--audio", str(SPEECH / "rf_bladder.wav")], cache_env)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["transcript"] == "i can't control my bladder"
    assert data["red_flags"] == ["cauda_equina"] and data["level"] == "emergency"


def test_recorded_turns_drive_a_whole_session(cache_env):
    """A scripted voice session: one WAV per turn through the real recogniser and dialogue."""
    import json

    from conftest import run_cli

    turns = [SPEECH / "ans_fibular.wav"] + [SPEECH / "yn_no.wav"] * 7 + [SPEECH / "ans_no_back.wav"]
    env = dict(cache_env, PULSE_SERVER="unix:/nonexistent")  # no speaker: replies are printed only
    result = run_cli(["--jsonl", "--asr", "pocketsphinx", "--audio-turns", *map(str, turns)], env)
    assert result.returncode == 0, result.stderr.decode()[-500:]
    events = [json.loads(line) for line in result.stdout.decode().splitlines()]
    heard = [e["text"] for e in events if e["type"] == "heard"]
    assert heard[0].startswith("tingling on the top of my left foot") or "top of my left foot" in heard[0]
    assert heard[1:8] == ["no"] * 7
    final = [e for e in events if e["type"] == "result"][-1]["assessment"]
    assert final["red_flags"] == [] and final["sources"][0]["id"] == "fibular_nerve"
    assert events[-1] == {"type": "end"}


def test_the_microphone_sound_is_kept_for_the_next_session(brain, tmp_path):
    """PocketSphinx's cepstral means (how the microphone sounds, nothing of what was said) outlive the session,
    so the next session's first description isn't heard from the model's means; a broken file is ignored."""
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.start import recognizer_for

    kept = tmp_path / "mean.txt"
    first = recognizer_for(brain, "pocketsphinx", remember=kept)
    model_mean = first._decoder.get_cmn()
    transcribe(first, wav_chunks(read_wav(SPEECH / "ans_four_days.wav")))
    lines = kept.read_text().split()
    assert len(lines) == 2 and lines[0] == first._decoder.get_cmn() != model_mean
    assert recognizer_for(brain, "pocketsphinx", remember=kept)._decoder.get_cmn() == lines[0]
    for broken in ("", "nan," * 12 + "nan", "1,2,3", "\x00\xff", "words and words"):
        kept.write_text(broken, encoding="latin-1")
        assert recognizer_for(brain, "pocketsphinx", remember=kept)._decoder.get_cmn() == model_mean, broken


def test_a_cache_folder_that_cannot_be_written_only_forgets(brain, tmp_path):
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.start import recognizer_for

    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("")
    recognizer = recognizer_for(brain, "pocketsphinx", remember=blocked / "mean.txt")
    assert transcribe(recognizer, wav_chunks(read_wav(SPEECH / "ans_four_days.wav"))).text
