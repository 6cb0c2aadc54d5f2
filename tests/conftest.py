"""Shared fixtures: the real knowledge base, and a driver for the real CLI process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TIMEOUT = 60


def load_fixture(*parts: str):
    with (FIXTURES.joinpath(*parts)).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="session")
def cache_env(tmp_path_factory) -> dict[str, str]:
    """Environment for the CLI: a private compiled-data cache, no colour."""
    env = dict(os.environ)
    env["VOICE_TRIAGE_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    env["NO_COLOR"] = "1"
    env.pop("VOICE_TRIAGE_DATA", None)
    return env


@pytest.fixture(scope="session")
def knowledge():
    from voice_triage.knowledge import load_knowledge

    return load_knowledge(ROOT, use_cache=False)


@pytest.fixture(scope="session")
def brain(knowledge):
    from voice_triage.brain import Brain

    return Brain(knowledge)


def run_cli(args: list[str], env: dict[str, str], stdin: bytes = b"") -> subprocess.CompletedProcess:
    """Run `python -m voice_triage ARGS` for real."""
    return subprocess.run([sys.executable, "-m", "voice_triage", *args], input=stdin, capture_output=True,
                          env=env, timeout=TIMEOUT, cwd=ROOT)


@dataclass
class Conversation:
    """What a scripted person saw in a `--text --jsonl` session."""

    events: list[dict] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    returncode: int | None = None
    stderr: str = ""

    @property
    def asks(self) -> list[str]:
        return [e["text"] for e in self.events if e["type"] == "ask"]

    @property
    def results(self) -> list[dict]:
        return [e["assessment"] for e in self.events if e["type"] == "result"]

    @property
    def final(self) -> dict:
        assert self.results, f"no result in {self.events}"
        return self.results[-1]

    @property
    def says(self) -> list[str]:
        return [e["text"] for e in self.events if e["type"] == "say"]


def converse(env: dict[str, str], turns: list[str], answers: dict[str, str] | None = None,
             default: str | None = "no", extra_args: tuple[str, ...] = (), max_turns: int = 40) -> Conversation:
    """Talk to the real process: each ask gets the next scripted turn, then an answer chosen by
    a phrase in the question (`answers`), then `default`. No answer left: close stdin (EOF)."""
    proc = subprocess.Popen([sys.executable, "-m", "voice_triage", "--text", "--jsonl", *extra_args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, cwd=ROOT, text=True, encoding="utf-8")
    watchdog = threading.Timer(TIMEOUT, proc.kill)
    watchdog.start()
    talk = Conversation()
    pending = list(turns)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        for line in proc.stdout:
            event = json.loads(line)
            talk.events.append(event)
            if event["type"] == "end":
                break
            if event["type"] != "ask":
                continue
            if len(talk.said) >= max_turns:
                raise AssertionError(f"the session did not end within {max_turns} turns: {talk.asks}")
            reply = pending.pop(0) if pending else None
            if reply is None:
                question = event["text"].lower()
                reply = next((a for key, a in (answers or {}).items() if key.lower() in question), default)
            if reply is None:
                proc.stdin.close()
                continue
            talk.said.append(reply)
            proc.stdin.write(reply + "\n")
            proc.stdin.flush()
        if not proc.stdin.closed:
            proc.stdin.close()
        talk.stderr = proc.stderr.read() if proc.stderr else ""
        talk.returncode = proc.wait(timeout=TIMEOUT)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
    return talk


@pytest.fixture
def virtual_audio(tmp_path_factory):
    """A private PulseAudio server with a virtual microphone and speaker (see virtual_audio.py)."""
    from virtual_audio import missing_tools, start_virtual_audio

    reason = missing_tools()
    if reason and os.environ.get("CI"):
        pytest.fail(f"voice tests must run on CI: {reason}")  # .ci/run installs PulseAudio
    if reason:
        pytest.skip(reason)
    audio = start_virtual_audio(tmp_path_factory.mktemp("pulse"))
    try:
        yield audio
    finally:
        audio.stop()
