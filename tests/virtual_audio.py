"""A real microphone and speaker without hardware: a private PulseAudio server with null sinks.

The person's turns are played into `vt_user`; its monitor, remapped as `vt_mic`, is the
assistant's microphone. The assistant speaks into `vt_assistant`, whose monitor is recorded,
so a test can check what was really said aloud (VOICE.md).
"""

from __future__ import annotations

import array
import math
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

RATE = 16000


@dataclass
class VirtualAudio:
    """A running private PulseAudio server."""

    folder: Path
    env: dict[str, str]
    pid: int

    def assistant_env(self) -> dict[str, str]:
        """Environment for the assistant: mic from the user's sink, speech into its own sink."""
        return dict(self.env, PULSE_SOURCE="vt_mic", PULSE_SINK="vt_assistant")

    def play(self, wav: Path) -> subprocess.Popen:
        """Say a recorded turn into the microphone."""
        return subprocess.Popen(["paplay", "--device=vt_user", str(wav)], env=self.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def record(self, path: Path) -> "Recording":
        """Record everything the assistant says."""
        proc = subprocess.Popen(["parec", "--device=vt_assistant.monitor", "--format=s16le", f"--rate={RATE}",
                                 "--channels=1", "--raw", "--latency-msec=200"], env=self.env,
                                stdout=path.open("wb"), stderr=subprocess.DEVNULL)
        return Recording(path, proc, time.monotonic())

    def unplug_microphone(self) -> None:
        """The microphone disappears (its source module is unloaded); the speaker stays."""
        modules = subprocess.run(["pactl", "list", "short", "modules"], env=self.env, capture_output=True,
                                 text=True, check=True).stdout
        for line in modules.splitlines():
            if "module-remap-source" in line:
                subprocess.run(["pactl", "unload-module", line.split()[0]], env=self.env, check=True)

    def stop(self) -> None:
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


@dataclass
class Recording:
    """Raw 16 kHz PCM of the assistant's speaker, with the time it started."""

    path: Path
    proc: subprocess.Popen
    started: float

    def stop(self) -> array.array:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        samples = array.array("h")
        samples.frombytes(self.path.read_bytes()[: self.path.stat().st_size // 2 * 2])
        return samples

    scale: float = 1.0

    def align(self, samples: array.array, first_sound: float, last_sound_end: float, threshold: int = 300) -> None:
        """Map file positions to times by two anchors: parec starts late and, under load, may drop audio."""
        onset = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
        offset = next((i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold), None)
        if onset is None or offset is None or offset <= onset:
            return
        self.scale = (offset - onset) / RATE / max(last_sound_end - first_sound, 1e-3)
        self.started = first_sound - onset / RATE / self.scale

    def position(self, when: float) -> int:
        return int((when - self.started) * self.scale * RATE)

    def rms(self, samples: array.array, start: float, end: float, frame: float = 0.02) -> float:
        """Loudness between two monotonic times: the RMS of the loudest 20 ms in it."""
        first = max(0, self.position(start))
        last = min(len(samples), self.position(end))
        step = int(RATE * frame)
        loudest = 0.0
        for i in range(first, max(first, last - step) + 1, step):
            window = samples[i:i + step]
            if window:
                loudest = max(loudest, math.sqrt(sum(s * s for s in window) / len(window)))
        return loudest


def missing_tools() -> str | None:
    """Why virtual audio can't run here, or None."""
    for tool in ("pulseaudio", "paplay", "parec", "pactl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (Debian: pulseaudio pulseaudio-utils; scripts/setup --test installs them)"
    return None


def start_virtual_audio(folder: Path) -> VirtualAudio:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "home").mkdir(exist_ok=True)
    (folder / "run").mkdir(exist_ok=True)
    socket = folder / "native"
    env = dict(os.environ, HOME=str(folder / "home"), XDG_RUNTIME_DIR=str(folder / "run"),
               PULSE_SERVER=f"unix:{socket}")
    env.pop("PULSE_SINK", None)
    env.pop("PULSE_SOURCE", None)
    config = folder / "minimal.pa"
    config.write_text(
        f"load-module module-native-protocol-unix auth-anonymous=1 socket={socket}\n"
        "load-module module-null-sink sink_name=vt_user rate=16000 channels=1\n"
        "load-module module-null-sink sink_name=vt_assistant rate=22050 channels=1\n"
        "load-module module-remap-source master=vt_user.monitor source_name=vt_mic\n"
        "set-default-sink vt_assistant\n"
        "set-default-source vt_mic\n")
    subprocess.run(["pulseaudio", "-n", "-F", str(config), "--exit-idle-time=-1", "--daemonize=yes",
                    "--use-pid-file=yes", "--log-target=stderr"], env=env, check=True, timeout=30,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError("the PulseAudio test server did not start")
        time.sleep(0.1)
    pid = int((folder / "run" / "pulse" / "pid").read_text().strip())
    return VirtualAudio(folder, env, pid)
