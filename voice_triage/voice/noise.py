"""How far a turn's speech stood above the background, as the recogniser hears it.

Steady noise at one SNR costs very different amounts: brown noise lies mostly below the recogniser's lowest filter
(130 Hz), pink spreads over the speech band. So the level is measured after the recogniser's own pre-emphasis, which
takes the low rumble out as its features do.
"""

from __future__ import annotations

import array
import math

PRE_EMPHASIS = 0.97
"""The recogniser's (PocketSphinx `alpha`): y[n] = x[n] - 0.97 x[n-1]."""
FRAME = 480
"""Samples in one measured frame (30 ms at 16 kHz, the voice activity detector's frame)."""
NOISY_DB = 10.0
"""Below this a short answer is checked, however it was heard. Dev short answers said by three voices, the level
measured here (median, 10th to 90th percentile): brown noise at 10 dB 16.2 (13.0-17.9) and pink at 20 dB 16.6
(13.5-18.5), both understood 98.5% or more; pink at 10 dB 6.7 (3.6-8.5), understood 86.7%, 4 answers wrong."""

NOISY_NOTICE = "It's noisy where you are, so I'll check what I hear."
"""Said the first time a short answer is heard in such noise."""


class NoiseMeter:
    """The power of each frame of a turn, the quiet before the speech included."""

    def __init__(self) -> None:
        self._powers: list[float] = []
        self._last = 0
        self._pending = array.array("h")
        self._odd = b""  # a byte of a sample split between two pieces

    def add(self, pcm: bytes) -> None:
        """16-bit mono PCM, in order."""
        pcm = self._odd + pcm
        self._odd = pcm[len(pcm) - len(pcm) % 2:]
        self._pending.frombytes(pcm[: len(pcm) - len(pcm) % 2])
        whole = len(self._pending) - len(self._pending) % FRAME
        last = self._last
        for start in range(0, whole, FRAME):
            total = 0.0
            for sample in self._pending[start:start + FRAME]:
                total += (sample - PRE_EMPHASIS * last) ** 2
                last = sample
            self._powers.append(total / FRAME)
        self._last = last
        del self._pending[:whole]

    def snr(self) -> float | None:
        """Speech over background in dB: the loudest 30% of frames against the quietest tenth (None: too short)."""
        powers = sorted(self._powers)
        if len(powers) < 10:
            return None
        background = powers[len(powers) // 10] + 1e-9
        loud = powers[len(powers) * 7 // 10:]
        speech = sum(loud) / len(loud) - background
        return 10 * math.log10(max(speech, 1e-9) / background)


def snr_of(pcm: bytes) -> float | None:
    """The level of one whole turn's audio."""
    meter = NoiseMeter()
    meter.add(pcm)
    return meter.snr()


def noisy(snr: float | None) -> bool:
    """Too noisy to take a short answer without checking it."""
    return snr is not None and snr < NOISY_DB
