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

    def open_room(self) -> "Room":
        """One room: the person and the assistant both audible to the microphone, and one stereo
        recording of it with the person on the left channel and the assistant on the right."""
        for args in (["module-null-sink", "sink_name=vt_room", "rate=16000", "channels=2",
                      "channel_map=front-left,front-right"],
                     ["module-remap-sink", "sink_name=vt_person", "master=vt_room", "channels=1",
                      "channel_map=mono", "master_channel_map=front-left", "remix=no"],
                     ["module-remap-sink", "sink_name=vt_speaker", "master=vt_room", "channels=1",
                      "channel_map=mono", "master_channel_map=front-right", "remix=no"],
                     ["module-remap-source", "source_name=vt_room_mic", "master=vt_room.monitor", "channels=1",
                      "channel_map=mono"]):
            subprocess.run(["pactl", "load-module", *args], env=self.env, check=True, capture_output=True)
        return Room(self)

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


@dataclass
class Room:
    """The room of VirtualAudio.open_room."""

    audio: VirtualAudio

    def assistant_env(self) -> dict[str, str]:
        """The assistant listens to the room and speaks into it."""
        return dict(self.audio.env, PULSE_SOURCE="vt_room_mic", PULSE_SINK="vt_speaker")

    def say(self, wav: Path) -> subprocess.Popen:
        """The person speaks."""
        return subprocess.Popen(["paplay", "--device=vt_person", str(wav)], env=self.audio.env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def record(self, path: Path) -> subprocess.Popen:
        """Stereo 16 kHz s16le: left the person, right the assistant. Terminate it to stop."""
        return subprocess.Popen(["parec", "--device=vt_room.monitor", "--format=s16le", f"--rate={RATE}",
                                 "--channels=2", "--raw", "--latency-msec=20"], env=self.audio.env,
                                stdout=path.open("wb"), stderr=subprocess.DEVNULL)


def turn_gaps(raw: bytes, threshold: int = 300, frame: float = 0.01) -> list[tuple[float, float]]:
    """From a room recording: for each stretch of the person's speech, (the time it ended, the time the
    assistant's next sound began), in seconds from the start. The null sink records exact silence
    between sounds; a pause of the person under 0.5 s is within a turn."""
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) // 4 * 4])
    step = int(RATE * frame)
    person, assistant = [], []
    for i in range(0, len(samples) // 2 - step, step):
        block = samples[2 * i: 2 * (i + step)]
        person.append(max(abs(v) for v in block[0::2]) > threshold)
        assistant.append(max(abs(v) for v in block[1::2]) > threshold)
    gaps, i = [], 0
    while i < len(person):
        if not person[i]:
            i += 1
            continue
        end = i
        while end < len(person) and (person[end] or any(person[end:end + int(0.5 / frame)])):
            end += 1
        last = max(j for j in range(i, end) if person[j]) + 1
        reply = next((j for j in range(last, len(assistant)) if assistant[j]), None)
        if reply is not None and not any(person[last:reply]):
            gaps.append((last * frame, reply * frame))
        i = end
    return gaps


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
