"""Whole spoken sessions in one virtual room, for `scripts/bench --voice` (issue 7).

Every scripted patient of tests/fixtures/scenarios.yaml talks to the real `voice-triage --jsonl`
process through a private PulseAudio room (tests/virtual_audio.py Room): the person's replies are
synthesised with Piper and played into the room, the assistant listens to the room and speaks into
it, and one stereo recording holds both (person left, assistant right). From it: the outcome
against the scenario's expectation, how many times any question was put, questions asked against
the same patient in text mode, and reply latency (end of the person's speech to the assistant's
first sound) for short answers and for descriptions. The sessions run one after another on one
computer (one private home folder per run): the first starts from PocketSphinx's model means, the
next ones from how the microphone sounded at the end of the last (voice/start.py MICROPHONE_SOUND).
"""

from __future__ import annotations

import collections
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "scripts")]
SESSION_SECONDS = 420
SHORT_WORDS = 3
"""A reply of at most this many words is a short answer (for latency)."""
ASSISTANT_RATE = 400
"""Words per minute of the assistant's voice: fast, to keep a run short (it does not change the latency)."""
CHECKS = ("Did you say", "Just to be sure", "Sorry.", "Please choose")


class Report(list):
    """Lines of the report, also printed at once when asked to."""

    def __init__(self, echo: bool) -> None:
        super().__init__()
        self.echo = echo

    def append(self, line: str) -> None:
        super().append(line)
        if self.echo:
            print(line, flush=True)


DIGITS = dict(enumerate("zero one two three four five six seven eight nine ten eleven twelve".split()))


def pronounced(text: str) -> tuple[str, ...] | None:
    """The phones of a phrase (the CMU dictionary's first pronunciation, stress dropped), None if a word is
    not in it."""
    if not hasattr(pronounced, "dictionary"):
        import os

        from pocketsphinx import get_model_path

        dictionary: dict[str, tuple[str, ...]] = {}
        with open(os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict"), encoding="utf-8") as handle:
            for line in handle:
                word, *phones = line.split()
                dictionary.setdefault(word, tuple(p.rstrip("012") for p in phones))
        pronounced.dictionary = dictionary  # type: ignore[attr-defined]
    words = [DIGITS.get(int(w), w) if w.isdigit() else w for w in text.lower().replace(",", " ").split()]
    phones = [pronounced.dictionary.get(w) for w in words]  # type: ignore[attr-defined]
    return None if None in phones else tuple(p for word in phones for p in word)


WHERE = "Where exactly"
"""The question put when a description named no place."""


class Patient:
    """A scripted patient: its turns first, then an answer chosen by a phrase in the question."""

    def __init__(self, scenario: dict, reader=None) -> None:
        self.pending = list(scenario.get("turns", []))
        self.description = self.pending[0] if self.pending else None
        self.answers = scenario.get("answers") or {}
        self.default = scenario.get("default", "no")
        self.reader = reader
        self.last = ""

    def reply(self, question: str) -> str | None:
        if question.startswith("Did you say: ") and self.reader is not None:
            # as a person would: yes when the reading read back means what they said ("yes i do" for
            # "yes, type 2"), else no
            heard = question[len("Did you say: "):].rstrip("?")
            kinds = {self.reader.read(heard).kind, self.reader.read(self.last).kind}
            same = heard.lower() == self.last.lower().strip(" .,!") or (len(kinds) == 1 and kinds <= {"yes", "no", "unsure"})
            # read back aloud, "for days" is what they said ("four days"): a person hears their own words
            same = same or (pronounced(heard) is not None and pronounced(heard) == pronounced(self.last))
            return "yes" if same else "no"
        if question.startswith(WHERE) and self.description and self.description not in self.pending:
            # asked where, after a description misheard: they say it again (their scripted turns wait), where a
            # scripted "no" put the answers out of step with the questions ("I meant no" answered a warning sign)
            self.last = self.description
        elif self.pending:
            self.last = self.pending.pop(0)
        else:
            self.last = next((a for key, a in self.answers.items() if key.lower() in question.lower()), self.default)
        return self.last


def text_questions(brain, scenario: dict) -> int:
    """How many questions the text dialogue asks the same patient."""
    from voice_triage.dialogue import Dialogue
    from voice_triage.events import Ask

    dialogue, patient, asked = Dialogue(brain), Patient(scenario), 0
    events = dialogue.start()
    while not dialogue.done and asked < 60:
        ask = next((e for e in reversed(events) if isinstance(e, Ask)), None)
        if ask is None:
            break
        asked += 1
        reply = patient.reply(ask.text)
        events = dialogue.finish() if reply is None else dialogue.hear(reply)
    return asked


def puts_per_question(brain, asks: list[str]) -> tuple[int, int]:
    """The most times one question was put in a row, and in all (reprompts, checks and warning-sign checks count;
    after "start over", the description's question again, the count begins again). A read-back of a stop or start
    over ("Did you say: begin again?") is about the session, not the question: it doesn't count, as in the dialogue."""
    from voice_triage.dialogue import DESCRIBE
    from voice_triage.spoken import ends_session

    known = {}
    for q in brain.rules.questions + [q for f in brain.rules.red_flags for q in f.questions]:
        known[q.text] = known[(q.plain or q.text)] = q.fact
    most, run, current, puts, most_in_all = 0, 0, None, collections.Counter(), 0
    for text in asks:
        if text.startswith("Did you say: ") and ends_session(brain, text[len("Did you say: "):].rstrip("?")):
            continue
        fact = known.get(text) or (current if text.startswith(CHECKS) or text.startswith(("I may", "Sorry")) else text)
        if fact == DESCRIBE.text and current not in (None, DESCRIBE.text):
            puts.clear()
        run = run + 1 if fact == current else 1
        current = fact
        most = max(most, run)
        puts[fact] += 1
        most_in_all = max(most_in_all, puts[fact])
    return most, most_in_all


def kinds_of_asks(events: list[dict]) -> dict[str, int]:
    """The questions of a session, by kind: read-backs ("Did you say ...?"), warning-sign checks (the sign's
    own question after "I may have heard ..."), checks of a fact heard in passing (its own question, after
    CHECK_EARLIER), "Just to be sure" confirmations, questions put again, and the rest."""
    from voice_triage.heard_in_passing import CHECK_EARLIER

    counts = dict.fromkeys(("read-backs", "sign checks", "earlier checks", "to be sure", "put again", "new"), 0)
    put, before = set(), ""
    for event in events:
        if event["type"] == "say":
            before = event["text"]
        elif event["type"] == "ask":
            text = event["text"]
            kind = ("read-backs" if text.startswith("Did you say") else
                    "sign checks" if before.startswith("I may have heard") else
                    "earlier checks" if before == CHECK_EARLIER else
                    "to be sure" if text.startswith("Just to be sure") else
                    "put again" if text in put or text.startswith(("Sorry", "Please choose")) or before.startswith("Sorry")
                    else "new")
            counts[kind] += 1
            put.add(text)
            before = ""
    return counts


def spoken_session(room, scenario: dict, say, folder: Path, reader=None) -> dict:
    """One whole session in the room; the recording is analysed after it."""
    from virtual_audio import turn_gaps

    recording = folder / "room.raw"
    recorder = room.record(recording)
    time.sleep(0.3)
    command = [sys.executable, "-m", "voice_triage", "--jsonl", "--asr", "pocketsphinx", "--listen-timeout", "3",
               "--rate", str(ASSISTANT_RATE)]
    proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=room.assistant_env(), cwd=ROOT, text=True)
    watchdog = threading.Timer(SESSION_SECONDS, proc.kill)
    watchdog.start()
    patient, events, asks, said, question = Patient(scenario, reader), [], [], [], ""
    try:
        for line in proc.stdout:
            event = json.loads(line)
            events.append(event)
            if event["type"] == "ask":
                question = event["text"]
                asks.append(question)
            elif event["type"] == "listening":
                text = patient.reply(question)
                if text is not None:
                    said.append(text)
                    time.sleep(0.1)
                    room.say(say(text)).wait(timeout=30)
            elif event["type"] == "end":
                break
        proc.wait(timeout=30)
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
        time.sleep(0.3)
        recorder.terminate()
        recorder.wait(timeout=10)
    gaps = turn_gaps(recording.read_bytes())
    results = [e for e in events if e["type"] == "result"]
    return {"events": events, "asks": asks, "said": said, "gaps": gaps,
            "final": results[-1]["assessment"] if results else None, "stderr": proc.stderr.read()}


def meets(final: dict | None, expect: dict) -> bool:
    """The scenario's expectation (as tests/test_dialogue.py checks it in text mode)."""
    if final is None:
        return not expect
    if "level" in expect and final["level"] != expect["level"]:
        return False
    if "red_flags" in expect and sorted(final["red_flags"]) != sorted(expect["red_flags"]):
        return False
    if "top" in expect and not (final["sources"] and final["sources"][0]["id"] == expect["top"]):
        return False
    for key, value in expect.get("facts", {}).items():
        actual = final["facts"].get(key)
        if (sorted(actual) if isinstance(actual, list) else actual) != value:
            return False
    return True


def synthesiser(folder: Path):
    """Text -> a cached 16 kHz WAV said by the first voice of bench_listening (Piper when installed)."""
    from bench_listening import with_noise, voices

    voice = voices()[0]
    cache: dict[str, Path] = {}

    def say(text: str) -> Path:
        if text not in cache:
            path = folder / f"turn-{len(cache)}.wav"
            with wave.open(str(path), "wb") as out:
                out.setnchannels(1)
                out.setsampwidth(2)
                out.setframerate(16000)
                out.writeframes(with_noise(voice.say(text), None, 0))
            cache[text] = path
        return cache[text]

    return say, voice.name


def main(only: str | None = None, echo: bool = False) -> list[str]:
    """The report's lines (printed as they come with `echo`: a whole run takes about 20 minutes)."""
    import yaml

    from virtual_audio import missing_tools, start_virtual_audio

    from voice_triage.brain import Brain
    from voice_triage.knowledge import load_knowledge

    reason = missing_tools()
    if reason:
        return [f"spoken sessions: not run ({reason})"]
    brain = Brain(load_knowledge())
    scenarios = yaml.safe_load((ROOT / "tests" / "fixtures" / "scenarios.yaml").read_text())["scenarios"]
    folder = Path(tempfile.mkdtemp(prefix="vt-room-"))
    audio = start_virtual_audio(folder / "pulse")
    lines, short, long_, right, ran, within = Report(echo), [], [], 0, 0, 0
    at_most_3 = collections.Counter()
    try:
        room = audio.open_room()
        say, voice = synthesiser(folder)
        lines.append(f"spoken sessions in one virtual room (the person: {voice}; the assistant: pyttsx3 at {ASSISTANT_RATE} wpm)")
        for scenario in scenarios:
            if only and only not in scenario["name"]:
                continue
            session = spoken_session(room, scenario, say, folder, brain.replies)
            ran += 1
            ok = meets(session["final"], scenario.get("expect", {}))
            right += ok
            text_asks = text_questions(brain, scenario)
            kinds = kinds_of_asks(session["events"])
            # text mode says "Just to be sure" too
            confirmations = kinds["read-backs"] + kinds["sign checks"] + kinds["earlier checks"]
            within += len(session["asks"]) <= text_asks + confirmations
            most, in_all = puts_per_question(brain, session["asks"])
            at_most_3["in a row"] += most <= 3
            at_most_3["in all"] += in_all <= 3
            for (ended, replied), text in zip(session["gaps"], session["said"]):
                (short if len(text.split()) <= SHORT_WORDS else long_).append(replied - ended)
            lines.append(f"  {'ok  ' if ok else 'MISS'} {scenario['name']}: questions {len(session['asks'])} "
                         f"(text mode {text_asks}; " + ", ".join(f"{k} {n}" for k, n in kinds.items()) + "), "
                         f"most puts of one question {most} in a row, {in_all} in all, "
                         f"level {session['final']['level'] if session['final'] else None}")
            if not ok or "-v" in sys.argv:
                final = session["final"] or {}
                lines.append(f"    heard: {[e['text'] for e in session['events'] if e['type'] == 'heard']}")
                lines.append(f"    red flags {final.get('red_flags')}, sources {[s['id'] for s in final.get('sources', [])][:2]}, "
                             f"facts {final.get('facts')}")
            if "Traceback" in session["stderr"]:
                lines.append("    traceback: " + session["stderr"].strip().splitlines()[-1])
    finally:
        audio.stop()
    lines.append(f"  right outcome {right}/{ran}")
    lines.append(f"  no question put more than 3 times: in a row {at_most_3['in a row']}/{ran}, "
                 f"in all {at_most_3['in all']}/{ran}")
    lines.append(f"  no more questions than text mode plus confirmations (read-backs, warning-sign checks and "
                 f"checks of what was heard earlier): "
                 f"{within}/{ran}")
    for name, gaps in (("short answers", short), ("descriptions", long_)):
        if gaps:
            lines.append(f"  reply latency in the room, {name}: median {statistics.median(gaps):.2f} s, "
                         f"max {max(gaps):.2f} s over {len(gaps)} turns (end of speech to first reply sound)")
    return lines


if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if not a.startswith("-")]
    main(names[0] if names else None, echo=True)
