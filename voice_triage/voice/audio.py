"""Audio in: a microphone (sounddevice) or a WAV file, cut into utterances by an endpointer."""

from __future__ import annotations

import array
import queue
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from .asr import SAMPLE_RATE, Recognizer, SpeechError, Transcript

if TYPE_CHECKING:
    from .endpoint import Endpointing

BLOCK_SECONDS = 0.03
STALL_SECONDS = 2.0
"""No audio at all for this long means the microphone has gone."""
OPEN_SECONDS = 0.3
"""Say "listening" after the first audio arrives, or after this long (a silent source sends none)."""


class AudioError(SpeechError):
    """The microphone or an audio file can't be used."""


def resample(samples: array.array, rate: int) -> array.array:
    """Linear resampling to SAMPLE_RATE (rates below it are refused earlier)."""
    if rate == SAMPLE_RATE:
        return samples
    step = rate / SAMPLE_RATE
    count = int(len(samples) / step)
    out = array.array("h", bytes(2 * count))
    last = len(samples) - 1
    for i in range(count):
        position = i * step
        j = int(position)
        frac = position - j
        k = min(j + 1, last)
        out[i] = int(samples[j] + (samples[k] - samples[j]) * frac)
    return out


def read_wav(path: Path) -> bytes:
    """A WAV file as 16 kHz 16-bit mono PCM; clear errors for anything unusable."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except FileNotFoundError:
        raise AudioError(f"no such audio file: {path}") from None
    except (wave.Error, EOFError, OSError) as exc:
        raise AudioError(f"{path} is not a readable WAV file ({exc})") from None
    if width != 2:
        raise AudioError(f"{path} has {8 * width}-bit samples; 16-bit PCM is needed")
    if rate < SAMPLE_RATE:
        raise AudioError(f"{path} is sampled at {rate} Hz; speech recognition needs at least {SAMPLE_RATE} Hz")
    samples = array.array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % 2])
    if channels > 1:  # mix down to mono
        samples = array.array("h", (sum(samples[i:i + channels]) // channels
                                    for i in range(0, len(samples) - channels + 1, channels)))
    return resample(samples, rate).tobytes()


def wav_chunks(pcm: bytes, trailing_silence: float = 1.0) -> Iterator[bytes]:
    """A recording as chunks, with silence after it so the endpointer can close."""
    step = int(SAMPLE_RATE * BLOCK_SECONDS) * 2
    for i in range(0, len(pcm), step):
        yield pcm[i:i + step]
    yield bytes(int(SAMPLE_RATE * trailing_silence) * 2)


def _sounddevice():
    try:
        import sounddevice
    except OSError as exc:  # libportaudio2 missing
        raise AudioError(f"PortAudio is not installed ({exc})") from None
    except ImportError as exc:
        raise AudioError(f"sounddevice is not installed ({exc})") from None
    return sounddevice


@dataclass
class Microphone:
    """A live microphone through sounddevice: a raw 16-bit mono stream into a queue."""

    device: int | str | None = None
    """sounddevice device (index or name); None for the default."""
    _queue: queue.Queue = field(default_factory=queue.Queue, init=False)

    def __post_init__(self) -> None:
        sd = _sounddevice()
        try:
            info = sd.query_devices(self.device, "input")
        except Exception as exc:
            raise AudioError(f"no microphone found ({exc})") from None
        self.name = str(info["name"])

    def chunks(self, on_open: Callable[[], None] | None = None) -> Iterator[bytes]:
        """Audio while the caller listens; the stream is open only then, so the assistant never hears itself."""
        sd = _sounddevice()
        self._queue = queue.Queue()

        def callback(indata, frames, when, status) -> None:
            self._queue.put(bytes(indata))

        try:
            stream = sd.RawInputStream(samplerate=SAMPLE_RATE, blocksize=int(SAMPLE_RATE * BLOCK_SECONDS),
                                       dtype="int16", channels=1, device=self.device, callback=callback)
            stream.start()
        except Exception as exc:  # PortAudioError, or a device that went away
            raise AudioError(f"the microphone could not be opened ({exc})") from None
        try:
            waited = 0.0
            while True:
                try:
                    chunk = self._queue.get(timeout=OPEN_SECONDS if on_open else STALL_SECONDS)
                except queue.Empty:
                    waited += OPEN_SECONDS if on_open else STALL_SECONDS
                    if on_open is None and waited >= STALL_SECONDS:
                        raise AudioError("the microphone stopped sending sound (was it unplugged?)") from None
                    chunk = None
                if on_open is not None:  # after the first callback (or a moment): earlier sound is lost
                    on_open()
                    on_open = None
                if chunk is not None:
                    waited = 0.0
                    yield chunk
                if not stream.active:
                    raise AudioError("the microphone stream stopped (was it unplugged?)")
        finally:
            try:
                stream.stop()
                stream.close()
            except Exception:  # the device may already be gone
                pass

    def listen(self, recognizer: Recognizer, timing: Endpointing, on_open: Callable[[], None] | None = None,
               interrupted: Callable[[], bool] | None = None) -> tuple[Transcript | None, float | None]:
        """One utterance from the microphone (None if nothing was said in time, or on `interrupted`)."""
        from .endpoint import recognize_frames

        return recognize_frames(self.chunks(on_open), recognizer, timing, interrupted=interrupted)
