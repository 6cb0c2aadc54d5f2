"""A whole spoken session through a virtual microphone and speaker (a private PulseAudio server)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import FIXTURES, ROOT, TIMEOUT
from voice_triage.voice.start import MICROPHONE_SOUND

SPEECH = FIXTURES / "speech"
SESSION_TIMEOUT = 240
ALIGNMENT_SLACK = 0.5
AUDIBLE_RMS = 300.0
"""Quieter than this is silence (the null sink records exact zeros when nothing plays)."""


def reply_for(question: str, first: bool):
    """The recorded answer a person would give to this question (asked again for their symptoms, after a
    "Did you say ...?" they said no to, they describe them again)."""
    if first or "what you are feeling" in question:
        return SPEECH / "ans_fibular.wav"
    if "back pain" in question:
        return SPEECH / "ans_no_back.wav"
    if "How long" in question:
        return SPEECH / "ans_four_days.wav"
    return SPEECH / "yn_no.wav"


def run_voice_session(audio, extra_env=None, interrupt_after=None, stdin_lines=b""):
    """Run `voice-triage --jsonl` on the virtual devices, answering each question aloud."""
    env = dict(audio.assistant_env(), **(extra_env or {}))
    command = [sys.executable, "-m", "voice_triage", "--jsonl", "--asr", "pocketsphinx", "--listen-timeout", "10",
               "--rate", "450"]  # fast speech keeps the test short
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=ROOT, text=True)
    watchdog = threading.Timer(SESSION_TIMEOUT, proc.kill)
    watchdog.start()
    events, times, last_ask, listens, player = [], [], "", 0, None
    try:
        for line in proc.stdout:
            assert line.startswith("{"), f"stdout must hold only JSON lines, got {line!r}"
            event = json.loads(line)
            events.append(event)
            times.append(time.monotonic())
            if event["type"] == "ask":
                last_ask = event["text"]
            if event["type"] == "listening":
                listens += 1
                if interrupt_after is not None and listens > interrupt_after:
                    audio.unplug_microphone()
                    proc.stdin.write(stdin_lines.decode())
                    proc.stdin.flush()
                    proc.stdin.close()
                    continue
                time.sleep(0.1)
                if player is not None:
                    player.wait(timeout=30)
                # not waited for here: the assistant may answer before the file's trailing silence has
                # played, and each event's time is taken as it is read
                player = audio.play(reply_for(last_ask, listens == 1))
            if event["type"] == "end":
                break
        stderr = proc.stderr.read()
        code = proc.wait(timeout=TIMEOUT)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        if player is not None and player.poll() is None:
            player.kill()
    return events, times, code, stderr


def test_spoken_session_reaches_the_assessment_and_every_reply_is_audible_in_order(virtual_audio, tmp_path):
    recording = virtual_audio.record(tmp_path / "assistant.raw")
    events, times, code, stderr = run_voice_session(virtual_audio)
    time.sleep(0.3)
    samples = recording.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    heard = [e for e in events if e["type"] == "heard"]
    assert heard and all(0.0 <= e["confidence"] <= 1.0 for e in heard)
    # the exact words vary with the audio's framing ("left foot" / "life foot"); the outcome below may not
    assert "top of my" in heard[0]["text"] and "foot" in heard[0]["text"]
    final = [e for e in events if e["type"] == "result"][-1]["assessment"]
    assert final["red_flags"] == [], heard
    assert final["sources"] and final["sources"][0]["id"] == "fibular_nerve", (final["sources"], heard)
    assert final["level"] == "self_care", (final["level_reasons"], heard)
    # each reply is spoken before the next event is written (playback blocks), so the
    # stretch between an event and the next one must be audible: every reply, near its turn
    # the first reply starts as its event is written; the last ends just before `end` is written
    recording.align(samples, times[0] + 0.02, times[-1])
    spoken = [i for i, e in enumerate(events) if e["type"] in ("say", "ask")]
    for i in spoken:
        # parec may drop audio under load, so the recording's clock is only good to about half a second
        loudness = recording.rms(samples, times[i] - ALIGNMENT_SLACK, times[i + 1] + ALIGNMENT_SLACK)
        assert loudness > AUDIBLE_RMS, (f"not audible: {events[i]['text']!r} (rms {loudness:.0f}) "
                                        f"at {times[i] - recording.started:.2f} s", stderr[-600:])
    # (that the assistant is silent while it listens is by construction: the microphone opens
    # only after playback returns; parec's timeline is too coarse to check it here)
    env = virtual_audio.assistant_env()
    cache = env.get("VOICE_TRIAGE_CACHE") or f"{env.get('XDG_CACHE_HOME') or env['HOME'] + '/.cache'}/voice-triage"
    kept = Path(cache) / MICROPHONE_SOUND
    assert len(kept.read_text().split()) == 2, "how the microphone sounded is kept for the next session"


def test_microphone_that_disappears_mid_session_falls_back_to_typing(virtual_audio):
    events, _, code, stderr = run_voice_session(virtual_audio, interrupt_after=2,
                                                stdin_lines=b"no\n" * 12)
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "continue by typing" in stderr
    assert events[-1] == {"type": "end"}
    assert [e for e in events if e["type"] == "result"], "the session still ends with its result"


def test_a_line_typed_at_the_terminal_while_the_assistant_listens_answers_at_once(virtual_audio):
    """A person at a terminal types instead of speaking: the microphone (open, hearing only silence) is
    left at once for each typed line, in the same session, and the line is read as typed."""
    import os
    import pty

    keyboard, terminal = pty.openpty()
    command = [sys.executable, "-m", "voice_triage", "--asr", "pocketsphinx", "--listen-timeout", "60",
               "--rate", "450"]
    proc = subprocess.Popen(command, stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=virtual_audio.assistant_env(), cwd=ROOT, text=True)
    os.close(terminal)
    try:
        os.write(keyboard, b"tingling on the top of my foot\nstop\n")
        out, err = proc.communicate(timeout=SESSION_TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(keyboard)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "you can also type" in err
    assert "Fibular (peroneal) nerve" in out, out  # the typed description was understood
    # a listen that waited for speech would have timed out ("I didn't hear anything") and, three times over,
    # ended the session before the typed description was read
    assert "I didn't hear anything" not in out


def test_a_reply_starts_playing_while_its_next_sentence_is_still_being_rendered(virtual_audio, tmp_path,
                                                                              monkeypatch):
    """Playback of the first clip overlaps the work on the second (voice/tts.py Playback), on the real
    virtual speaker; both clips are heard whole."""
    import math

    from voice_triage.voice import tts

    for key, value in virtual_audio.assistant_env().items():
        monkeypatch.setenv(key, value)
    import sounddevice as sd

    sd._terminate()
    sd._initialize()
    rate = 22050
    tone = b"".join(int(8000 * math.sin(2 * math.pi * 440 * i / rate)).to_bytes(2, "little", signed=True)
                    for i in range(rate))  # one second
    recording = virtual_audio.record(tmp_path / "speaker.raw")
    time.sleep(0.3)
    with tts.Playback() as playback:
        playback.add(tone, rate)
        time.sleep(1.5)  # "rendering" the next sentence (longer than opening the stream takes here)
        second_added = time.monotonic()
        playback.add(tone, rate)
    ended = time.monotonic()
    time.sleep(0.3)
    samples = recording.stop()
    loud = sum(1 for s in samples if abs(s) > 2000) / 16000
    assert playback.first_sound is not None and playback.first_sound < second_added, \
        "the first clip played while the second was being made"
    assert ended - playback.first_sound >= 2.0, "playback waits for the whole reply"
    assert loud > 1.2, f"both clips were heard ({loud:.2f} s of tone)"
