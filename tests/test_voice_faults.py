"""Faults in the voice path: each gets a clear message and the session goes on."""

from __future__ import annotations

import io
import json
import wave

import pytest

from conftest import FIXTURES, run_cli

SPEECH = FIXTURES / "speech"


def write_wav(path, rate=16000, channels=1, width=2, frames=b"\x00\x00" * 1600):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(frames)
    return path


@pytest.mark.parametrize("name,maker,expected", [
    ("corrupt", lambda p: p.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunk"), "not a readable WAV"),
    ("8 kHz", lambda p: write_wav(p, rate=8000), "at least 16000 Hz"),
    ("8-bit", lambda p: write_wav(p, width=1, frames=b"\x80" * 1600), "16-bit"),
    ("text file", lambda p: p.write_text("hello"), "not a readable WAV"),
])
def test_bad_audio_file_is_one_clear_line(tmp_path, cache_env, name, maker, expected):
    path = tmp_path / "input.wav"
    maker(path)
    result = run_cli(["assess", "--json", "--audio", str(path)], cache_env)
    message = result.stderr.decode()
    assert result.returncode == 2 and expected in message, message
    assert "Traceback" not in message and len(message.strip().splitlines()) == 1


def test_stereo_48khz_is_converted(tmp_path):
    from voice_triage.voice.audio import read_wav

    pcm_16k = read_wav(SPEECH / "yn_no.wav")
    # the same speech as 48 kHz stereo: each sample tripled, on two channels
    import array

    mono = array.array("h", pcm_16k)
    stereo = array.array("h", (s for s in mono for _ in range(3) for _ in range(2)))
    path = write_wav(tmp_path / "stereo.wav", rate=48000, channels=2, frames=stereo.tobytes())
    converted = read_wav(path)
    assert abs(len(converted) - len(pcm_16k)) <= 4


def test_silence_gives_an_empty_transcript(brain, tmp_path):
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.start import recognizer_for

    path = write_wav(tmp_path / "silence.wav", frames=b"\x00\x00" * 32000)
    transcript = transcribe(recognizer_for(brain, "pocketsphinx"), wav_chunks(read_wav(path)))
    facts: dict = {}
    brain.read(facts, transcript.text)
    assert not [f for f in facts if f in brain.rules.red_flag_facts]


def test_no_input_device_falls_back_to_text_and_says_why(cache_env):
    env = dict(cache_env, PULSE_SERVER="unix:/nonexistent/pulse")  # no sound server, no sound card
    result = run_cli(["--jsonl"], env, b"tingling on top of my foot\n")
    message = result.stderr.decode()
    assert result.returncode == 0, message
    assert "so this session is typed" in message and "Traceback" not in message
    assert json.loads(result.stdout.decode().splitlines()[-1]) == {"type": "end"}


class FailingSpeaker:
    """A fake: a speech engine that breaks can't be made real on demand, so this one always fails."""

    name = "failing speaker"

    def __init__(self):
        self.calls = 0

    def speak(self, text):
        from voice_triage.voice.asr import SpeechError

        self.calls += 1
        raise SpeechError("the speech engine crashed")


def test_tts_failure_prints_the_reply_and_the_session_goes_on(brain, capsys):
    from voice_triage.dialogue import Dialogue
    from voice_triage.session import run
    from voice_triage.voice.endpoint import Endpointing
    from voice_triage.voice.channel import RecordedTurns, VoiceChannel
    from voice_triage.voice.start import recognizer_for

    speaker = FailingSpeaker()
    screen = io.StringIO()
    turns = RecordedTurns([SPEECH / "rf_bladder.wav"])
    channel = VoiceChannel(turns, recognizer_for(brain, "pocketsphinx"), speaker, screen,
                           timing=Endpointing())
    dialogue = Dialogue(brain)
    run(dialogue, channel)
    shown = screen.getvalue()
    assert "Assistant: How urgent: Go to an emergency department now" in shown
    assert "You: i can't control my bladder" in shown
    assert dialogue.done
    assert speaker.calls == 3, "after three failures in a row it stops trying to speak"
    assert "replies will only be shown" in capsys.readouterr().err


def test_keyboard_lines_while_listening_survive_bad_bytes_and_the_end_of_input():
    """Typed lines come through a real pipe as they are written: bad bytes are replaced, blank lines
    skipped, an over-long line cut; when the keyboard closes, no line is made up and nothing blocks."""
    import os

    from voice_triage.voice.keyboard import Keyboard

    reading, writing = os.pipe()
    with os.fdopen(reading, "rb", buffering=0) as stream:
        keys = Keyboard(stream)
        assert keys.line(wait=False) is None and not keys.typed()
        os.write(writing, b"no\n\n  left \xff\n" + b"x" * 2_000_000 + b"\n")
        os.close(writing)
        assert keys.line(wait=True) == "no"
        assert keys.line(wait=True) == "left \ufffd"
        assert len(keys.line(wait=True) or "") == 1_000_000
        assert keys.line(wait=True) is None and keys.closed
        assert keys.line(wait=True) is None  # after the end, never blocks
